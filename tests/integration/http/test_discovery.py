"""`GET /artists` and `GET /venues` through the real app, against a local Discovery stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import stamina
from litestar.testing import AsyncTestClient

from campaigns.adapters.in_memory import FixedClock
from campaigns.config import Settings, load_settings
from tests.integration.discovery.stub import (
    ATTRACTIONS,
    BAD_KEY_FAULT,
    JONAS,
    MORRISBURG,
    VENUES,
    Answer,
    StubDiscovery,
    running_stub,
    search_envelope,
)
from tests.integration.http.conftest import app_for, settings_for
from tests.integration.http.support import Client, Json, Tokens, assert_problem, bearer

pytestmark = pytest.mark.integration

API_KEY = "http-test-key"


@pytest.fixture
def stub() -> Iterator[StubDiscovery]:
    with running_stub() as server:
        yield server


@pytest.fixture(autouse=True)
def quick_retries() -> Iterator[None]:
    """Stamina's test mode: the production three tries, without waiting between them."""
    with stamina.set_testing(True, attempts=3):
        yield


@pytest.fixture
def settings(tmp_path: Path, stub: StubDiscovery) -> Settings:
    """The app of these tests talks to the stub (overrides the package's `settings`)."""
    return load_settings(
        environ={
            "CAMPAIGNS_DATA_DIR": str(tmp_path),
            "CAMPAIGNS_DISCOVERY_API_KEY": API_KEY,
            "CAMPAIGNS_DISCOVERY_URL": stub.url,
        }
    )


@pytest.fixture
def fan(tokens: Tokens) -> dict[str, str]:
    """Any valid token may search: one granting nothing."""
    return bearer(tokens.nobody())


async def test_artists_answer_the_legacy_envelope(client: Client, stub: StubDiscovery, fan: dict[str, str]) -> None:
    stub.script(ATTRACTIONS, Answer.json(search_envelope("attractions", [JONAS], total=31, size=10)))

    response = await client.get("/artists", params={"q": "taylor"}, headers=fan)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "artists": [
            {
                "id": "K8vZ9175T17",
                "name": "Jonas Brothers",
                "discovery_id": "K8vZ9175T17",
                "image_url": "https://img.test/jonas_16_9_big.jpg",
            }
        ],
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
        "venues": [
            {
                "id": "KovZpZAFnIEA",
                "name": "Crysler Park Marina",
                "city": "Morrisburg",
                "state": "ON",
                "country": "CA",
                "timezone": "America/Toronto",
            }
        ],
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


@pytest.mark.parametrize("path", ["/artists", "/venues"])
async def test_a_search_needs_a_token(client: Client, stub: StubDiscovery, path: str) -> None:
    response = await client.get(path, params={"q": "taylor"})

    assert_problem(response, 401, "UNAUTHENTICATED")
    assert stub.requests == []


@pytest.mark.parametrize("path", ["/artists", "/venues"])
async def test_without_a_key_the_answer_is_503_naming_the_setting(
    tmp_path: Path, clock: FixedClock, tokens: Tokens, path: str
) -> None:
    _, app = app_for(settings_for(tmp_path), clock)

    async with AsyncTestClient(app=app) as unconfigured:
        response = await unconfigured.get(path, params={"q": "taylor"}, headers=bearer(tokens.nobody()))

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
