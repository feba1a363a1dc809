"""`GET /artists`, `GET /venues` and their by-id reads through the real app, against a local Discovery stand-in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import stamina

from campaigns.adapters.local.clock import FixedClock
from campaigns.config import Settings
from tests.bootstrap import running, settings_for
from tests.integration.discovery.stub import (
    ATTRACTIONS,
    BAD_KEY_FAULT,
    HANG,
    JONAS,
    MORRISBURG,
    VENUES,
    Answer,
    StubDiscovery,
    attraction_path,
    running_stub,
    search_envelope,
    venue_path,
)
from tests.integration.http.support import Client, Json, Tokens, assert_problem, bearer

pytestmark = pytest.mark.integration

API_KEY = "http-test-key"
JONAS_FORMATTED = {
    "id": "K8vZ9175T17",
    "name": "Jonas Brothers",
    "discovery_id": "K8vZ9175T17",
    "image_url": "https://img.test/jonas_16_9_big.jpg",
}
MORRISBURG_FORMATTED = {
    "id": "KovZpZAFnIEA",
    "name": "Crysler Park Marina",
    "city": "Morrisburg",
    "state": "ON",
    "country": "CA",
    "timezone": "America/Toronto",
}
"""The stub's JONAS and MORRISBURG as search and reads by id both answer them."""


@pytest.fixture
def stub() -> Iterator[StubDiscovery]:
    with running_stub() as server:
        yield server


@pytest.fixture(autouse=True)
def quick_retries() -> Iterator[None]:
    """Stamina's test mode: the production three tries, without waiting between them."""
    with stamina.set_testing(True, attempts=3):
        yield


def discovery_settings(data_dir: Path, store_url: str | None, stub: StubDiscovery, **more: str) -> Settings:
    return settings_for(data_dir, store_url, discovery_api_key=API_KEY, discovery_url=stub.url, **more)


@pytest.fixture
def settings(tmp_path: Path, store_url: str | None, stub: StubDiscovery) -> Settings:
    """The app of these tests talks to the stub, on each profile (overrides the package's `settings`)."""
    return discovery_settings(tmp_path, store_url, stub)


@pytest.fixture
def fan(tokens: Tokens) -> dict[str, str]:
    """Any valid token may search: one granting nothing."""
    return bearer(tokens.nobody())


async def test_artists_answer_the_legacy_envelope(client: Client, stub: StubDiscovery, fan: dict[str, str]) -> None:
    stub.script(ATTRACTIONS, Answer.json(search_envelope("attractions", [JONAS], total=31, size=10)))

    response = await client.get("/artists", params={"q": "taylor"}, headers=fan)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "artists": [JONAS_FORMATTED],
        "pagination": {"page": 0, "pageSize": 10, "total": 31},
    }
    [request] = stub.requests
    assert request.query == {"keyword": "taylor", "page": "0", "size": "10", "apikey": API_KEY}


async def test_venues_answer_the_legacy_envelope_for_the_page_asked(
    client: Client, stub: StubDiscovery, fan: dict[str, str]
) -> None:
    stub.script(VENUES, Answer.json(search_envelope("venues", [MORRISBURG], total=6, page=1, size=5)))

    response = await client.get("/venues", params={"q": "garden", "page": "1", "pageSize": "5"}, headers=fan)

    assert response.status_code == 200, response.text
    body: Json = response.json()
    assert body == {
        "venues": [MORRISBURG_FORMATTED],
        "pagination": {"page": 1, "pageSize": 5, "total": 6},
    }
    assert stub.requests[0].query == {"keyword": "garden", "page": "1", "size": "5", "apikey": API_KEY}


async def test_a_repeated_search_is_answered_from_the_cache(
    client: Client, stub: StubDiscovery, fan: dict[str, str]
) -> None:
    stub.script(ATTRACTIONS, Answer.json(search_envelope("attractions", [JONAS], total=1)))

    first = await client.get("/artists", params={"q": "taylor"}, headers=fan)
    second = await client.get("/artists", params={"q": "taylor"}, headers=fan)
    other_page = await client.get("/artists", params={"q": "taylor", "page": "1"}, headers=fan)

    assert first.json() == second.json()
    assert other_page.status_code == 200
    assert [r.query["page"] for r in stub.requests] == ["0", "1"]


async def test_nothing_found_is_an_empty_page(client: Client, fan: dict[str, str]) -> None:
    """The stub answers Discovery's own 404 to anything unscripted."""
    response = await client.get("/venues", params={"q": "atlantis"}, headers=fan)

    assert response.status_code == 200, response.text
    assert response.json() == {"venues": [], "pagination": {"page": 0, "pageSize": 10, "total": 0}}


@pytest.mark.parametrize("path", ["/artists", "/venues", "/artists/K8vZ9175T17", "/venues/KovZpZAFnIEA"])
async def test_a_search_or_read_needs_a_token(client: Client, stub: StubDiscovery, path: str) -> None:
    response = await client.get(path, params={"q": "taylor"})

    assert_problem(response, 401, "UNAUTHENTICATED")
    assert stub.requests == []


@pytest.mark.parametrize("path", ["/artists", "/venues", "/artists/K8vZ9175T17", "/venues/KovZpZAFnIEA"])
async def test_without_a_key_the_answer_is_503_naming_the_setting(
    tmp_path: Path, clock: FixedClock, tokens: Tokens, path: str
) -> None:
    async with running(settings_for(tmp_path), clock) as unconfigured:
        response = await unconfigured.client.get(path, params={"q": "taylor"}, headers=bearer(tokens.nobody()))

    body = assert_problem(response, 503, "DEPENDENCY_UNAVAILABLE")
    assert "CAMPAIGNS_DISCOVERY_API_KEY" in body["detail"]


async def test_discovery_failing_on_every_try_is_a_502(
    client: Client, stub: StubDiscovery, fan: dict[str, str]
) -> None:
    stub.script(VENUES, Answer(status=500, body=b"oops"))

    response = await client.get("/venues", params={"q": "garden"}, headers=fan)

    body = assert_problem(response, 502, "DEPENDENCY_UNAVAILABLE")
    assert "Discovery kept failing (HTTP 500) after 3 tries" in body["detail"]
    assert len(stub.requests) == 3


async def test_a_refused_key_is_a_502_naming_the_setting_never_the_key(
    client: Client, stub: StubDiscovery, fan: dict[str, str]
) -> None:
    stub.script(ATTRACTIONS, Answer.json(BAD_KEY_FAULT, status=401))

    response = await client.get("/artists", params={"q": "taylor"}, headers=fan)

    body = assert_problem(response, 502, "DEPENDENCY_UNAVAILABLE")
    assert "CAMPAIGNS_DISCOVERY_API_KEY" in body["detail"]
    assert API_KEY not in response.text
    assert len(stub.requests) == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        pytest.param({}, "q", id="no q"),
        pytest.param({"q": ""}, "q", id="empty q"),
        pytest.param({"q": "taylor", "pageSize": "101"}, "pageSize", id="pageSize 101"),
        pytest.param({"q": "taylor", "pageSize": "0"}, "pageSize", id="pageSize 0"),
        pytest.param({"q": "taylor", "page": "-1"}, "page", id="page -1"),
        pytest.param({"q": "taylor", "page": "ten"}, "page", id="page not a number"),
        pytest.param({"q": "taylor", "page": "10", "pageSize": "100"}, "page", id="past Discovery's depth"),
    ],
)
@pytest.mark.parametrize("path", ["/artists", "/venues"])
async def test_a_bad_query_is_a_400_naming_the_parameter(
    client: Client, stub: StubDiscovery, fan: dict[str, str], path: str, query: dict[str, str], field: str
) -> None:
    response = await client.get(path, params=query, headers=fan)

    assert_problem(response, 400, "INVALID_QUERY", field=field)
    assert stub.requests == []


@pytest.mark.parametrize(("path", "operation_id"), [("/artists", "searchArtists"), ("/venues", "searchVenues")])
async def test_the_searches_are_documented(client: Client, path: str, operation_id: str) -> None:
    document: Json = (await client.get("/schema/openapi.json")).json()

    operation = document["paths"][path]["get"]
    assert operation["operationId"] == operation_id
    assert operation["tags"] == ["discovery"]
    assert "Discovery" in operation["description"]
    assert {"400", "401", "502", "503"} <= set(operation["responses"])
    assert {p["name"] for p in operation["parameters"]} >= {"q", "page", "pageSize"}


async def test_an_artist_is_read_by_id_as_search_formats_it_and_then_from_the_cache(
    client: Client, stub: StubDiscovery, fan: dict[str, str]
) -> None:
    stub.script(attraction_path("K8vZ9175T17"), Answer.json(JONAS))

    first = await client.get("/artists/K8vZ9175T17", headers=fan)
    second = await client.get("/artists/K8vZ9175T17", headers=fan)

    assert first.status_code == second.status_code == 200, first.text
    assert first.json() == second.json() == JONAS_FORMATTED
    assert [(r.path, r.query) for r in stub.requests] == [(attraction_path("K8vZ9175T17"), {"apikey": API_KEY})]


async def test_a_venue_is_read_by_id_as_search_formats_it(
    client: Client, stub: StubDiscovery, fan: dict[str, str]
) -> None:
    stub.script(venue_path("KovZpZAFnIEA"), Answer.json(MORRISBURG))

    response = await client.get("/venues/KovZpZAFnIEA", headers=fan)

    assert response.status_code == 200, response.text
    assert response.json() == MORRISBURG_FORMATTED


@pytest.mark.parametrize(("kind", "path_of"), [("artist", attraction_path), ("venue", venue_path)])
async def test_an_id_discovery_does_not_know_is_a_404_and_is_not_asked_again_soon(
    client: Client, stub: StubDiscovery, fan: dict[str, str], kind: str, path_of: Callable[[str], str]
) -> None:
    """The stub answers Discovery's own 404 (DIS1004) to anything unscripted."""
    first = await client.get(f"/{kind}s/Z7nope", headers=fan)
    second = await client.get(f"/{kind}s/Z7nope", headers=fan)

    for response in (first, second):
        body = assert_problem(response, 404, "NOT_FOUND")
        assert body["detail"] == f"Discovery has no {kind} with the id 'Z7nope'."
    assert [r.path for r in stub.requests] == [path_of("Z7nope")]


async def test_an_id_that_cannot_be_discoverys_is_a_400_naming_it(
    client: Client, stub: StubDiscovery, fan: dict[str, str]
) -> None:
    response = await client.get(f"/artists/{'K' * 101}", headers=fan)

    assert_problem(response, 400, "INVALID_QUERY", field="discovery_id")
    assert stub.requests == []


async def test_discovery_failing_on_every_read_is_a_502_and_nothing_is_cached(
    client: Client, stub: StubDiscovery, fan: dict[str, str]
) -> None:
    stub.script(
        venue_path("KovZpZAFnIEA"),
        Answer(status=500, body=b"oops"),
        Answer(status=500, body=b"oops"),
        Answer(status=500, body=b"oops"),
        Answer.json(MORRISBURG),
    )

    failed = await client.get("/venues/KovZpZAFnIEA", headers=fan)
    recovered = await client.get("/venues/KovZpZAFnIEA", headers=fan)

    body = assert_problem(failed, 502, "DEPENDENCY_UNAVAILABLE")
    assert "Discovery kept failing (HTTP 500) after 3 tries" in body["detail"]
    assert recovered.status_code == 200, recovered.text
    assert len(stub.requests) == 4


async def test_discovery_timing_out_on_a_read_is_a_503_naming_the_setting(
    tmp_path: Path, store_url: str | None, stub: StubDiscovery, clock: FixedClock, fan: dict[str, str]
) -> None:
    stub.script(attraction_path("K8vZ9175T17"), HANG)
    quick = discovery_settings(tmp_path, store_url, stub, discovery_read_timeout_seconds="0.3")

    async with running(quick, clock) as impatient:
        response = await impatient.client.get("/artists/K8vZ9175T17", headers=fan)

    body = assert_problem(response, 503, "DEPENDENCY_UNAVAILABLE")
    assert "CAMPAIGNS_DISCOVERY_READ_TIMEOUT_SECONDS" in body["detail"]
    assert len(stub.requests) == 3


@pytest.mark.parametrize(
    ("path", "operation_id", "schema"),
    [("/artists/{discovery_id}", "getArtist", "ArtistSummary"), ("/venues/{discovery_id}", "getVenue", "VenueSummary")],
)
async def test_the_reads_by_id_are_documented(client: Client, path: str, operation_id: str, schema: str) -> None:
    document: Json = (await client.get("/schema/openapi.json")).json()

    operation = document["paths"][path]["get"]
    assert operation["operationId"] == operation_id
    assert operation["tags"] == ["discovery"]
    assert "NOT_FOUND" in operation["description"]
    assert {"400", "401", "404", "502", "503"} <= set(operation["responses"])
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(schema)
    assert [p["name"] for p in operation["parameters"]] == ["discovery_id"]
