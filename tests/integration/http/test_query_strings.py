"""Query strings are read leniently by one shared layer, on every route (spec §3 "Identifiers, time, JSON").

Enum values match in any case, a date alone means midnight UTC, booleans are `true|false|1|0` in
any case, an empty parameter counts as absent, an instant outside years 1-9999 in UTC is a 400, and
a value that cannot be read is a 400 INVALID_QUERY naming the parameter as clients spell it. The
OpenAPI document still shows each parameter's real type.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from campaigns.adapters.local.clock import FixedClock
from tests.bootstrap import START
from tests.integration.http.support import Api, Client, Json, assert_problem, iso, valid_campaign_body

pytestmark = pytest.mark.integration


async def _get(api: Api, path: str, **params: str) -> httpx.Response:
    return await api.client.get(path, params=params, headers=api.supreme)


async def _ok(api: Api, path: str, **params: str) -> Any:
    response = await _get(api, path, **params)
    assert response.status_code == 200, (path, params, response.text)
    return response.json()


async def _listed_names(api: Api, **params: str) -> list[str]:
    body = await _ok(api, "/campaigns/list", **params)
    return [campaign["name"] for campaign in body["campaigns"]]


@pytest.fixture
async def three_campaigns(api: Api) -> list[Json]:
    """A draft registration, a preview registration and a draft fanlist, created in that order."""
    return [
        await api.create(valid_campaign_body("q-draft", name="Bravo")),
        await api.create(valid_campaign_body("q-preview", name="Charlie", status="PREVIEW")),
        await api.create(valid_campaign_body("q-fanlist", name="Alpha", type="fanlist")),
    ]


# --------------------------------------------------------------------------- enums in any case


@pytest.mark.usefixtures("three_campaigns")
@pytest.mark.parametrize("spelling", ["PREVIEW", "preview", "Preview"])
async def test_a_status_filter_matches_in_any_case(api: Api, spelling: str) -> None:
    assert await _listed_names(api, status=spelling) == ["Charlie"]


@pytest.mark.usefixtures("three_campaigns")
@pytest.mark.parametrize("spelling", ["fanlist", "FANLIST", "FanList"])
async def test_a_type_filter_matches_in_any_case(api: Api, spelling: str) -> None:
    assert await _listed_names(api, type=spelling) == ["Alpha"]


@pytest.mark.usefixtures("three_campaigns")
@pytest.mark.parametrize(("sort_by", "direction"), [("name", "asc"), ("NAME", "ASC"), ("Name", "Asc")])
async def test_sort_names_and_directions_match_in_any_case(api: Api, sort_by: str, direction: str) -> None:
    assert await _listed_names(api, sortBy=sort_by, sortDirection=direction) == ["Alpha", "Bravo", "Charlie"]


@pytest.mark.usefixtures("three_campaigns")
async def test_a_descending_sort_in_capitals_is_the_descending_sort(api: Api) -> None:
    assert await _listed_names(api, sortBy="DATE.CREATED", sortDirection="DESC") == ["Alpha", "Charlie", "Bravo"]
    assert await _listed_names(api, sortDirection="DESC") == await _listed_names(api, sortDirection="desc")


# --------------------------------------------------------------------------- booleans


@pytest.mark.parametrize(
    ("spelling", "meaning"), [("true", True), ("TRUE", True), ("1", True), ("False", False), ("0", False)]
)
async def test_dry_run_takes_any_spelling_of_a_boolean(api: Api, spelling: str, meaning: bool) -> None:
    report = await _ok_post(api, "/campaigns/refresh", dryRun=spelling)

    assert report["dryRun"] is meaning


@pytest.mark.parametrize(("spelling", "checks_store"), [("1", True), ("True", True), ("0", False), ("FALSE", False)])
async def test_a_deep_heartbeat_takes_any_spelling_of_a_boolean(
    client: Client, spelling: str, checks_store: bool
) -> None:
    response = await client.get("/heartbeat", params={"deep": spelling})

    assert response.status_code == 200, response.text
    assert (response.json().get("store") == "ok") is checks_store


@pytest.mark.parametrize(("spelling", "geo_json"), [("1", True), ("TRUE", True), ("0", False), ("false", False)])
async def test_geo_json_markets_take_any_spelling_of_a_boolean(api: Api, spelling: str, geo_json: bool) -> None:
    created = await api.create(valid_campaign_body("q-geo"))
    market = {"name": "Paris", "city": "Paris", "state": "IDF", "timezone": "Europe/Paris"}
    response = await api.client.post(f"/campaigns/{created['id']}/markets", json=market, headers=api.supreme)
    assert response.status_code == 201, response.text

    listed = await _ok(api, f"/campaigns/{created['id']}/markets", useGeoJson=spelling)

    assert (listed.get("type") == "FeatureCollection") is geo_json
    assert len(listed["features"] if geo_json else listed["markets"]) == 1


@pytest.mark.parametrize("route", ["by id", "by domain"])
async def test_show_all_locales_takes_any_spelling_of_a_boolean(api: Api, route: str) -> None:
    created = await api.create(valid_campaign_body("q-locales"))
    path, params = (f"/campaigns/{created['id']}", {}) if route == "by id" else ("/campaigns", {"domain": "q-locales"})

    every = await _ok(api, path, **params, showAllLocales="true")
    one = await _ok(api, path, **params, showAllLocales="false")

    assert every != one, "the flag must matter for this test to mean anything"
    for spelling in ("TRUE", "1", "True"):
        assert await _ok(api, path, **params, showAllLocales=spelling) == every, spelling
    for spelling in ("FALSE", "0", ""):
        assert await _ok(api, path, **params, showAllLocales=spelling) == one, spelling
    assert await _ok(api, path, **params) == one


async def _ok_post(api: Api, path: str, **params: str) -> Any:
    response = await api.client.post(path, params=params, headers=api.supreme)
    assert response.status_code == 200, (path, params, response.text)
    return response.json()


# --------------------------------------------------------------------------- an empty parameter is absent


@pytest.mark.usefixtures("three_campaigns")
async def test_empty_list_parameters_are_the_defaults(api: Api) -> None:
    empty = {name: "" for name in ("q", "type", "version", "artistId", "status", "sortBy", "sortDirection")}

    listed = await _ok(api, "/campaigns/list", page="", pageSize="", **empty)

    assert listed == await _ok(api, "/campaigns/list")
    assert listed["pagination"] == {"page": 0, "pageSize": 10, "total": 3}


async def test_empty_flags_are_false(api: Api, client: Client) -> None:
    assert (await _ok_post(api, "/campaigns/refresh", dryRun=""))["dryRun"] is False
    assert (await client.get("/heartbeat", params={"deep": ""})).json() == (await client.get("/heartbeat")).json()


async def test_empty_contact_search_parameters_are_the_defaults(api: Api) -> None:
    found = await _ok(api, "/contacts", q="", page="", pageSize="")

    assert found["pagination"] == {"page": 0, "pageSize": 10, "total": 0}


async def test_empty_event_status_filters_are_absent(api: Api) -> None:
    response = await api.client.post("/events/E1", json={"status": "onsale"}, headers=api.supreme)
    assert response.status_code == 200, response.text

    assert await _ok(api, "/events", status="", until="") == await _ok(api, "/events")
    assert len((await _ok(api, "/events"))["events"]) == 1


@pytest.mark.parametrize("path", ["/campaigns/eventIds", "/campaigns/categoryIds"])
async def test_an_empty_presale_date_is_a_missing_one(api: Api, path: str) -> None:
    empty = await _get(api, path, presaleQueryStartDate="", presaleQueryEndDate="2030-02-01")
    absent = await _get(api, path, presaleQueryEndDate="2030-02-01")

    assert_problem(empty, 400, absent.json()["code"], field="presaleQueryStartDate")
    assert empty.json() == absent.json()


async def test_a_required_parameter_sent_empty_is_missing(api: Api) -> None:
    assert_problem(await _get(api, "/campaigns", domain=""), 400, "INVALID_QUERY", field="domain")


# --------------------------------------------------------------------------- a date alone is midnight UTC


async def test_a_date_alone_in_until_means_midnight_utc(api: Api) -> None:
    for event_id, end in (("at-midnight", "2030-02-01T00:00:00Z"), ("a-second-later", "2030-02-01T00:00:01Z")):
        body = {"status": "onsale", "date": {"end": end}}
        assert (await api.client.post(f"/events/{event_id}", json=body, headers=api.supreme)).status_code == 200

    found = await _ok(api, "/events", until="2030-02-01")

    assert [record["id"] for record in found["events"]] == ["at-midnight"]


async def test_a_date_alone_in_presale_category_queries_means_midnight_utc(api: Api) -> None:
    window = {"presaleWindowStart": "2030-02-01T00:00:00Z", "presaleWindowEnd": "2030-02-01T06:00:00Z"}
    await api.create(valid_campaign_body("q-category", categoryId="cat-1", date=window))

    touching = await _ok(
        api, "/campaigns/categoryIds", presaleQueryStartDate="2030-01-31", presaleQueryEndDate="2030-02-01"
    )
    before = await _ok(
        api, "/campaigns/categoryIds", presaleQueryStartDate="2030-01-30", presaleQueryEndDate="2030-01-31"
    )

    assert touching == ["cat-1"]
    assert before == []


# --------------------------------------------------------------------------- instants that overflow UTC

_INSTANT_ROUTES = [
    ("/campaigns/eventIds", "presaleQueryStartDate", {"presaleQueryEndDate": "2030-02-01"}),
    ("/campaigns/eventIds", "presaleQueryEndDate", {"presaleQueryStartDate": "2030-02-01"}),
    ("/campaigns/categoryIds", "presaleQueryStartDate", {"presaleQueryEndDate": "2030-02-01"}),
    ("/campaigns/categoryIds", "presaleQueryEndDate", {"presaleQueryStartDate": "2030-02-01"}),
    ("/events", "until", {}),
]


@pytest.mark.parametrize("instant", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
@pytest.mark.parametrize(
    ("path", "name", "others"), [pytest.param(*route, id=f"{route[0]}?{route[1]}") for route in _INSTANT_ROUTES]
)
async def test_every_query_instant_outside_years_1_to_9999_in_utc_is_400_naming_it(
    api: Api, path: str, name: str, others: dict[str, str], instant: str
) -> None:
    assert_problem(await _get(api, path, **others, **{name: instant}), 400, "INVALID_QUERY", field=name)


@pytest.mark.parametrize("instant", ["0001-01-01", "0001-01-01T00:00:00-14:00", "9999-12-31T23:59:59+14:00"])
async def test_the_extreme_instants_that_stay_in_range_are_accepted(api: Api, instant: str) -> None:
    assert await _ok(api, "/events", until=instant) == {"events": []}


# --------------------------------------------------------------------------- values that cannot be read

_BAD: list[tuple[str, str, str, dict[str, str]]] = [
    ("POST", "/campaigns/refresh", "dryRun", {"dryRun": "perhaps"}),
    ("GET", "/heartbeat", "deep", {"deep": "yes"}),
    ("GET", "/campaigns/list", "status", {"status": "ALIVE"}),
    ("GET", "/campaigns/list", "type", {"type": "raffle"}),
    ("GET", "/campaigns/list", "sortBy", {"sortBy": "password"}),
    ("GET", "/campaigns/list", "sortDirection", {"sortDirection": "sideways"}),
    ("GET", "/campaigns/list", "page", {"page": "first"}),
    ("GET", "/campaigns/list", "pageSize", {"pageSize": "0"}),
    ("GET", "/contacts", "pageSize", {"pageSize": "1000"}),
    ("GET", "/events", "until", {"until": "tomorrow"}),
    (
        "GET",
        "/campaigns/eventIds",
        "presaleQueryStartDate",
        {"presaleQueryStartDate": "soon", "presaleQueryEndDate": "2030-02-01"},
    ),
    ("GET", "/campaigns", "showAllLocales", {"domain": "anything", "showAllLocales": "maybe"}),
]


@pytest.mark.parametrize(
    ("method", "path", "name", "params"), [pytest.param(*bad, id=f"{bad[1]}?{bad[2]}") for bad in _BAD]
)
async def test_a_value_that_cannot_be_read_is_400_invalid_query_naming_it(
    api: Api, method: str, path: str, name: str, params: dict[str, str]
) -> None:
    response = await api.client.request(method, path, params=params, headers=api.supreme)

    assert_problem(response, 400, "INVALID_QUERY", field=name)


async def test_a_bad_flag_on_a_campaign_route_names_it(api: Api) -> None:
    created = await api.create(valid_campaign_body("q-bad-flag"))
    by_id = await _get(api, f"/campaigns/{created['id']}", showAllLocales="2")
    markets = await _get(api, f"/campaigns/{created['id']}/markets", useGeoJson="yes")

    assert_problem(by_id, 400, "INVALID_QUERY", field="showAllLocales")
    assert_problem(markets, 400, "INVALID_QUERY", field="useGeoJson")


async def test_every_unreadable_parameter_is_named_at_once(api: Api) -> None:
    problem = assert_problem(await _get(api, "/campaigns/list", status="x", type="y"), 400, "INVALID_QUERY")

    assert {error["field"] for error in problem["errors"]} == {"status", "type"}


async def test_a_bad_dry_run_applies_nothing(api: Api, clock: FixedClock) -> None:
    window = {"open": iso(START + timedelta(hours=1))}
    created = await api.create(valid_campaign_body("q-due", status="PREVIEW", date=window))
    clock.advance(timedelta(hours=2))

    refused = await api.client.post("/campaigns/refresh", params={"dryRun": "perhaps"}, headers=api.supreme)

    assert_problem(refused, 400, "INVALID_QUERY", field="dryRun")
    assert (await api.campaign(created["id"]))["status"] == "PREVIEW"
    assert (await api.refresh())["opened"] == 1, "the campaign was due: a refresh that ran would have opened it"


# --------------------------------------------------------------------------- the OpenAPI document stays honest


def _resolved(document: Json, schema: Json) -> Json:
    """A parameter schema without its null alternative (`oneOf: [X, {type: null}]`), `$ref` followed."""
    option = next((o for o in schema.get("oneOf", [schema]) if o.get("type") != "null"), schema)
    if ref := option.get("$ref"):
        found: Json = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        return found
    return option


async def _parameters(client: Client) -> dict[tuple[str, str], Json]:
    document = (await client.get("/schema/openapi.json")).json()
    return {
        (path, parameter["name"]): _resolved(document, parameter["schema"])
        for path, item in document["paths"].items()
        for operation in item.values()
        if isinstance(operation, dict)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
    }


async def test_the_openapi_document_shows_the_real_parameter_types(client: Client) -> None:
    parameters = await _parameters(client)

    for key in [
        ("/campaigns/refresh", "dryRun"),
        ("/heartbeat", "deep"),
        ("/campaigns/{campaign_id}/markets", "useGeoJson"),
        ("/campaigns", "showAllLocales"),
    ]:
        assert parameters[key]["type"] == "boolean", (key, parameters[key])
    for key in [
        ("/campaigns/eventIds", "presaleQueryStartDate"),
        ("/campaigns/categoryIds", "presaleQueryEndDate"),
        ("/events", "until"),
    ]:
        assert (parameters[key]["type"], parameters[key]["format"]) == ("string", "date-time"), (key, parameters[key])
    assert set(parameters["/campaigns/list", "status"]["enum"]) == {"DRAFT", "PREVIEW", "OPEN", "CLOSED", "INACTIVE"}
    assert set(parameters["/campaigns/list", "type"]["enum"]) == {"registration", "fanlist"}
    assert set(parameters["/campaigns/list", "sortDirection"]["enum"]) == {"asc", "desc"}
    assert "name" in parameters["/campaigns/list", "sortBy"]["enum"]
