"""`GET /campaigns/schedule`: the lifecycle agenda, through the real app, with a clock the test moves."""

from __future__ import annotations

from datetime import timedelta

import pytest

from campaigns.adapters.local.clock import FixedClock
from campaigns.domain.lifecycle import INACTIVITY_GRACE
from tests.bootstrap import START
from tests.integration.http.support import Api, Client, Json, Tokens, assert_problem, bearer, iso, valid_campaign_body

pytestmark = pytest.mark.integration

HOUR = timedelta(hours=1)


async def _agenda(api: Api, **params: str) -> Json:
    response = await api.client.get("/campaigns/schedule", params=params, headers=api.supreme)
    assert response.status_code == 200, response.text
    agenda: Json = response.json()
    return agenda


def _rows(agenda: Json) -> list[tuple[str, str | None, str, str, str]]:
    return [(t["id"], t["domain"], t["from"], t["to"], t["dueAt"]) for t in agenda["transitions"]]


async def test_the_agenda_lists_the_next_day_of_opens_and_closes_in_order(api: Api) -> None:
    both = await api.create(
        valid_campaign_body("both", date={"open": iso(START + HOUR), "close": iso(START + 3 * HOUR)})
    )
    opening = await api.create(valid_campaign_body("opening", date={"open": iso(START + 2 * HOUR)}))
    await api.create(valid_campaign_body("next-week", date={"open": iso(START + 7 * 24 * HOUR)}))
    await api.create(valid_campaign_body("unscheduled"))

    agenda = await _agenda(api)

    assert (agenda["from"], agenda["to"]) == (iso(START), iso(START + 24 * HOUR))
    assert _rows(agenda) == [
        (both["id"], "both", "DRAFT", "OPEN", iso(START + HOUR)),
        (opening["id"], "opening", "DRAFT", "OPEN", iso(START + 2 * HOUR)),
        (both["id"], "both", "OPEN", "CLOSED", iso(START + 3 * HOUR)),
    ]


async def test_the_window_is_chosen_with_from_and_to_read_leniently(api: Api) -> None:
    tomorrow = START.replace(hour=0, minute=0, second=0, microsecond=0) + 24 * HOUR
    later = await api.create(valid_campaign_body("later", date={"open": iso(tomorrow + 30 * HOUR)}))
    await api.create(valid_campaign_body("sooner", date={"open": iso(START + HOUR)}))

    # A date alone is midnight UTC; an offset is converted; an empty parameter counts as absent.
    agenda = await _agenda(
        api, **{"from": tomorrow.date().isoformat(), "to": iso(tomorrow + 31 * HOUR)[:-1] + "+00:00"}
    )
    assert _rows(agenda) == [(later["id"], "later", "DRAFT", "OPEN", iso(tomorrow + 30 * HOUR))]
    assert (await _agenda(api, **{"from": "", "to": ""}))["to"] == iso(START + 24 * HOUR)


async def test_a_closed_campaign_is_listed_when_its_deactivation_falls_due(api: Api, clock: FixedClock) -> None:
    campaign = await api.create(valid_campaign_body("closing", date={"close": iso(START + HOUR)}))
    await api.update(campaign["id"], {"status": "OPEN"})
    clock.advance(HOUR)
    await api.refresh()

    soon = await _agenda(api, to=iso(START + HOUR + INACTIVITY_GRACE - timedelta(seconds=1)))
    due = await _agenda(api, **{"from": iso(START + 29 * 24 * HOUR), "to": iso(START + HOUR + INACTIVITY_GRACE)})

    assert _rows(soon) == []
    assert _rows(due) == [(campaign["id"], "closing", "CLOSED", "INACTIVE", iso(START + HOUR + INACTIVITY_GRACE))]


async def test_an_overdue_transition_is_listed_for_the_next_tick(api: Api, clock: FixedClock) -> None:
    overdue = await api.create(valid_campaign_body("overdue", date={"open": iso(START + HOUR)}))
    clock.advance(2 * HOUR)  # no tick ran since it fell due

    assert _rows(await _agenda(api)) == [(overdue["id"], "overdue", "DRAFT", "OPEN", iso(START + HOUR))]
    assert _rows(await _agenda(api, **{"from": iso(START + 3 * HOUR)})) == []


async def test_what_the_agenda_lists_is_what_the_ticks_then_apply(api: Api, clock: FixedClock) -> None:
    for n, (opens, closes) in enumerate([(1, 5), (2, None), (3, 4), (30, None)]):
        dates = {"open": iso(START + opens * HOUR)} | ({"close": iso(START + closes * HOUR)} if closes else {})
        await api.create(valid_campaign_body(f"site{n}", date=dates))
    listed = _rows(await _agenda(api, to=iso(START + 6 * HOUR)))

    applied: list[tuple[str, str | None, str, str, str]] = []
    for _ in range(6):
        clock.advance(HOUR)
        report = await api.refresh()
        applied += [(c["id"], c["domain"], c["from"], c["to"], iso(clock.now())) for c in report["campaigns"]]

    assert [row[:4] for row in applied] == [row[:4] for row in listed]
    assert [row[4] for row in applied] == [row[4] for row in listed]  # each applied at the tick of its instant


async def test_the_route_is_not_taken_for_a_campaign_id(api: Api, client: Client) -> None:
    created = await api.create(valid_campaign_body("plain"))
    by_id = await client.get(f"/campaigns/{created['id']}", headers=api.supreme)
    schedule = await client.get("/campaigns/schedule", headers=api.supreme)

    assert by_id.status_code == 200
    assert set(schedule.json()) == {"from", "to", "transitions"}


async def test_only_supreme_users_read_the_agenda(api: Api, client: Client, tokens: Tokens) -> None:
    created = await api.create(valid_campaign_body("granted", date={"open": iso(START + HOUR)}))
    manager = bearer(tokens.for_campaign(created["id"], ["read", "write", "admin"]))

    assert_problem(await client.get("/campaigns/schedule", headers=manager), 403, "SUPREME_USER_REQUIRED")
    assert_problem(await client.get("/campaigns/schedule"), 401, "UNAUTHENTICATED")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": iso(START), "to": iso(START - HOUR)}, "to"),
        ({"to": iso(START + 32 * 24 * HOUR)}, "to"),
        ({"from": iso(START), "to": iso(START + 31 * 24 * HOUR + timedelta(seconds=1))}, "to"),
        ({"from": "tomorrow"}, "from"),
        ({"to": "2026-13-01"}, "to"),
        ({"from": "9999-12-31T23:00:00-05:00"}, "from"),
    ],
    ids=[
        "ends-before-it-starts",
        "too-long-from-now",
        "a-second-too-long",
        "not-an-instant",
        "no-such-day",
        "past-9999",
    ],
)
async def test_a_bad_window_is_a_400_naming_the_field(
    api: Api, client: Client, params: dict[str, str], field: str
) -> None:
    created = await api.create(valid_campaign_body("untouched", date={"open": iso(START + HOUR)}))
    outbox = len(api.pending())

    response = await client.get("/campaigns/schedule", params=params, headers=api.supreme)

    assert_problem(response, 400, "INVALID_QUERY", field=field)
    assert await api.campaign(created["id"]) == created
    assert len(api.pending()) == outbox


async def test_the_longest_window_is_accepted(api: Api) -> None:
    agenda = await _agenda(api, **{"from": iso(START), "to": iso(START + 31 * 24 * HOUR)})

    assert agenda["transitions"] == []
