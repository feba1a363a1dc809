"""Event status records over HTTP: upsert by event id, search by status and end (spec §3, §4)."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.http.support import Api, Client, Json, Tokens, assert_problem, bearer, valid_campaign_body

pytestmark = pytest.mark.integration

JSON = {"content-type": "application/json"}


async def upsert(api: Api, event_id: str, body: Json) -> httpx.Response:
    return await api.client.post(f"/events/{event_id}", json=body, headers=api.supreme)


async def stored(api: Api, event_id: str, status: str, end: str | None) -> Json:
    body: Json = {"status": status, **({"date": {"end": end}} if end is not None else {})}
    response = await upsert(api, event_id, body)
    assert response.status_code == 200, response.text
    record: Json = response.json()
    return record


async def events(api: Api, **params: str) -> list[Json]:
    response = await api.client.get("/events", params=params, headers=api.supreme)
    assert response.status_code == 200, response.text
    body: Json = response.json()
    assert list(body) == ["events"], body
    found: list[Json] = body["events"]
    return found


async def test_upsert_creates_then_replaces_the_record(api: Api) -> None:
    created = await stored(api, "vvG1IZ4kXxZ4", "onsale", "2030-02-01T20:00:00+01:00")
    assert created == {"id": "vvG1IZ4kXxZ4", "status": "onsale", "date": {"end": "2030-02-01T19:00:00Z"}}
    assert await events(api) == [created]

    replaced = await stored(api, "vvG1IZ4kXxZ4", "cancelled", None)

    assert replaced == {"id": "vvG1IZ4kXxZ4", "status": "cancelled"}
    assert await events(api) == [replaced]


async def test_the_path_id_wins_over_an_id_in_the_body(api: Api) -> None:
    response = await upsert(api, "E-path", {"id": "E-body", "status": "onsale"})

    assert response.status_code == 200, response.text
    assert response.json()["id"] == "E-path"
    assert [record["id"] for record in await events(api)] == ["E-path"]


async def test_events_are_filtered_by_status_and_until(api: Api) -> None:
    early = await stored(api, "E1", "onsale", "2030-02-01T00:00:00Z")
    edge = await stored(api, "E2", "onsale", "2030-02-02T00:00:00Z")
    late = await stored(api, "E3", "onsale", "2030-02-03T00:00:00Z")
    cancelled = await stored(api, "E4", "cancelled", "2030-02-01T00:00:00Z")
    open_ended = await stored(api, "E5", "onsale", None)

    assert await events(api) == [early, edge, late, cancelled, open_ended]
    assert await events(api, status="onsale") == [early, edge, late, open_ended]
    assert await events(api, status="cancelled") == [cancelled]
    assert await events(api, status="offsale") == []
    assert await events(api, until="2030-02-02T00:00:00Z") == [early, edge, cancelled]
    assert await events(api, status="onsale", until="2030-02-02T00:00:00Z") == [early, edge]
    assert await events(api, status="", until="") == [early, edge, late, cancelled, open_ended]


@pytest.mark.parametrize(
    ("until", "expected"),
    [
        pytest.param("2030-02-02", ["E1", "E2"], id="date-only-is-midnight-utc"),
        pytest.param("2030-02-01T23:59:59", ["E1"], id="no-offset-is-utc"),
        pytest.param("2030-02-02T01:00:00+01:00", ["E1", "E2"], id="offset"),
        pytest.param("2030-02-01T19:00:00-05:00", ["E1", "E2"], id="negative-offset"),
        pytest.param("2030-02-02T00:59:59 01:00", ["E1"], id="offset-plus-sent-unencoded"),
    ],
)
async def test_until_accepts_iso_instants_with_any_offset(api: Api, until: str, expected: list[str]) -> None:
    await stored(api, "E1", "onsale", "2030-02-01T00:00:00Z")
    await stored(api, "E2", "onsale", "2030-02-02T00:00:00Z")
    await stored(api, "E3", "onsale", "2030-02-03T00:00:00Z")

    assert [record["id"] for record in await events(api, until=until)] == expected


@pytest.mark.parametrize(
    "until", ["yesterday", "2030-13-01", "2030-02-30", "10000-01-01", "0001-01-01T00:00:00+01:00", "1700000000"]
)
async def test_a_bad_until_is_400_naming_it(client: Client, supreme: dict[str, str], until: str) -> None:
    response = await client.get("/events", params={"until": until}, headers=supreme)

    assert_problem(response, 400, "INVALID_QUERY", field="until")


_BAD_BODIES: list[tuple[str, bytes, str]] = [
    ("status missing", b'{"date": {"end": "2030-02-01T00:00:00Z"}}', "status"),
    ("status empty", b'{"status": ""}', "status"),
    ("status blank", b'{"status": "   "}', "status"),
    ("status null", b'{"status": null}', "status"),
    ("status a number", b'{"status": 3}', "status"),
    ("end without offset", b'{"status": "onsale", "date": {"end": "2030-02-01T00:00:00"}}', "date.end"),
    ("end a number", b'{"status": "onsale", "date": {"end": 1900000000}}', "date.end"),
    ("end year 0", b'{"status": "onsale", "date": {"end": "0001-01-01T00:00:00+01:00"}}', "date.end"),
    ("date not an object", b'{"status": "onsale", "date": "2030-02-01"}', "date"),
    ("unknown field", b'{"status": "onsale", "venue": "x"}', "venue"),
    ("unknown date field", b'{"status": "onsale", "date": {"start": "2030-02-01T00:00:00Z"}}', "date.start"),
    ("not JSON", b"status=onsale", "body"),
    ("truncated", b'{"status": "ons', "body"),
]


@pytest.mark.parametrize(("body", "field"), [pytest.param(b, f, id=name) for name, b, f in _BAD_BODIES])
async def test_a_malformed_body_is_400_naming_the_field_and_writes_nothing(api: Api, body: bytes, field: str) -> None:
    existing = await stored(api, "E1", "onsale", "2030-02-01T00:00:00Z")

    response = await api.client.post("/events/E1", content=body, headers={**api.supreme, **JSON})

    assert_problem(response, 400, "INVALID_CAMPAIGN_SCHEMA", field=field)
    assert await events(api) == [existing]


async def test_a_campaign_manager_gets_403_and_writes_nothing(api: Api, tokens: Tokens) -> None:
    created = await api.create(valid_campaign_body("managed"))
    existing = await stored(api, "E1", "onsale", None)
    manager = bearer(tokens.for_campaign(created["id"], ["read", "write", "admin"]))

    listing = await api.client.get("/events", headers=manager)
    writing = await api.client.post("/events/E1", json={"status": "cancelled"}, headers=manager)

    assert_problem(listing, 403, "SUPREME_USER_REQUIRED")
    assert_problem(writing, 403, "SUPREME_USER_REQUIRED")
    assert await events(api) == [existing]


async def test_no_token_gets_401(api: Api, client: Client) -> None:
    existing = await stored(api, "E1", "onsale", None)

    assert_problem(await client.get("/events"), 401, "UNAUTHENTICATED")
    assert_problem(await client.post("/events/E1", json={"status": "cancelled"}), 401, "UNAUTHENTICATED")
    assert await events(api) == [existing]


async def test_a_body_over_one_mebibyte_is_413_and_writes_nothing(api: Api) -> None:
    existing = await stored(api, "E1", "onsale", None)

    response = await upsert(api, "E1", {"status": "x" * (1024 * 1024 + 1)})

    assert_problem(response, 413, "PAYLOAD_TOO_LARGE")
    assert await events(api) == [existing]
