"""The httpx Discovery adapter against a local server speaking Discovery's documented shapes."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from stamina.instrumentation import get_on_retry_hooks, set_on_retry_hooks

from campaigns.adapters.discovery.httpx_catalog import (
    HttpxDiscoveryCatalog,
    RetryPolicy,
    discovery_http_client,
    retry_after_seconds,
)
from campaigns.application.discovery import ArtistSummary, DiscoveryPage, VenueSummary
from campaigns.application.errors import DependencyFailed, DependencyUnavailable
from tests.integration.discovery.stub import (
    ATTRACTIONS,
    BAD_KEY_FAULT,
    HANG,
    JONAS,
    LONDON,
    MORRISBURG,
    NO_IMAGES,
    VENUES,
    Answer,
    StubDiscovery,
    attraction_path,
    quota_fault,
    running_stub,
    search_envelope,
    venue_path,
)

pytestmark = pytest.mark.integration

API_KEY = "test-key-123"
READ_TIMEOUT = 0.2
NO_WAITS = RetryPolicy(wait_initial=0, wait_max=0, wait_jitter=0)
"""Production attempts and Retry-After handling, without the exponential waits."""


@pytest.fixture
def stub() -> Iterator[StubDiscovery]:
    with running_stub() as server:
        yield server


@pytest.fixture
def retry_waits() -> Iterator[list[float]]:
    """The wait stamina schedules before each retry, as its instrumentation reports it."""
    waits: list[float] = []
    previous = get_on_retry_hooks()
    set_on_retry_hooks([lambda details: waits.append(details.wait_for)])
    try:
        yield waits
    finally:
        set_on_retry_hooks(previous)


@asynccontextmanager
async def catalog_at(url: str, retry: RetryPolicy = NO_WAITS) -> AsyncIterator[HttpxDiscoveryCatalog]:
    async with asynccontextmanager(discovery_http_client)(
        url, connect_timeout=1.0, read_timeout=READ_TIMEOUT
    ) as client:
        yield HttpxDiscoveryCatalog(client, api_key=API_KEY, retry=retry)


@pytest.fixture
async def catalog(stub: StubDiscovery) -> AsyncIterator[HttpxDiscoveryCatalog]:
    async with catalog_at(stub.url) as adapter:
        yield adapter


async def artist_search_failure(stub: StubDiscovery, catalog: HttpxDiscoveryCatalog, *answers: Answer) -> Exception:
    """What the adapter raises for an artist search the stub answers with `answers`."""
    stub.script(ATTRACTIONS, *answers)
    with pytest.raises(DependencyUnavailable) as raised:
        await catalog.search_artists("jonas", page=0, page_size=10)
    return raised.value


def artists_answer(items: list[dict[str, Any]], total: int, **paging: int) -> Answer:
    return Answer.json(search_envelope("attractions", items, total=total, **paging))


async def test_an_artist_search_sends_the_key_and_paging_and_maps_each_attraction(
    stub: StubDiscovery, catalog: HttpxDiscoveryCatalog
) -> None:
    stub.script(ATTRACTIONS, artists_answer([JONAS, NO_IMAGES], total=42, page=2, size=2))

    found = await catalog.search_artists("jonas", page=2, page_size=2)

    assert found == DiscoveryPage(
        items=[
            ArtistSummary(
                id="K8vZ9175T17",
                name="Jonas Brothers",
                discovery_id="K8vZ9175T17",
                image_url="https://img.test/jonas_16_9_big.jpg",
            ),
            ArtistSummary(id="K8vZ9175BhV", name="!!!", discovery_id="K8vZ9175BhV", image_url=None),
        ],
        total=42,
    )
    [request] = stub.requests
    assert request.path == ATTRACTIONS
    assert request.query == {"keyword": "jonas", "page": "2", "size": "2", "apikey": API_KEY}


async def test_an_artist_without_a_16_9_picture_gets_its_widest_one(
    stub: StubDiscovery, catalog: HttpxDiscoveryCatalog
) -> None:
    images = [{"ratio": "4_3", "url": "https://img.test/a.jpg", "width": 305}, {"url": "https://img.test/b.jpg"}]
    stub.script(ATTRACTIONS, artists_answer([{"id": "K1", "name": "A", "images": images}], total=1))

    found = await catalog.search_artists("a", page=0, page_size=10)

    assert [a.image_url for a in found.items] == ["https://img.test/a.jpg"]


async def test_a_venue_search_maps_city_state_country_and_timezone(
    stub: StubDiscovery, catalog: HttpxDiscoveryCatalog
) -> None:
    only_state_name = {"id": "KovZ1", "name": "Somewhere", "state": {"name": "Bavaria"}}
    stub.script(VENUES, Answer.json(search_envelope("venues", [MORRISBURG, LONDON, only_state_name], total=3, size=10)))

    found = await catalog.search_venues("o2", page=0, page_size=10)

    assert found == DiscoveryPage(
        items=[
            VenueSummary(
                id="KovZpZAFnIEA",
                name="Crysler Park Marina",
                city="Morrisburg",
                state="ON",
                country="CA",
                timezone="America/Toronto",
            ),
            VenueSummary(
                id="KovZ9177Arf", name="The O2", city="London", state=None, country="GB", timezone="Europe/London"
            ),
            VenueSummary(id="KovZ1", name="Somewhere", state="Bavaria"),
        ],
        total=3,
    )
    assert stub.requests[0].query == {"keyword": "o2", "page": "0", "size": "10", "apikey": API_KEY}


async def test_no_embedded_results_is_an_empty_page(stub: StubDiscovery, catalog: HttpxDiscoveryCatalog) -> None:
    stub.script(VENUES, Answer.json(search_envelope("venues", [], total=0)))

    assert await catalog.search_venues("nowhere", page=0, page_size=10) == DiscoveryPage(items=[], total=0)


async def test_a_search_discovery_answers_404_for_is_an_empty_page(
    stub: StubDiscovery, catalog: HttpxDiscoveryCatalog
) -> None:
    """The stub answers Discovery's `errors[]` 404 for any path it was not given a script for."""
    assert await catalog.search_artists("zzzz", page=0, page_size=10) == DiscoveryPage(items=[], total=0)
    assert len(stub.requests) == 1


@pytest.mark.parametrize(
    "failures",
    [
        pytest.param(
            [Answer.json(quota_fault(API_KEY), status=429, headers={"Retry-After": "0"})], id="429 Retry-After 0"
        ),
        pytest.param([Answer(status=502), Answer(status=503)], id="502 then 503"),
    ],
)
async def test_a_429_or_5xx_is_retried_and_a_later_answer_is_used(
    stub: StubDiscovery, catalog: HttpxDiscoveryCatalog, failures: list[Answer]
) -> None:
    stub.script(ATTRACTIONS, *failures, artists_answer([JONAS], total=1))

    found = await catalog.search_artists("jonas", page=0, page_size=10)

    assert [a.id for a in found.items] == ["K8vZ9175T17"]
    assert len(stub.requests) == len(failures) + 1


async def test_a_server_error_is_tried_three_times_then_reported_as_a_bad_gateway(
    stub: StubDiscovery, catalog: HttpxDiscoveryCatalog
) -> None:
    error = await artist_search_failure(stub, catalog, Answer(status=500, body=b"<html>Internal Server Error</html>"))

    assert isinstance(error, DependencyFailed)
    assert "Discovery kept failing (HTTP 500) after 3 tries" in error.message
    assert len(stub.requests) == 3


async def test_a_refused_key_is_not_retried_and_names_the_setting_not_the_key(
    stub: StubDiscovery, catalog: HttpxDiscoveryCatalog
) -> None:
    error = await artist_search_failure(stub, catalog, Answer.json(BAD_KEY_FAULT, status=401))

    assert isinstance(error, DependencyFailed)
    assert "refused the API key in CAMPAIGNS_DISCOVERY_API_KEY (HTTP 401: oauth.v2.InvalidApiKey)" in error.message
    assert API_KEY not in error.message
    assert len(stub.requests) == 1


async def test_another_client_error_is_final_and_says_what_discovery_said(
    stub: StubDiscovery, catalog: HttpxDiscoveryCatalog
) -> None:
    body = {"errors": [{"code": "DIS1035", "detail": "Max paging depth exceeded.", "status": "400"}]}

    error = await artist_search_failure(stub, catalog, Answer.json(body, status=400))

    assert isinstance(error, DependencyFailed)
    assert "HTTP 400: DIS1035 Max paging depth exceeded." in str(error)
    assert len(stub.requests) == 1


async def test_a_rate_limit_asking_for_a_long_wait_is_reported_at_once_as_unavailable(
    stub: StubDiscovery, catalog: HttpxDiscoveryCatalog
) -> None:
    answer = Answer.json(quota_fault(API_KEY), status=429, headers={"Retry-After": "3600"})

    error = await artist_search_failure(stub, catalog, answer)

    assert not isinstance(error, DependencyFailed)
    assert "HTTP 429" in str(error)
    assert "it asks to wait 3600 s" in str(error)
    assert API_KEY not in str(error)
    assert len(stub.requests) == 1


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"_embedded": {"attractions": [', id="malformed JSON"),
        pytest.param(b'{"_embedded": {"attractions": "none"}}', id="unexpected shape"),
        pytest.param(b'{"_embedded": {"attractions": [{"name": "no id"}]}}', id="attraction without id"),
        pytest.param(b"<html>gateway page</html>", id="not JSON at all"),
    ],
)
async def test_an_unexpected_body_is_a_bad_gateway_and_not_retried(
    stub: StubDiscovery, catalog: HttpxDiscoveryCatalog, body: bytes
) -> None:
    error = await artist_search_failure(stub, catalog, Answer(body=body))

    assert isinstance(error, DependencyFailed)
    assert str(error).startswith("Discovery answered with an unexpected body")
    assert len(stub.requests) == 1


async def test_an_answer_slower_than_the_read_timeout_is_retried_then_reported_as_timed_out(
    stub: StubDiscovery, catalog: HttpxDiscoveryCatalog
) -> None:
    error = await artist_search_failure(stub, catalog, HANG)

    assert not isinstance(error, DependencyFailed)
    assert "timed out waiting for its answer (0.2 s, CAMPAIGNS_DISCOVERY_READ_TIMEOUT_SECONDS)" in str(error)
    assert len(stub.requests) == 3


async def test_an_unreachable_server_is_unavailable_and_names_the_url_setting() -> None:
    with socket.socket() as bound_not_listening:
        bound_not_listening.bind(("127.0.0.1", 0))
        port = bound_not_listening.getsockname()[1]
        async with catalog_at(f"http://127.0.0.1:{port}") as catalog:
            with pytest.raises(DependencyUnavailable) as raised:
                await catalog.search_artists("jonas", page=0, page_size=10)

    assert not isinstance(raised.value, DependencyFailed)
    assert "could not be reached after 3 tries" in raised.value.message
    assert "CAMPAIGNS_DISCOVERY_URL" in raised.value.message


async def test_artists_and_venues_are_read_by_id(stub: StubDiscovery, catalog: HttpxDiscoveryCatalog) -> None:
    stub.script("/discovery/v2/attractions/K8vZ9175T17.json", Answer.json(JONAS))
    stub.script("/discovery/v2/venues/KovZpZAFnIEA.json", Answer.json(MORRISBURG))

    artist = await catalog.get_artist("K8vZ9175T17")
    venue = await catalog.get_venue("KovZpZAFnIEA")

    assert artist == ArtistSummary(
        id="K8vZ9175T17",
        name="Jonas Brothers",
        discovery_id="K8vZ9175T17",
        image_url="https://img.test/jonas_16_9_big.jpg",
    )
    assert venue is not None
    assert (venue.name, venue.city, venue.state, venue.country) == ("Crysler Park Marina", "Morrisburg", "ON", "CA")
    assert all(r.query == {"apikey": API_KEY} for r in stub.requests)


async def test_an_unknown_id_is_none_and_an_id_cannot_leave_its_path(
    stub: StubDiscovery, catalog: HttpxDiscoveryCatalog
) -> None:
    assert await catalog.get_artist("nope") is None
    assert await catalog.get_venue("../attractions/K8vZ9175T17") is None
    assert await catalog.get_venue("") is None

    assert [r.path for r in stub.requests] == [
        "/discovery/v2/attractions/nope.json",
        "/discovery/v2/venues/..%2Fattractions%2FK8vZ9175T17.json",
    ]


async def test_discovery_says_dis1004_for_an_unknown_id_and_that_is_none(
    stub: StubDiscovery, catalog: HttpxDiscoveryCatalog
) -> None:
    assert await catalog.get_artist("K8vZ91700") is None

    async with httpx.AsyncClient(base_url=stub.url) as raw:
        answer = await raw.get(attraction_path("K8vZ91700"), params={"apikey": API_KEY})
    assert answer.status_code == 404
    [error] = answer.json()["errors"]
    assert (error["code"], error["status"]) == ("DIS1004", "404")
    assert error["detail"] == "Resource not found with provided criteria (locale=en-us, id=K8vZ91700)"


@pytest.mark.parametrize(
    ("answer", "unavailable_only", "says"),
    [
        pytest.param(Answer(status=503, body=b"busy"), False, "kept failing (HTTP 503) after 3 tries", id="5xx"),
        pytest.param(HANG, True, "timed out waiting for its answer", id="timeout"),
        pytest.param(Answer.json(BAD_KEY_FAULT, status=401), False, "CAMPAIGNS_DISCOVERY_API_KEY", id="bad key"),
        pytest.param(Answer(body=b"[1, 2]"), False, "unexpected body", id="not an attraction"),
    ],
)
@pytest.mark.parametrize("kind", ["artist", "venue"])
async def test_a_lookup_fails_as_a_search_does(
    stub: StubDiscovery, catalog: HttpxDiscoveryCatalog, kind: str, answer: Answer, unavailable_only: bool, says: str
) -> None:
    """503 (DependencyUnavailable) for what may pass, 502 (DependencyFailed) for what Discovery did wrong."""
    stub.script(attraction_path("K1") if kind == "artist" else venue_path("K1"), answer)

    with pytest.raises(DependencyUnavailable) as raised:
        await (catalog.get_artist("K1") if kind == "artist" else catalog.get_venue("K1"))

    assert isinstance(raised.value, DependencyFailed) is not unavailable_only
    assert says in raised.value.message
    assert API_KEY not in raised.value.message


async def test_the_client_resource_closes_its_connections_at_shutdown(stub: StubDiscovery) -> None:
    async with asynccontextmanager(discovery_http_client)(stub.url, connect_timeout=1.0, read_timeout=2.0) as client:
        timeouts = (client.timeout.connect, client.timeout.read)
        open_while_running = not client.is_closed

    assert timeouts == (1.0, 2.0)
    assert open_while_running
    assert client.is_closed
    with pytest.raises(RuntimeError):
        await client.get("/discovery/v2/venues.json")


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("0", 0.0),
        ("7", 7.0),
        (" 12 ", 12.0),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(header: str | None, seconds: float | None) -> None:
    now = dt.datetime(2015, 10, 21, 7, 28, tzinfo=dt.UTC)

    assert retry_after_seconds(header, now=now) == seconds


def test_the_production_retry_policy_tries_three_times_with_jittered_backoff() -> None:
    policy = RetryPolicy()

    assert policy.attempts == 3
    assert policy.wait_initial > 0
    assert policy.wait_jitter > 0


async def test_retry_after_replaces_the_backoff(stub: StubDiscovery, retry_waits: list[float]) -> None:
    """With a minute of backoff configured, Discovery's `Retry-After: 0` is what the retry waits."""
    stub.script(
        ATTRACTIONS,
        Answer.json(quota_fault(API_KEY), status=429, headers={"Retry-After": "0"}),
        artists_answer([JONAS], total=1),
    )

    async with catalog_at(stub.url, RetryPolicy(wait_initial=60, wait_max=60, wait_jitter=0)) as catalog:
        await catalog.search_artists("jonas", page=0, page_size=10)

    assert retry_waits == [0.0]


async def test_without_retry_after_the_waits_grow_exponentially(stub: StubDiscovery, retry_waits: list[float]) -> None:
    stub.script(ATTRACTIONS, Answer(status=503))

    async with catalog_at(stub.url, RetryPolicy(wait_initial=0.001, wait_max=1, wait_jitter=0)) as catalog:
        with pytest.raises(DependencyFailed):
            await catalog.search_artists("jonas", page=0, page_size=10)

    assert retry_waits == [0.001, 0.002]
