"""Bad input is a 4xx problem naming the field, never a 500, and it writes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.http.support import (
    Api,
    Client,
    assert_problem,
    event_types,
    valid_campaign_body,
)

pytestmark = pytest.mark.integration

JSON = {"content-type": "application/json"}


def _with(path: str, value: Any) -> bytes:
    """A valid campaign body with the dotted `path` set to `value` (missing objects created)."""
    body = valid_campaign_body("bad-input")
    *parents, leaf = path.split(".")
    target = body
    for name in parents:
        target = target.setdefault(name, {})
    target[leaf] = value
    return json.dumps(body).encode()


_BODIES: list[tuple[str, bytes, str]] = [
    ("not JSON at all", b"name=value", "body"),
    ("trailing garbage", b'{"name": "x"} extra', "body"),
    ("truncated JSON", b'{"name": ', "body"),
    ("unterminated object", b"{", "body"),
    ("wrong type: name", _with("name", 5), "name"),
    ("wrong type: domain", _with("domain", "site"), "domain"),
    ("wrong type: domain.site", _with("domain.site", ["a"]), "domain.site"),
    ("wrong type: locales", _with("locales", "en"), "locales"),
    ("wrong type: option flag", _with("options.showAccessCode", "yes"), "options.showAccessCode"),
    ("wrong type: eventIds item", _with("eventIds", [1, 2]), "eventIds.0"),
    ("wrong type: status", _with("status", "ALIVE"), "status"),
    ("wrong type: type", _with("type", "raffle"), "type"),
    ("unknown top-level field", _with("sneaky", True), "sneaky"),
    ("unknown nested field", _with("artist.sneaky", True), "artist.sneaky"),
    ("year 10000", _with("date.open", "10000-01-01T00:00:00Z"), "date.open"),
    ("year 0 once in UTC", _with("date.open", "0001-01-01T00:00:00+01:00"), "date.open"),
    ("month 13", _with("date.open", "2030-13-01T00:00:00Z"), "date.open"),
    ("day 32", _with("date.close", "2030-01-32T00:00:00Z"), "date.close"),
    ("naive datetime", _with("date.open", "2030-02-01T00:00:00"), "date.open"),
    ("date only", _with("date.presaleWindowStart", "2030-02-01"), "date.presaleWindowStart"),
    ("uppercase domain", _with("domain.site", "TaylorSwift"), "domain.site"),
    ("underscore domain", _with("domain.site", "taylor_swift"), "domain.site"),
    ("leading hyphen domain", _with("domain.site", "-taylor"), "domain.site"),
    ("empty label domain", _with("domain.site", "taylor..swift"), "domain.site"),
    ("space in domain", _with("domain.site", "taylor swift"), "domain.site"),
    ("uppercase preview domain", _with("domain.preview", "Preview"), "domain.preview"),
]

ANY_BAD_BODY = [pytest.param(body, id=name) for name, body, _ in _BODIES]
BAD_BODY_NAMING = [pytest.param(body, field, id=name) for name, body, field in _BODIES]


@pytest.mark.parametrize("body", ANY_BAD_BODY)
async def test_bad_create_body_is_a_400_problem_and_writes_nothing(api: Api, client: Client, body: bytes) -> None:
    existing = await api.create(valid_campaign_body("already-here"))

    response = await client.post("/campaigns", content=body, headers={**api.supreme, **JSON})

    assert_problem(response, 400, response.json()["code"])
    assert await api.total() == 1
    assert event_types(api.pending()) == ["campaign.created", "campaign.event-mapping"]
    assert await api.campaign(existing["id"]) == existing


@pytest.mark.parametrize("body", ANY_BAD_BODY)
async def test_bad_update_body_is_a_400_problem_and_writes_nothing(api: Api, client: Client, body: bytes) -> None:
    existing = await api.create(valid_campaign_body("update-target"))

    response = await client.post(f"/campaigns/{existing['id']}", content=body, headers={**api.supreme, **JSON})

    assert_problem(response, 400, response.json()["code"])
    assert await api.campaign(existing["id"]) == existing
    assert event_types(api.pending()) == ["campaign.created", "campaign.event-mapping"]


@pytest.mark.parametrize(("body", "field"), BAD_BODY_NAMING)
async def test_bad_create_body_is_invalid_campaign_schema_naming_the_field(
    client: Client, supreme: dict[str, str], body: bytes, field: str
) -> None:
    response = await client.post("/campaigns", content=body, headers={**supreme, **JSON})

    assert_problem(response, 400, "INVALID_CAMPAIGN_SCHEMA", field=field)


@pytest.mark.parametrize(("body", "field"), BAD_BODY_NAMING)
async def test_bad_update_body_is_invalid_campaign_schema_naming_the_field(
    api: Api, client: Client, body: bytes, field: str
) -> None:
    existing = await api.create(valid_campaign_body("update-target"))

    response = await client.post(f"/campaigns/{existing['id']}", content=body, headers={**api.supreme, **JSON})

    assert_problem(response, 400, "INVALID_CAMPAIGN_SCHEMA", field=field)


@pytest.mark.parametrize("body", [b"[]", b"null", b'"campaign"', b"42", b"true", b""])
async def test_a_body_that_is_not_an_object_is_400(api: Api, client: Client, body: bytes) -> None:
    existing = await api.create(valid_campaign_body("not-object"))

    on_create = await client.post("/campaigns", content=body, headers={**api.supreme, **JSON})
    on_update = await client.post(f"/campaigns/{existing['id']}", content=body, headers={**api.supreme, **JSON})

    assert_problem(on_create, 400, "INVALID_CAMPAIGN_SCHEMA")
    assert_problem(on_update, 400, "INVALID_CAMPAIGN_SCHEMA")
    assert await api.total() == 1
    assert await api.campaign(existing["id"]) == existing


_LIST_QUERIES: list[tuple[dict[str, str], str]] = [
    ({"page": "-1"}, "page"),
    ({"page": "abc"}, "page"),
    ({"page": "1.5"}, "page"),
    ({"pageSize": "1000"}, "pageSize"),
    ({"pageSize": "101"}, "pageSize"),
    ({"pageSize": "0"}, "pageSize"),
    ({"pageSize": "-5"}, "pageSize"),
    ({"status": "ALIVE"}, "status"),
    ({"type": "raffle"}, "type"),
    ({"version": "v3"}, "version"),
    ({"sortBy": "password"}, "sortBy"),
    ({"sortDirection": "sideways"}, "sortDirection"),
]


@pytest.mark.parametrize("params", [pytest.param(params, id=field) for params, field in _LIST_QUERIES])
async def test_bad_list_query_is_400_invalid_query(api: Api, client: Client, params: dict[str, str]) -> None:
    await api.create(valid_campaign_body("listed"))

    response = await client.get("/campaigns/list", params=params, headers=api.supreme)

    body = assert_problem(response, 400, "INVALID_QUERY")
    assert body["errors"], body
    assert await api.total() == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [pytest.param(params, field, id=f"{field}={next(iter(params.values()))}") for params, field in _LIST_QUERIES],
)
async def test_bad_list_query_names_the_parameter(
    client: Client, supreme: dict[str, str], params: dict[str, str], field: str
) -> None:
    response = await client.get("/campaigns/list", params=params, headers=supreme)

    assert_problem(response, 400, "INVALID_QUERY", field=field)


async def test_the_largest_page_size_is_accepted(api: Api, client: Client) -> None:
    await api.create(valid_campaign_body("max-page"))

    response = await client.get("/campaigns/list", params={"pageSize": "100"}, headers=api.supreme)

    assert response.status_code == 200
    assert response.json()["pagination"] == {"page": 0, "pageSize": 100, "total": 1}


_BAD_DATES = [
    pytest.param("yesterday", "2030-01-02T00:00:00Z", "presaleQueryStartDate", id="words"),
    pytest.param("2030-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "presaleQueryEndDate", id="year-10000"),
    pytest.param("2030-00-01T00:00:00Z", "2030-01-02T00:00:00Z", "presaleQueryStartDate", id="month-0"),
    pytest.param("2030-01-01T25:00:00Z", "2030-01-02T00:00:00Z", "presaleQueryStartDate", id="hour-25"),
]


@pytest.mark.parametrize("path", ["/campaigns/eventIds", "/campaigns/categoryIds"])
@pytest.mark.parametrize(("start", "end", "field"), _BAD_DATES)
async def test_unparseable_query_dates_are_400_invalid_query(
    client: Client, supreme: dict[str, str], path: str, start: str, end: str, field: str
) -> None:
    params = {"presaleQueryStartDate": start, "presaleQueryEndDate": end}

    body = assert_problem(await client.get(path, params=params, headers=supreme), 400, "INVALID_QUERY")
    assert body["errors"], (field, body)


@pytest.mark.parametrize("path", ["/campaigns/eventIds", "/campaigns/categoryIds"])
@pytest.mark.parametrize(("start", "end", "field"), _BAD_DATES)
async def test_unparseable_query_dates_name_the_parameter(
    client: Client, supreme: dict[str, str], path: str, start: str, end: str, field: str
) -> None:
    params = {"presaleQueryStartDate": start, "presaleQueryEndDate": end}

    assert_problem(await client.get(path, params=params, headers=supreme), 400, "INVALID_QUERY", field=field)


async def test_a_bad_dry_run_flag_is_400_and_applies_nothing(api: Api, client: Client) -> None:
    response = await client.post("/campaigns/refresh", params={"dryRun": "perhaps"}, headers=api.supreme)

    assert_problem(response, 400, "INVALID_QUERY")


async def test_a_bad_dry_run_flag_names_the_parameter(client: Client, supreme: dict[str, str]) -> None:
    response = await client.post("/campaigns/refresh", params={"dryRun": "perhaps"}, headers=supreme)

    assert_problem(response, 400, "INVALID_QUERY", field="dryRun")


@pytest.mark.parametrize(
    ("resource", "body", "field"),
    [
        pytest.param("terms", b'{"terms": 5}', "terms", id="terms-wrong-type"),
        pytest.param("terms", b'{"terms": "x", "extra": 1}', "extra", id="terms-unknown-field"),
        pytest.param("terms", b"{", "body", id="terms-truncated"),
        pytest.param("faqs", b'{"landing": {"open": "x"}}', "landing.open", id="faqs-wrong-type"),
        pytest.param("faqs", b'{"elsewhere": {}}', "elsewhere", id="faqs-unknown-field"),
        pytest.param("faqs", b'{"landing": {"open": [1]}}', "landing.open.0", id="faqs-wrong-item"),
        pytest.param("contacts", b'[{"_id": "c", "phone": "1"}]', "0.phone", id="contacts-unknown-field"),
        pytest.param("contacts", b"[1]", None, id="contacts-wrong-item"),
    ],
)
async def test_bad_input_on_the_sub_resources_is_400_and_writes_nothing(
    api: Api, client: Client, resource: str, body: bytes, field: str | None
) -> None:
    created = await api.create(valid_campaign_body("sub-resources"))

    response = await client.post(
        f"/campaigns/{created['id']}/{resource}", content=body, headers={**api.supreme, **JSON}
    )

    assert_problem(response, 400, "INVALID_CAMPAIGN_SCHEMA", field=field)
    assert await api.campaign(created["id"]) == created


async def test_contacts_must_be_a_list(api: Api, client: Client) -> None:
    created = await api.create(valid_campaign_body("contacts-list"))

    response = await client.post(f"/campaigns/{created['id']}/contacts", json={"not": "a list"}, headers=api.supreme)

    assert_problem(response, 400, "INVALID_CAMPAIGN_SCHEMA")
    assert await api.campaign(created["id"]) == created
