"""Spec §3 Lifecycle: setting `date.open` or `date.close` to an instant at or before now is a status change.

It takes effect at the next tick, so it needs `admin` (as a manual status change does); a future
instant needs `write`. "Now" is the app's clock (the `clock` fixture).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from campaigns.adapters.local.clock import FixedClock
from tests.integration.http.support import Api, Client, Json, Tokens, assert_problem, bearer, iso, valid_campaign_body

pytestmark = pytest.mark.integration


def _writer_and_admin(tokens: Tokens, campaign: Json) -> tuple[dict[str, str], dict[str, str]]:
    writer = bearer(tokens.for_campaign(campaign["id"], ["read", "write"]))
    admin = bearer(tokens.for_campaign(campaign["id"], ["read", "write", "admin"]))
    return writer, admin


@pytest.mark.parametrize("offset", [timedelta(hours=-1), timedelta(0)], ids=["past", "now"])
async def test_a_writer_may_not_schedule_an_opening_that_is_due(
    api: Api, client: Client, tokens: Tokens, clock: FixedClock, offset: timedelta
) -> None:
    campaign = await api.create(valid_campaign_body("due-open"))
    writer, _ = _writer_and_admin(tokens, campaign)
    pending = len(api.pending())

    response = await client.post(
        f"/campaigns/{campaign['id']}", json={"date": {"open": iso(clock.now() + offset)}}, headers=writer
    )

    assert_problem(response, 403, "INVALID_CAMPAIGN_PERMISSIONS")
    stored = await api.campaign(campaign["id"])
    assert stored["version"] == campaign["version"]
    assert stored["date"].get("open") is None
    assert len(api.pending()) == pending


async def test_a_writer_may_not_schedule_a_closing_that_is_due(
    api: Api, client: Client, tokens: Tokens, clock: FixedClock
) -> None:
    created = await api.create(valid_campaign_body("due-close"))
    campaign = await api.update(created["id"], {"status": "OPEN"})
    writer, _ = _writer_and_admin(tokens, campaign)

    response = await client.post(
        f"/campaigns/{campaign['id']}",
        json={"date": {"close": iso(clock.now() - timedelta(minutes=1))}},
        headers=writer,
    )

    assert_problem(response, 403, "INVALID_CAMPAIGN_PERMISSIONS")
    assert (await api.campaign(campaign["id"]))["version"] == campaign["version"]


async def test_an_admin_may_schedule_a_due_opening_and_the_next_tick_applies_it(
    api: Api, client: Client, tokens: Tokens, clock: FixedClock
) -> None:
    campaign = await api.create(valid_campaign_body("admin-open"))
    _, admin = _writer_and_admin(tokens, campaign)

    response = await client.post(
        f"/campaigns/{campaign['id']}", json={"date": {"open": iso(clock.now() - timedelta(hours=1))}}, headers=admin
    )

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "DRAFT"
    report = await api.refresh()
    assert report["opened"] == 1
    assert (await api.campaign(campaign["id"]))["status"] == "OPEN"


async def test_a_writer_may_schedule_the_future_or_clear_a_schedule(
    api: Api, client: Client, tokens: Tokens, clock: FixedClock
) -> None:
    campaign = await api.create(valid_campaign_body("future-open"))
    writer, _ = _writer_and_admin(tokens, campaign)
    opens, closes = clock.now() + timedelta(days=1), clock.now() + timedelta(days=2)

    scheduled = await client.post(
        f"/campaigns/{campaign['id']}", json={"date": {"open": iso(opens), "close": iso(closes)}}, headers=writer
    )
    cleared = await client.post(f"/campaigns/{campaign['id']}", json={"date": {"open": None}}, headers=writer)

    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["date"]["open"] == iso(opens)
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["date"].get("open") is None
    assert cleared.json()["date"]["close"] == iso(closes)


async def test_a_writer_echoing_a_due_schedule_already_stored_sets_nothing_new(
    api: Api, client: Client, tokens: Tokens, clock: FixedClock
) -> None:
    """A round trip of a document whose `date.open` an admin already made due is a plain write."""
    campaign = await api.create(valid_campaign_body("echoed"))
    writer, admin = _writer_and_admin(tokens, campaign)
    due = iso(clock.now() - timedelta(hours=1))
    scheduled = await client.post(f"/campaigns/{campaign['id']}", json={"date": {"open": due}}, headers=admin)
    assert scheduled.status_code == 200, scheduled.text

    echoed = await client.post(
        f"/campaigns/{campaign['id']}", json={"name": "Renamed", "date": {"open": due}}, headers=writer
    )
    moved = await client.post(
        f"/campaigns/{campaign['id']}",
        json={"date": {"open": iso(clock.now() - timedelta(minutes=30))}},
        headers=writer,
    )

    assert echoed.status_code == 200, echoed.text
    assert echoed.json()["name"] == "Renamed"
    assert_problem(moved, 403, "INVALID_CAMPAIGN_PERMISSIONS")
