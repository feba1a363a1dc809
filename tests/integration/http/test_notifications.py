"""Market notifications over HTTP: the upcoming window, scheduling reminders, and recording them (spec §3)."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from campaigns.adapters.local.clock import FixedClock
from campaigns.domain.events import MarketUpdated
from campaigns.domain.market import Market
from tests.bootstrap import START
from tests.integration.http.support import (
    Api,
    Client,
    Json,
    Tokens,
    assert_problem,
    bearer,
    event_types,
    iso,
    valid_campaign_body,
)

pytestmark = pytest.mark.integration

HOUR = timedelta(hours=1)
SECOND = timedelta(seconds=1)
UNKNOWN_ID = "f" * 24
JSON = {"content-type": "application/json"}


async def campaign(api: Api, site: str, *, reminders: bool | None = True) -> str:
    options: Json = {"useGenericBranding": False, "showAccessCode": True}
    if reminders is not None:
        options["automatedReminders"] = reminders
    created = await api.create(valid_campaign_body(site, options=options))
    campaign_id: str = created["id"]
    return campaign_id


async def market(api: Api, campaign_id: str, name: str, presale: datetime | None = START + 5 * HOUR) -> Json:
    body: Json = {"name": name, "city": name, "state": "NY", "timezone": "America/New_York"}
    if presale is not None:
        body["event"] = {"ids": [f"E-{name}"], "presaleDateTime": iso(presale)}
    response = await api.client.post(f"/campaigns/{campaign_id}/markets", json=body, headers=api.supreme)
    assert response.status_code == 201, response.text
    created: Json = response.json()
    return created


async def stored(api: Api, created: Json) -> Json:
    path = f"/campaigns/{created['campaign_id']}/markets/{created['id']}"
    response = await api.client.get(path, headers=api.supreme)
    assert response.status_code == 200, response.text
    found: Json = response.json()
    return found


async def listed(api: Api, path: str) -> list[Json]:
    response = await api.client.get(path, headers=api.supreme)
    assert response.status_code == 200, response.text
    body: Json = response.json()
    assert list(body) == ["markets"], body
    markets: list[Json] = body["markets"]
    return markets


async def listed_ids(api: Api, path: str) -> list[str]:
    return [item["id"] for item in await listed(api, path)]


async def schedule(api: Api, market_ids: list[str], date: datetime | str) -> httpx.Response:
    body = {"marketIds": market_ids, "notificationDate": date if isinstance(date, str) else iso(date)}
    return await api.client.post("/markets/notifyDate", json=body, headers=api.supreme)


async def mark_notified(api: Api, market_ids: list[str]) -> httpx.Response:
    return await api.client.post("/markets/notified", json={"marketIds": market_ids}, headers=api.supreme)


CHANGES = ["/markets/notifyDate", "/markets/notified"]


def change_body(path: str, market_ids: list[str]) -> Json:
    """A well-formed body for one of the CHANGES routes, naming `market_ids`."""
    body: Json = {"marketIds": market_ids}
    if path.endswith("notifyDate"):
        body["notificationDate"] = iso(START + HOUR)
    return body


def updated_markets(api: Api) -> list[Market]:
    """The markets carried by the pending `market.updated` events, oldest first."""
    return [entry.event.market for entry in api.pending() if isinstance(entry.event, MarketUpdated)]


# --------------------------------------------------------------------------- GET /markets/upcoming


async def test_upcoming_lists_presales_from_now_plus_2h_to_now_plus_27h_included(api: Api) -> None:
    reminding = await campaign(api, "reminding")
    at_start = await market(api, reminding, "at-start", START + 2 * HOUR)
    at_end = await market(api, reminding, "at-end", START + 27 * HOUR)
    inside = await market(api, reminding, "inside", START + 10 * HOUR)
    await market(api, reminding, "too-soon", START + 2 * HOUR - SECOND)
    await market(api, reminding, "too-late", START + 27 * HOUR + SECOND)
    await market(api, reminding, "no-presale", None)

    assert await listed_ids(api, "/markets/upcoming") == [at_start["id"], inside["id"], at_end["id"]]
    assert await listed(api, "/markets/upcoming") == [at_start, inside, at_end]


@pytest.mark.parametrize("reminders", [False, None], ids=["reminders-off", "reminders-unset"])
async def test_upcoming_leaves_out_campaigns_without_automated_reminders(api: Api, reminders: bool | None) -> None:
    silent = await campaign(api, "silent", reminders=reminders)
    reminding = await campaign(api, "reminding")
    await market(api, silent, "silent-market", START + 3 * HOUR)
    kept = await market(api, reminding, "kept", START + 3 * HOUR)

    assert await listed_ids(api, "/markets/upcoming") == [kept["id"]]


async def test_upcoming_follows_the_clock_and_the_campaign_option(api: Api, clock: FixedClock) -> None:
    reminding = await campaign(api, "reminding")
    soon = await market(api, reminding, "soon", START + 2 * HOUR)
    later = await market(api, reminding, "later", START + 28 * HOUR)

    clock.advance(HOUR)
    assert await listed_ids(api, "/markets/upcoming") == [later["id"]]

    await api.update(reminding, {"options": {"automatedReminders": False}})
    assert await listed_ids(api, "/markets/upcoming") == []
    clock.set(START)
    assert await listed_ids(api, "/markets/upcoming") == []
    await api.update(reminding, {"options": {"automatedReminders": True}})
    assert await listed_ids(api, "/markets/upcoming") == [soon["id"]]


# --------------------------------------------------------------------------- POST /markets/notifyDate


async def test_notify_date_sets_the_date_answers_the_markets_and_emits_each_update(api: Api, clock: FixedClock) -> None:
    reminding = await campaign(api, "reminding")
    first = await market(api, reminding, "first")
    second = await market(api, reminding, "second")
    clock.advance(HOUR)
    before = api.pending()

    response = await schedule(api, [second["id"], first["id"]], "2030-01-15T10:30:00-05:00")

    assert response.status_code == 200, response.text
    answered = response.json()["markets"]
    assert [m["id"] for m in answered] == [second["id"], first["id"]]
    assert [m["notification"] for m in answered] == [{"date": "2030-01-15T15:30:00Z"}] * 2
    assert [m["date"]["updated"] for m in answered] == [iso(START + HOUR)] * 2
    assert [await stored(api, second), await stored(api, first)] == answered
    assert event_types(api.pending()[len(before) :]) == ["market.updated", "market.updated", "campaign.event-mapping"]
    emitted = updated_markets(api)
    assert [m.id for m in emitted] == [second["id"], first["id"]]
    assert all(m.notification is not None and m.notification.date == START + 3.5 * HOUR for m in emitted)
    assert all(m.date.updated == START + HOUR and m.name and m.event is not None for m in emitted)


async def test_the_scheduled_market_becomes_notifiable_at_its_date(api: Api, clock: FixedClock) -> None:
    reminding = await campaign(api, "reminding")
    due = await market(api, reminding, "due")
    await market(api, reminding, "unscheduled")
    assert (await schedule(api, [due["id"]], START + HOUR)).status_code == 200

    assert await listed_ids(api, "/markets/notifiable") == []
    clock.advance(HOUR)
    assert await listed_ids(api, "/markets/notifiable") == [due["id"]]


@pytest.mark.parametrize(
    ("date", "why"),
    [
        pytest.param(START - SECOND, "in the future", id="in-the-past"),
        pytest.param(START, "in the future", id="now"),
        pytest.param(START + 5 * HOUR, "before the presale", id="at-the-presale"),
        pytest.param(START + 6 * HOUR, "before the presale", id="after-the-presale"),
    ],
)
async def test_a_date_not_in_the_future_and_before_the_presale_is_400_and_writes_nothing(
    api: Api, date: datetime, why: str
) -> None:
    reminding = await campaign(api, "reminding")
    target = await market(api, reminding, "target")
    other = await market(api, reminding, "other", START + 30 * HOUR)
    before = api.pending()

    response = await schedule(api, [other["id"], target["id"]], date)

    body = assert_problem(response, 400, "INVALID_MARKET_SCHEMA", field="notificationDate")
    assert why in body["errors"][0]["message"]
    assert [await stored(api, other), await stored(api, target)] == [other, target]
    assert api.pending() == before


async def test_a_market_without_a_presale_cannot_be_scheduled(api: Api) -> None:
    reminding = await campaign(api, "reminding")
    unscheduled = await market(api, reminding, "no-presale", None)

    response = await schedule(api, [unscheduled["id"]], START + HOUR)

    body = assert_problem(response, 400, "INVALID_MARKET_SCHEMA", field="notificationDate")
    assert unscheduled["id"] in body["errors"][0]["message"]
    assert await stored(api, unscheduled) == unscheduled


@pytest.mark.parametrize("path", CHANGES)
async def test_an_unknown_market_id_is_404_naming_it_and_writes_nothing(api: Api, path: str) -> None:
    reminding = await campaign(api, "reminding")
    known = await market(api, reminding, "known")
    before = api.pending()

    response = await api.client.post(path, json=change_body(path, [known["id"], UNKNOWN_ID]), headers=api.supreme)

    body = assert_problem(response, 404, "MARKET_NOT_FOUND")
    assert UNKNOWN_ID in body["detail"]
    assert known["id"] not in body["detail"]
    assert await stored(api, known) == known
    assert api.pending() == before


_BAD_SCHEDULES: list[tuple[str, bytes, str]] = [
    ("id not hex", b'{"marketIds": ["xyz"], "notificationDate": "2030-01-15T13:00:00Z"}', "marketIds"),
    ("id too short", b'{"marketIds": ["abc123"], "notificationDate": "2030-01-15T13:00:00Z"}', "marketIds"),
    ("no ids", b'{"marketIds": [], "notificationDate": "2030-01-15T13:00:00Z"}', "marketIds"),
    ("ids missing", b'{"notificationDate": "2030-01-15T13:00:00Z"}', "marketIds"),
    ("ids not a list", b'{"marketIds": "x", "notificationDate": "2030-01-15T13:00:00Z"}', "marketIds"),
    ("id not a string", b'{"marketIds": [5], "notificationDate": "2030-01-15T13:00:00Z"}', "marketIds.0"),
    ("date missing", b'{"marketIds": ["%(id)s"]}', "notificationDate"),
    (
        "date without offset",
        b'{"marketIds": ["%(id)s"], "notificationDate": "2030-01-15T13:00:00"}',
        "notificationDate",
    ),
    # 2030-01-15T13:00:00Z as epoch seconds: a lenient decoder would accept it as a good date.
    ("date a number", b'{"marketIds": ["%(id)s"], "notificationDate": 1894712400}', "notificationDate"),
    ("date a boolean", b'{"marketIds": ["%(id)s"], "notificationDate": true}', "notificationDate"),
    ("date in words", b'{"marketIds": ["%(id)s"], "notificationDate": "tomorrow"}', "notificationDate"),
    ("date year 0", b'{"marketIds": ["%(id)s"], "notificationDate": "0001-01-01T00:00:00+01:00"}', "notificationDate"),
    ("unknown field", b'{"marketIds": ["%(id)s"], "notificationDate": "2030-01-15T13:00:00Z", "x": 1}', "x"),
    ("not JSON", b"marketIds=1", "body"),
    ("truncated", b'{"marketIds": [', "body"),
    ("an array", b"[]", "body"),
]


# --------------------------------------------------------------------------- notifiable and notified


async def test_notified_sets_now_and_the_market_leaves_the_notifiable_list(api: Api, clock: FixedClock) -> None:
    reminding = await campaign(api, "reminding")
    first, second = await market(api, reminding, "first"), await market(api, reminding, "second")
    assert (await schedule(api, [first["id"], second["id"]], START + HOUR)).status_code == 200
    clock.advance(2 * HOUR)
    assert await listed_ids(api, "/markets/notifiable") == [first["id"], second["id"]]
    before = api.pending()

    response = await mark_notified(api, [first["id"]])

    assert response.status_code == 200, response.text
    [answered] = response.json()["markets"]
    assert answered["notification"] == {"date": iso(START + HOUR), "notified": iso(START + 2 * HOUR)}
    assert answered["date"]["updated"] == iso(START + 2 * HOUR)
    assert await stored(api, first) == answered
    assert await listed_ids(api, "/markets/notifiable") == [second["id"]]
    assert event_types(api.pending()[len(before) :]) == ["market.updated", "campaign.event-mapping"]
    emitted = updated_markets(api)[-1]
    assert emitted.id == first["id"]
    assert emitted.notification is not None
    assert emitted.notification.notified == START + 2 * HOUR


async def test_notified_is_idempotent_keeping_the_first_instant_and_emitting_once(api: Api, clock: FixedClock) -> None:
    reminding = await campaign(api, "reminding")
    target = await market(api, reminding, "target")
    first_answer = (await mark_notified(api, [target["id"]])).json()["markets"]
    after_first = api.pending()
    clock.advance(HOUR)

    response = await mark_notified(api, [target["id"], target["id"]])

    assert response.status_code == 200, response.text
    assert response.json()["markets"] == first_answer
    assert first_answer[0]["notification"] == {"notified": iso(START)}
    assert await stored(api, target) == first_answer[0]
    assert api.pending() == after_first
    assert event_types(after_first).count("market.updated") == 1


_BAD_NOTIFIED: list[tuple[str, bytes, str]] = [
    ("id not hex", b'{"marketIds": ["%(id)s", "not-an-id"]}', "marketIds"),
    ("uppercase id", b'{"marketIds": ["ABCDEFABCDEFABCDEFABCDEF"]}', "marketIds"),
    ("no ids", b'{"marketIds": []}', "marketIds"),
    ("ids missing", b"{}", "marketIds"),
    ("ids null", b'{"marketIds": null}', "marketIds"),
    ("unknown field", b'{"marketIds": ["%(id)s"], "notified": "2030-01-01T00:00:00Z"}', "notified"),
    ("truncated", b"{", "body"),
]


BAD_BODIES = [
    *(pytest.param(CHANGES[0], b, f, id=f"notifyDate: {name}") for name, b, f in _BAD_SCHEDULES),
    *(pytest.param(CHANGES[1], b, f, id=f"notified: {name}") for name, b, f in _BAD_NOTIFIED),
]


@pytest.mark.parametrize(("path", "body", "field"), BAD_BODIES)
async def test_a_malformed_body_is_400_naming_the_field_and_writes_nothing(
    api: Api, path: str, body: bytes, field: str
) -> None:
    reminding = await campaign(api, "reminding")
    target = await market(api, reminding, "target")
    before = api.pending()

    content = body.replace(b"%(id)s", target["id"].encode())
    response = await api.client.post(path, content=content, headers={**api.supreme, **JSON})

    assert_problem(response, 400, "INVALID_MARKET_SCHEMA", field=field)
    assert await stored(api, target) == target
    assert api.pending() == before


# --------------------------------------------------------------------------- who may call


def _calls(market_id: str) -> list[tuple[str, str, Json | None]]:
    lists = [("GET", path, None) for path in ("/markets/upcoming", "/markets/notifiable")]
    return [*lists, *(("POST", path, change_body(path, [market_id])) for path in CHANGES)]


CALLS = [pytest.param(index, id=f"{method} {path}") for index, (method, path, _) in enumerate(_calls(UNKNOWN_ID))]


@pytest.mark.parametrize("index", CALLS)
async def test_a_campaign_manager_gets_403_supreme_user_required(api: Api, tokens: Tokens, index: int) -> None:
    reminding = await campaign(api, "reminding")
    target = await market(api, reminding, "target", START + 3 * HOUR)
    method, path, body = _calls(target["id"])[index]
    manager = bearer(tokens.for_campaign(reminding, ["read", "write", "admin"]))
    before = api.pending()

    response = await api.client.request(method, path, json=body, headers=manager)

    assert_problem(response, 403, "SUPREME_USER_REQUIRED")
    assert await stored(api, target) == target
    assert api.pending() == before


@pytest.mark.parametrize("index", CALLS)
async def test_no_token_gets_401(client: Client, index: int) -> None:
    method, path, body = _calls(UNKNOWN_ID)[index]

    response = await client.request(method, path, json=body)

    assert_problem(response, 401, "UNAUTHENTICATED")


@pytest.mark.parametrize("path", CHANGES)
async def test_a_body_over_one_mebibyte_is_413_and_writes_nothing(api: Api, path: str) -> None:
    reminding = await campaign(api, "reminding")
    target = await market(api, reminding, "target")
    before = api.pending()

    # Every id named is real: only the size is wrong.
    response = await api.client.post(path, json=change_body(path, [target["id"]] * 40_000), headers=api.supreme)

    assert_problem(response, 413, "PAYLOAD_TOO_LARGE")
    assert await stored(api, target) == target
    assert api.pending() == before


# --------------------------------------------------------------------------- read-only in market bodies

ARMING = [
    pytest.param({"date": "2000-01-01T00:00:00Z"}, id="a due date"),
    pytest.param({"date": iso(START + 30 * HOUR)}, id="a date after the presale"),
    pytest.param({"date": iso(START + HOUR), "notified": iso(START - HOUR)}, id="notified set"),
    pytest.param({"notified": None}, id="notified cleared"),
    pytest.param(None, id="null"),
]
"""`notification` values a market body may carry: each would arm, move or reset a reminder if it were taken."""

WRITERS = ["write", "supreme"]
"""A campaign writer, and a supreme user: a market body's `notification` is ignored whoever sends it."""


def writer(tokens: Tokens, campaign_id: str, who: str) -> dict[str, str]:
    return bearer(tokens.supreme() if who == "supreme" else tokens.for_campaign(campaign_id, [who]))


@pytest.mark.parametrize("who", WRITERS)
@pytest.mark.parametrize("notification", ARMING)
async def test_a_created_market_has_no_notification_whatever_the_body_says(
    api: Api, tokens: Tokens, clock: FixedClock, notification: Json | None, who: str
) -> None:
    reminding = await campaign(api, "reminding")
    body: Json = {
        "name": "armed",
        "city": "Albany",
        "state": "NY",
        "timezone": "America/New_York",
        "event": {"ids": ["E-armed"], "presaleDateTime": iso(START + 5 * HOUR)},
        "notification": notification,
    }

    response = await api.client.post(
        f"/campaigns/{reminding}/markets", json=body, headers=writer(tokens, reminding, who)
    )

    assert response.status_code == 201, response.text
    created = response.json()
    assert "notification" not in created
    assert await stored(api, created) == created
    assert await listed(api, "/markets/upcoming") == [created]
    clock.advance(2 * HOUR)
    assert await listed_ids(api, "/markets/notifiable") == []


@pytest.mark.parametrize("who", WRITERS)
@pytest.mark.parametrize("notification", ARMING)
async def test_an_update_keeps_the_stored_notification_whatever_the_body_says(
    api: Api, tokens: Tokens, clock: FixedClock, notification: Json | None, who: str
) -> None:
    reminding = await campaign(api, "reminding")
    target = await market(api, reminding, "target")
    headers = writer(tokens, reminding, who)
    path = f"/campaigns/{reminding}/markets/{target['id']}"
    scheduled = (await schedule(api, [target["id"]], START + 2 * HOUR)).json()["markets"][0]
    before = api.pending()

    only_notification = await api.client.post(path, json={"notification": notification}, headers=headers)
    round_trip = await api.client.post(
        path, json={**scheduled, "population": 97_000, "notification": notification}, headers=headers
    )

    assert only_notification.status_code == 200, only_notification.text
    assert only_notification.json() == scheduled, "nothing else was asked: nothing is written"
    assert round_trip.status_code == 200, round_trip.text
    changed = round_trip.json()
    assert changed["population"] == 97_000
    assert changed["notification"] == {"date": iso(START + 2 * HOUR)}
    assert await stored(api, target) == changed
    assert event_types(api.pending()[len(before) :]) == ["market.updated", "campaign.event-mapping"]
    assert await listed_ids(api, "/markets/notifiable") == []
    clock.advance(2 * HOUR)
    assert await listed_ids(api, "/markets/notifiable") == [target["id"]]

    notified = (await mark_notified(api, [target["id"]])).json()["markets"][0]
    again = await api.client.post(path, json={**notified, "notification": notification}, headers=headers)

    assert again.json() == notified, again.text
    assert notified["notification"] == {"date": iso(START + 2 * HOUR), "notified": iso(START + 2 * HOUR)}
    assert await listed_ids(api, "/markets/notifiable") == []


async def test_a_clone_copies_no_notification_state(api: Api, tokens: Tokens, clock: FixedClock) -> None:
    source = await campaign(api, "reminding-source")
    target = await campaign(api, "reminding-target")
    scheduled = await market(api, source, "scheduled")
    notified = await market(api, source, "notified")
    await schedule(api, [scheduled["id"], notified["id"]], START + HOUR)
    await mark_notified(api, [notified["id"]])
    manager = bearer(tokens.mint({"userId": "m", "campaignActions": {target: ["write"], source: ["read"]}}))

    response = await api.client.post(
        f"/campaigns/{target}/markets/clones", json={"fromCampaignId": source}, headers=manager
    )

    assert response.status_code == 200, response.text
    cloned = response.json()["cloned"]
    assert [copy["name"] for copy in cloned] == ["scheduled", "notified"]
    assert all("notification" not in copy for copy in cloned)
    upcoming = {item["id"]: item for item in await listed(api, "/markets/upcoming")}
    assert [upcoming[copy["id"]] for copy in cloned] == cloned
    clock.advance(HOUR)
    assert await listed_ids(api, "/markets/notifiable") == [scheduled["id"]]
