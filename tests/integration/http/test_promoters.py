"""Promoters: the supreme-only list, create, update and delete, with every error code they answer."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from campaigns.adapters.local.clock import FixedClock
from tests.bootstrap import START
from tests.integration.http.support import Api, Client, Json, Tokens, assert_problem, bearer, event_types, iso

pytestmark = pytest.mark.integration

JSON = {"Content-Type": "application/json"}
UNKNOWN_ID = "0123456789abcdef01234567"

LIVE_NATION: Json = {
    "name": "Live Nation",
    "privacyUrls": [
        {"locale": "en", "url": "https://www.livenation.com/privacy", "is_default": True},
        {"locale": "fr-CA", "url": "https://www.livenation.ca/fr/privacy", "is_default": False},
    ],
}


def promoter_body(name: str, **fields: Any) -> Json:
    return {**LIVE_NATION, "name": name, **fields}


async def create(api: Api, body: Json) -> Json:
    response = await api.client.post("/promoters", json=body, headers=api.supreme)
    assert response.status_code == 201, response.text
    created: Json = response.json()
    return created


async def promoters(api: Api) -> list[Json]:
    response = await api.client.get("/promoters", headers=api.supreme)
    assert response.status_code == 200, response.text
    assert list(response.json()) == ["promoters"]
    found: list[Json] = response.json()["promoters"]
    return found


def promoter_events(api: Api) -> list[str]:
    return [kind for kind in event_types(api.pending()) if kind.startswith("promoter.")]


def manager(tokens: Tokens) -> dict[str, str]:
    """A campaign manager: every right on one campaign, but not supreme."""
    return bearer(tokens.for_campaign(UNKNOWN_ID, ["read", "write", "admin"]))


# --------------------------------------------------------------------------- create and list


async def test_create_answers_201_with_the_promoter_and_its_event(api: Api, client: Client) -> None:
    response = await client.post("/promoters", json=LIVE_NATION, headers=api.supreme)

    assert response.status_code == 201, response.text
    body = response.json()
    assert re.fullmatch(r"[0-9a-f]{24}", body["id"])
    assert body["name"] == "Live Nation"
    assert body["privacyUrls"] == LIVE_NATION["privacyUrls"]
    assert body["date"] == {"created": iso(START), "updated": iso(START)}
    pending = [entry for entry in api.pending() if entry.event.aggregate_id == body["id"]]
    assert event_types(pending) == ["promoter.created"]
    assert await promoters(api) == [body]


async def test_the_list_is_ordered_by_name(api: Api) -> None:
    for name in ("Zeta Live", "AEG", "Live Nation"):
        await create(api, promoter_body(name))

    assert [p["name"] for p in await promoters(api)] == ["AEG", "Live Nation", "Zeta Live"]


async def test_echoed_id_and_date_are_ignored_on_create(api: Api) -> None:
    created = await create(
        api, promoter_body("Echo", id=UNKNOWN_ID, date={"created": "2001-01-01T00:00:00Z", "updated": None})
    )

    assert created["id"] != UNKNOWN_ID
    assert created["date"] == {"created": iso(START), "updated": iso(START)}


INCOMPLETE_BODIES = [
    pytest.param(
        b'{"privacyUrls": [{"locale": "en", "url": "https://x.test", "is_default": true}]}', "name", id="no-name"
    ),
    pytest.param(b'{"name": "X"}', "privacyUrls", id="no-privacy-urls"),
]
"""Bad for a create only: an update keeps what it does not name."""

BAD_BODIES = [
    pytest.param(b'{"name": "X", "website": "https://x.test"}', "website", id="unknown-field"),
    pytest.param(
        b'{"name": "X", "privacyUrls": [{"locale": "en", "url": "https://x.test", "is_default": true, "x": 1}]}',
        "privacyUrls.0.x",
        id="unknown-nested-field",
    ),
    pytest.param(
        b'{"name": "  ", "privacyUrls": [{"locale": "en", "url": "https://x.test", "is_default": true}]}',
        "name",
        id="blank-name",
    ),
    pytest.param(b'{"name": 5}', "name", id="name-not-a-string"),
    pytest.param(b'{"name": "X", "privacyUrls": []}', "privacyUrls", id="empty-privacy-urls"),
    pytest.param(
        b'{"name": "X", "privacyUrls": [{"locale": "en", "url": "https://x.test", "is_default": false}]}',
        "privacyUrls",
        id="no-default",
    ),
    pytest.param(
        b'{"name": "X", "privacyUrls": [{"locale": "en", "url": "https://a.test", "is_default": true},'
        b' {"locale": "fr", "url": "https://b.test", "is_default": true}]}',
        "privacyUrls",
        id="two-defaults",
    ),
    pytest.param(
        b'{"name": "X", "privacyUrls": [{"locale": "en", "url": "ftp://x.test", "is_default": true}]}',
        "privacyUrls.0.url",
        id="not-http",
    ),
    pytest.param(
        b'{"name": "X", "privacyUrls": [{"locale": "english", "url": "https://x.test", "is_default": true}]}',
        "privacyUrls.0.locale",
        id="bad-locale",
    ),
    pytest.param(
        b'{"name": "X", "privacyUrls": [{"locale": "en", "url": "https://a.test", "is_default": true},'
        b' {"locale": "en", "url": "https://b.test"}]}',
        "privacyUrls.1.locale",
        id="repeated-locale",
    ),
    pytest.param(
        b'{"name": "X", "privacyUrls": [{"locale": "en-US", "url": "https://a.test", "is_default": true},'
        b' {"locale": "EN_us", "url": "https://b.test"}]}',
        "privacyUrls.1.locale",
        id="repeated-locale-written-another-way",
    ),
    pytest.param(
        b'{"name": "X", "privacyUrls": [{"locale": "en", "is_default": true}]}', "privacyUrls.0.url", id="url-missing"
    ),
    pytest.param(b'{"name": "X", "privacyUrls": {}}', "privacyUrls", id="privacy-urls-not-a-list"),
    pytest.param(b'{"name": "X",', "body", id="truncated"),
    pytest.param(b"[]", None, id="not-an-object"),
]


@pytest.mark.parametrize(("body", "field"), INCOMPLETE_BODIES + BAD_BODIES)
async def test_a_bad_create_body_is_400_naming_the_field_and_writes_nothing(
    api: Api, client: Client, body: bytes, field: str | None
) -> None:
    response = await client.post("/promoters", content=body, headers={**api.supreme, **JSON})

    assert_problem(response, 400, "INVALID_PROMOTER_SCHEMA", field=field)
    assert await promoters(api) == []
    assert promoter_events(api) == []


async def test_a_taken_name_is_409_and_writes_nothing(api: Api, client: Client) -> None:
    first = await create(api, LIVE_NATION)

    response = await client.post("/promoters", json=promoter_body("Live Nation"), headers=api.supreme)

    assert_problem(response, 409, "PROMOTER_NAME_EXISTS")
    assert await promoters(api) == [first]
    assert promoter_events(api) == ["promoter.created"]


# --------------------------------------------------------------------------- update


async def test_update_merges_renames_and_stamps_the_update(api: Api, client: Client, clock: FixedClock) -> None:
    created = await create(api, LIVE_NATION)
    clock.advance(timedelta(minutes=5))

    response = await client.post(f"/promoters/{created['id']}", json={"name": "Live Nation Inc."}, headers=api.supreme)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == created["id"]
    assert body["name"] == "Live Nation Inc."
    assert body["privacyUrls"] == created["privacyUrls"]  # absent: kept
    assert body["date"] == {"created": iso(START), "updated": iso(START + timedelta(minutes=5))}
    assert await promoters(api) == [body]
    assert promoter_events(api) == ["promoter.created", "promoter.updated"]


async def test_update_replaces_the_privacy_urls(api: Api, client: Client) -> None:
    created = await create(api, LIVE_NATION)
    urls = [{"locale": "es", "url": "https://www.livenation.es/privacidad", "is_default": True}]

    response = await client.post(f"/promoters/{created['id']}", json={"privacyUrls": urls}, headers=api.supreme)

    assert response.status_code == 200, response.text
    assert response.json()["privacyUrls"] == urls
    assert (await promoters(api))[0]["privacyUrls"] == urls


async def test_an_update_that_changes_nothing_writes_nothing(api: Api, client: Client, clock: FixedClock) -> None:
    created = await create(api, LIVE_NATION)
    clock.advance(timedelta(minutes=5))

    echoed = await client.post(f"/promoters/{created['id']}", json=created, headers=api.supreme)
    empty = await client.post(f"/promoters/{created['id']}", json={}, headers=api.supreme)

    assert echoed.status_code == 200, echoed.text
    assert echoed.json() == created
    assert empty.json() == created
    assert await promoters(api) == [created]
    assert promoter_events(api) == ["promoter.created"]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
async def test_a_bad_update_body_is_400_naming_the_field_and_writes_nothing(
    api: Api, client: Client, body: bytes, field: str | None
) -> None:
    created = await create(api, LIVE_NATION)

    response = await client.post(f"/promoters/{created['id']}", content=body, headers={**api.supreme, **JSON})

    assert_problem(response, 400, "INVALID_PROMOTER_SCHEMA", field=field)
    assert await promoters(api) == [created]
    assert promoter_events(api) == ["promoter.created"]


async def test_a_rename_to_a_taken_name_is_409_and_writes_nothing(api: Api, client: Client) -> None:
    aeg = await create(api, promoter_body("AEG"))
    live_nation = await create(api, LIVE_NATION)

    response = await client.post(f"/promoters/{live_nation['id']}", json={"name": "AEG"}, headers=api.supreme)

    assert_problem(response, 409, "PROMOTER_NAME_EXISTS")
    assert await promoters(api) == [aeg, live_nation]
    assert promoter_events(api) == ["promoter.created", "promoter.created"]


@pytest.mark.parametrize("promoter_id", [UNKNOWN_ID, "not-an-object-id"])
async def test_updating_an_unknown_promoter_is_404(api: Api, client: Client, promoter_id: str) -> None:
    response = await client.post(f"/promoters/{promoter_id}", json={"name": "Ghost"}, headers=api.supreme)

    assert_problem(response, 404, "PROMOTER_NOT_FOUND")
    assert await promoters(api) == []
    assert promoter_events(api) == []


# --------------------------------------------------------------------------- delete


async def test_delete_answers_204_then_the_promoter_is_gone(api: Api, client: Client) -> None:
    kept = await create(api, promoter_body("AEG"))
    deleted = await create(api, LIVE_NATION)

    response = await client.delete(f"/promoters/{deleted['id']}", headers=api.supreme)
    again = await client.delete(f"/promoters/{deleted['id']}", headers=api.supreme)
    update = await client.post(f"/promoters/{deleted['id']}", json={"name": "Back"}, headers=api.supreme)

    assert response.status_code == 204, response.text
    assert response.content == b""
    assert_problem(again, 404, "PROMOTER_NOT_FOUND")
    assert_problem(update, 404, "PROMOTER_NOT_FOUND")
    assert await promoters(api) == [kept]
    assert promoter_events(api) == ["promoter.created", "promoter.created", "promoter.deleted"]
    assert api.pending()[-1].event.aggregate_id == deleted["id"]


async def test_a_deleted_name_may_be_taken_again(api: Api) -> None:
    deleted = await create(api, LIVE_NATION)
    assert (await api.client.delete(f"/promoters/{deleted['id']}", headers=api.supreme)).status_code == 204

    again = await create(api, LIVE_NATION)

    assert again["id"] != deleted["id"]


@pytest.mark.parametrize("promoter_id", [UNKNOWN_ID, "not-an-object-id"])
async def test_deleting_an_unknown_promoter_is_404(api: Api, client: Client, promoter_id: str) -> None:
    response = await client.delete(f"/promoters/{promoter_id}", headers=api.supreme)

    assert_problem(response, 404, "PROMOTER_NOT_FOUND")


# --------------------------------------------------------------------------- who may


def routes(promoter_id: str) -> list[tuple[str, str, Json | None]]:
    return [
        ("GET", "/promoters", None),
        ("POST", "/promoters", promoter_body("Intruder")),
        ("POST", f"/promoters/{promoter_id}", {"name": "Intruder"}),
        ("DELETE", f"/promoters/{promoter_id}", None),
    ]


async def test_every_promoter_route_needs_a_token(api: Api, client: Client) -> None:
    created = await create(api, LIVE_NATION)

    for method, path, body in routes(created["id"]):
        response = await client.request(method, path, json=body)
        assert_problem(response, 401, "UNAUTHENTICATED")
    assert await promoters(api) == [created]


async def test_a_campaign_manager_is_refused_every_promoter_route(api: Api, client: Client, tokens: Tokens) -> None:
    created = await create(api, LIVE_NATION)

    for method, path, body in routes(created["id"]):
        response = await client.request(method, path, json=body, headers=manager(tokens))
        assert_problem(response, 403, "SUPREME_USER_REQUIRED")
    assert await promoters(api) == [created]
    assert promoter_events(api) == ["promoter.created"]


async def test_a_campaign_manager_learns_nothing_about_unknown_promoters(client: Client, tokens: Tokens) -> None:
    for method, path, body in routes(UNKNOWN_ID)[2:]:
        response = await client.request(method, path, json=body, headers=manager(tokens))
        assert_problem(response, 403, "SUPREME_USER_REQUIRED")
