"""The scheduled lifecycle through `POST /campaigns/refresh`, with a clock the test moves."""

from __future__ import annotations

from datetime import timedelta

import pytest

from campaigns.adapters.local.clock import FixedClock
from campaigns.domain.events import CampaignDomainReleased, CampaignStatusChanged
from tests.bootstrap import START
from tests.integration.http.support import (
    Api,
    Client,
    Json,
    assert_problem,
    bearer,
    event_types,
    iso,
    valid_campaign_body,
)

pytestmark = pytest.mark.integration

HOUR = timedelta(hours=1)
NOTHING = {"opened": 0, "closed": 0, "deactivated": 0, "dryRun": False, "campaigns": []}


async def _by_domain(api: Api, site: str) -> Json:
    response = await api.client.get("/campaigns", params={"domain": site}, headers=api.supreme)
    assert response.status_code == 200, response.text
    found: Json = response.json()
    return found


async def test_a_campaign_opens_closes_and_is_deactivated_on_schedule(  # noqa: PLR0915 - one story, step by step
    api: Api, client: Client, clock: FixedClock
) -> None:
    opens, closes = START + HOUR, START + 2 * HOUR
    created = await api.create(valid_campaign_body("lifecycle", date={"open": iso(opens), "close": iso(closes)}))
    cid = created["id"]
    assert await api.refresh() == NOTHING
    assert (await _by_domain(api, "lifecycle"))["status"] == "DRAFT"  # now cached by domain

    clock.advance(HOUR)
    dry = await api.refresh(dry_run=True)
    assert dry == {
        "opened": 1,
        "closed": 0,
        "deactivated": 0,
        "dryRun": True,
        "campaigns": [{"id": cid, "from": "DRAFT", "to": "OPEN", "domain": "lifecycle"}],
    }
    assert (await api.campaign(cid))["status"] == "DRAFT"

    opened = await api.refresh()
    assert opened == {**dry, "dryRun": False}
    campaign = await api.campaign(cid)
    assert campaign["status"] == "OPEN"
    assert campaign["date"]["opened"] == iso(opens)
    assert campaign["date"]["open"] is None
    assert campaign["date"]["close"] == iso(closes)
    assert campaign["domain"] == {"site": "lifecycle", "preview": None}
    assert campaign["version"] == 2
    assert (await _by_domain(api, "lifecycle"))["status"] == "OPEN"
    assert await api.refresh() == NOTHING  # the same instant again: nothing left to do

    clock.advance(HOUR)
    closed = await api.refresh()
    assert closed == {
        "opened": 0,
        "closed": 1,
        "deactivated": 0,
        "dryRun": False,
        "campaigns": [{"id": cid, "from": "OPEN", "to": "CLOSED", "domain": "lifecycle"}],
    }
    campaign = await api.campaign(cid)
    assert campaign["status"] == "CLOSED"
    assert campaign["date"]["closed"] == iso(closes)
    assert campaign["date"]["close"] is None
    assert (await _by_domain(api, "lifecycle"))["status"] == "CLOSED"

    clock.advance(timedelta(days=30) - timedelta(seconds=1))
    assert await api.refresh() == NOTHING  # one second early
    clock.advance(timedelta(seconds=1))
    deactivated = await api.refresh()
    assert deactivated == {
        "opened": 0,
        "closed": 0,
        "deactivated": 1,
        "dryRun": False,
        "campaigns": [{"id": cid, "from": "CLOSED", "to": "INACTIVE", "domain": "lifecycle"}],
    }
    assert await api.refresh() == NOTHING
    campaign = await api.campaign(cid)
    assert campaign["status"] == "INACTIVE"
    assert campaign["domain"]["site"] is None
    assert campaign["date"]["inactivated"] == iso(clock.now())
    assert [(e["status"], e["by"], e["reason"]) for e in campaign["statusHistory"]] == [
        ("DRAFT", "admin", "created"),
        ("OPEN", "scheduler", "scheduled"),
        ("CLOSED", "scheduler", "scheduled"),
        ("INACTIVE", "scheduler", "scheduled"),
    ]
    assert [e["at"] for e in campaign["statusHistory"]] == [
        iso(START),
        iso(opens),
        iso(closes),
        iso(closes + timedelta(days=30)),
    ]
    assert_problem(
        await client.get("/campaigns", params={"domain": "lifecycle"}, headers=api.supreme), 404, "CAMPAIGN_NOT_FOUND"
    )

    successor = await api.create(valid_campaign_body("lifecycle"))
    assert (await _by_domain(api, "lifecycle"))["id"] == successor["id"]

    entries = api.pending()
    assert event_types(entries) == [
        "campaign.created",
        "campaign.event-mapping",
        "campaign.status-changed",
        "campaign.event-mapping",
        "campaign.status-changed",
        "campaign.event-mapping",
        "campaign.status-changed",
        "campaign.domain-released",
        "campaign.event-mapping",
        "campaign.created",
        "campaign.event-mapping",
    ]
    changes = [entry.event for entry in entries if isinstance(entry.event, CampaignStatusChanged)]
    assert [(c.from_status, c.to_status, c.due_at) for c in changes] == [
        ("DRAFT", "OPEN", opens),
        ("OPEN", "CLOSED", closes),
        ("CLOSED", "INACTIVE", closes + timedelta(days=30)),
    ]
    assert all(c.campaign_id == cid for c in changes)
    (released,) = [entry.event for entry in entries if isinstance(entry.event, CampaignDomainReleased)]
    assert released.campaign_id == cid
    assert released.released_site == "lifecycle"
    assert len({entry.id for entry in entries}) == len(entries)


async def test_a_campaign_past_both_dates_opens_and_closes_in_one_refresh(api: Api, clock: FixedClock) -> None:
    created = await api.create(
        valid_campaign_body("late", status="PREVIEW", date={"open": iso(START + HOUR), "close": iso(START + 2 * HOUR)})
    )
    clock.advance(3 * HOUR)

    report = await api.refresh()

    assert report["opened"] == 1
    assert report["closed"] == 1
    assert [(c["from"], c["to"]) for c in report["campaigns"]] == [("PREVIEW", "OPEN"), ("OPEN", "CLOSED")]
    campaign = await api.campaign(created["id"])
    assert campaign["status"] == "CLOSED"
    assert [e["status"] for e in campaign["statusHistory"]] == ["PREVIEW", "OPEN", "CLOSED"]
    assert campaign["version"] == 2  # one write for both transitions
    assert await api.refresh() == NOTHING


async def test_refresh_applies_only_what_is_due(api: Api, clock: FixedClock) -> None:
    soon = await api.create(valid_campaign_body("soon", date={"open": iso(START + HOUR)}))
    later = await api.create(valid_campaign_body("later", date={"open": iso(START + 5 * HOUR)}))
    undated = await api.create(valid_campaign_body("undated"))
    clock.advance(2 * HOUR)

    report = await api.refresh()

    assert [c["id"] for c in report["campaigns"]] == [soon["id"]]
    assert (await api.campaign(later["id"]))["status"] == "DRAFT"
    assert (await api.campaign(undated["id"]))["status"] == "DRAFT"


async def test_an_inactive_campaign_is_reactivated_only_by_supreme_with_a_free_domain(
    api: Api, client: Client, clock: FixedClock
) -> None:
    created = await api.create(valid_campaign_body("reborn", date={"open": iso(START), "close": iso(START + HOUR)}))
    cid = created["id"]
    clock.advance(2 * HOUR)
    assert (await api.refresh())["closed"] == 1
    clock.advance(timedelta(days=30))
    assert (await api.refresh())["deactivated"] == 1
    assert (await api.campaign(cid))["status"] == "INACTIVE"
    await api.create(valid_campaign_body("reborn"))
    admin = bearer(api.tokens.for_campaign(cid, ["read", "write", "admin"]))

    by_admin = await client.post(
        f"/campaigns/{cid}", json={"status": "DRAFT", "domain": {"site": "reborn-2"}}, headers=admin
    )
    without_domain = await client.post(f"/campaigns/{cid}", json={"status": "DRAFT"}, headers=api.supreme)
    onto_held = await client.post(
        f"/campaigns/{cid}", json={"status": "DRAFT", "domain": {"site": "reborn"}}, headers=api.supreme
    )
    assert_problem(by_admin, 409, "INVALID_CAMPAIGN_STATUS_CHANGE")
    assert_problem(without_domain, 409, "INVALID_CAMPAIGN_STATUS_CHANGE")
    assert_problem(onto_held, 409, "CAMPAIGN_WITH_DOMAIN_EXISTS")
    assert (await api.campaign(cid))["status"] == "INACTIVE"

    revived = await api.update(cid, {"status": "DRAFT", "domain": {"site": "reborn-2"}})

    assert revived["status"] == "DRAFT"
    assert revived["domain"]["site"] == "reborn-2"
    assert (await _by_domain(api, "reborn-2"))["id"] == cid
