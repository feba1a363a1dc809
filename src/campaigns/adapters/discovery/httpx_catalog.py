"""Ticketmaster Discovery API v2 over httpx: searches and lookups with timeouts, retries and clear failures."""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import AsyncIterator, Callable, Mapping
from typing import TypeVar
from urllib.parse import quote

import httpx
import msgspec

from campaigns.adapters.httpx_clients import json_api_client
from campaigns.adapters.retries import attempts
from campaigns.application.discovery import ArtistSummary, DiscoveryPage, VenueSummary
from campaigns.application.errors import DependencyFailed, DependencyUnavailable
from campaigns.application.ports.discovery import DiscoveryCatalog

KEY_SETTING = "CAMPAIGNS_DISCOVERY_API_KEY"

ATTRACTIONS = "/discovery/v2/attractions"
VENUES = "/discovery/v2/venues"

_T = TypeVar("_T")
_S = TypeVar("_S", ArtistSummary, VenueSummary)


async def discovery_http_client(
    base_url: str, *, connect_timeout: float, read_timeout: float
) -> AsyncIterator[httpx.AsyncClient]:
    """One connection pool for the process, closed at shutdown: fits `providers.Resource`."""
    async with json_api_client(base_url, connect_timeout=connect_timeout, read_timeout=read_timeout) as client:
        yield client


class RetryPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """How hard to retry a failing Discovery call inside one API request (times in seconds).

    Discovery's quota is small (5 req/s, 5000/day), so a few short waits, then a clear error.
    """

    attempts: int = 3
    wait_initial: float = 0.25
    wait_max: float = 2.0
    wait_jitter: float = 0.25
    longest_retry_after: float = 5.0
    """A `Retry-After` longer than this is not waited for inside a request: the caller hears it at once."""
    deadline: float | None = 15.0
    """No new try starts after this long since the first one."""


class _Image(msgspec.Struct, frozen=True):
    url: str
    ratio: str | None = None
    width: int | None = None
    fallback: bool = False


class _Attraction(msgspec.Struct, frozen=True):
    id: str
    name: str = ""
    images: list[_Image] = []


class _Named(msgspec.Struct, frozen=True):
    name: str | None = None


class _State(msgspec.Struct, frozen=True, rename="camel"):
    name: str | None = None
    state_code: str | None = None


class _Country(msgspec.Struct, frozen=True, rename="camel"):
    name: str | None = None
    country_code: str | None = None


class _Venue(msgspec.Struct, frozen=True):
    id: str
    name: str = ""
    city: _Named | None = None
    state: _State | None = None
    country: _Country | None = None
    timezone: str | None = None


class _Paging(msgspec.Struct, frozen=True, rename="camel"):
    total_elements: int = 0


class _Attractions(msgspec.Struct, frozen=True):
    attractions: list[_Attraction] = []


class _Venues(msgspec.Struct, frozen=True):
    venues: list[_Venue] = []


class _AttractionSearch(msgspec.Struct, frozen=True):
    embedded: _Attractions | None = msgspec.field(default=None, name="_embedded")
    page: _Paging | None = None


class _VenueSearch(msgspec.Struct, frozen=True):
    embedded: _Venues | None = msgspec.field(default=None, name="_embedded")
    page: _Paging | None = None


class _FaultDetail(msgspec.Struct, frozen=True):
    errorcode: str | None = None


class _Fault(msgspec.Struct, frozen=True):
    detail: _FaultDetail | None = None


class _ServiceError(msgspec.Struct, frozen=True):
    code: str | None = None
    detail: str | None = None


class _ErrorBody(msgspec.Struct, frozen=True):
    """Both error shapes: Apigee's gateway `fault` (bad key, quota) and Discovery's own `errors[]`."""

    fault: _Fault | None = None
    errors: list[_ServiceError] = []


def error_hint(body: bytes) -> str:
    """`: <what Discovery said>` for an error message, or "" when the body says nothing usable.

    A fault gives only its error code (e.g. oauth.v2.InvalidApiKey): its fault string may quote the key.
    """
    try:
        decoded = msgspec.json.decode(body, type=_ErrorBody)
    except msgspec.DecodeError:
        return ""
    if decoded.errors:
        first = decoded.errors[0]
        text = " ".join(part for part in (first.code, first.detail) if part)
    else:
        fault = decoded.fault
        text = (fault.detail.errorcode if fault and fault.detail else None) or ""
    return f": {text[:200]}" if text else ""


def best_image_url(images: list[_Image]) -> str | None:
    """The widest real (non-fallback) 16:9 picture, else the widest of the rest; None without any."""
    if not images:
        return None
    return max(images, key=lambda i: (not i.fallback, i.ratio == "16_9", i.width or 0)).url


def artist_summary(attraction: _Attraction) -> ArtistSummary:
    return ArtistSummary(
        id=attraction.id,
        name=attraction.name,
        discovery_id=attraction.id,
        image_url=best_image_url(attraction.images),
    )


def venue_summary(venue: _Venue) -> VenueSummary:
    state = venue.state
    country = venue.country
    return VenueSummary(
        id=venue.id,
        name=venue.name,
        city=venue.city.name if venue.city else None,
        state=(state.state_code or state.name) if state else None,
        country=(country.country_code or country.name) if country else None,
        timezone=venue.timezone,
    )


class _RetryableAnswer(Exception):
    """A 429 or 5xx: worth another try, after `retry_after` seconds when Discovery says so."""

    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after


def retry_after_seconds(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """`Retry-After` as seconds from now: delta-seconds or an HTTP date (RFC 9110); None if absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def _tries(count: int) -> str:
    return "1 try" if count == 1 else f"{count} tries"


class HttpxDiscoveryCatalog(DiscoveryCatalog):
    """The Discovery API through one shared `httpx.AsyncClient` (its base URL and timeouts set there).

    429, 5xx, timeouts and network errors are retried (exponential backoff with jitter, or the
    `Retry-After` Discovery gives); other answers are final. Failures raise DependencyUnavailable
    (unreachable, timed out, rate limited: 503) or DependencyFailed (refused key, kept failing,
    unexpected body: 502), with a detail an operator can act on. The key never appears in errors.
    """

    def __init__(self, client: httpx.AsyncClient, *, api_key: str, retry: RetryPolicy | None = None) -> None:
        self._client = client
        self._api_key = api_key
        self._retry = retry or RetryPolicy()

    async def search_artists(self, text: str, *, page: int, page_size: int) -> DiscoveryPage[ArtistSummary]:
        found = await self._search(f"{ATTRACTIONS}.json", text, page, page_size, _AttractionSearch)
        attractions = found.embedded.attractions if found and found.embedded else []
        return self._page([artist_summary(a) for a in attractions], found.page if found else None)

    async def search_venues(self, text: str, *, page: int, page_size: int) -> DiscoveryPage[VenueSummary]:
        found = await self._search(f"{VENUES}.json", text, page, page_size, _VenueSearch)
        venues = found.embedded.venues if found and found.embedded else []
        return self._page([venue_summary(v) for v in venues], found.page if found else None)

    async def get_artist(self, artist_id: str) -> ArtistSummary | None:
        return await self._lookup(ATTRACTIONS, artist_id, _Attraction, artist_summary)

    async def get_venue(self, venue_id: str) -> VenueSummary | None:
        return await self._lookup(VENUES, venue_id, _Venue, venue_summary)

    @staticmethod
    def _page(items: list[_S], paging: _Paging | None) -> DiscoveryPage[_S]:
        return DiscoveryPage(items=items, total=paging.total_elements if paging else len(items))

    async def _search(self, path: str, text: str, page: int, page_size: int, shape: type[_T]) -> _T | None:
        """The decoded search answer, or None when Discovery says 404 (nothing matches)."""
        body = await self._get(path, {"keyword": text, "page": page, "size": page_size})
        return None if body is None else self._decode(body, shape)

    async def _lookup(self, collection: str, entity_id: str, shape: type[_T], summary: Callable[[_T], _S]) -> _S | None:
        if not entity_id:
            return None
        body = await self._get(f"{collection}/{quote(entity_id, safe='')}.json", {})
        return None if body is None else summary(self._decode(body, shape))

    @staticmethod
    def _decode(body: bytes, shape: type[_T]) -> _T:
        try:
            return msgspec.json.decode(body, type=shape)
        except msgspec.DecodeError as error:
            raise DependencyFailed(f"Discovery answered with an unexpected body ({error}).") from error

    async def _get(self, path: str, params: Mapping[str, str | int]) -> bytes | None:
        """The body of a 200, None for a 404; retries what is worth retrying, raises the rest."""
        response = await self._get_with_retries(path, {**params, "apikey": self._api_key})
        status = response.status_code
        if status == 200:
            return response.content
        if status == 404:
            return None
        if status in {401, 403}:
            raise DependencyFailed(
                f"Discovery refused the API key in {KEY_SETTING} (HTTP {status}{error_hint(response.content)}); "
                "check that the key is right and active."
            )
        raise DependencyFailed(f"Discovery rejected the request (HTTP {status}{error_hint(response.content)}).")

    async def _get_with_retries(self, path: str, params: Mapping[str, str | int]) -> httpx.Response:
        tries = 0
        try:
            async for attempt in attempts(self._retry, on=self._backoff):
                with attempt:
                    tries += 1
                    response = await self._client.get(path, params=params)
                    if response.status_code == 429 or response.status_code >= 500:
                        raise _RetryableAnswer(
                            response.status_code, retry_after_seconds(response.headers.get("retry-after"))
                        )
                    return response
        except _RetryableAnswer as error:
            raise self._gave_up(error, tries) from None
        except httpx.TimeoutException as error:
            raise DependencyUnavailable(self._timed_out(error, tries)) from error
        except httpx.TransportError as error:
            raise DependencyUnavailable(
                f"Discovery at {self._client.base_url} could not be reached after {_tries(tries)} "
                f"({type(error).__name__}); check CAMPAIGNS_DISCOVERY_URL and the network."
            ) from error
        except httpx.HTTPError as error:
            raise DependencyFailed(f"Discovery answered with an unexpected body ({type(error).__name__}).") from error
        raise DependencyUnavailable("Discovery was not called.")  # unreachable: stamina always makes one try

    def _backoff(self, error: Exception) -> bool | float:
        """Stamina's hook: retry or not, and how long to wait when Discovery said `Retry-After`."""
        if isinstance(error, _RetryableAnswer):
            if error.retry_after is None:
                return True
            return error.retry_after if error.retry_after <= self._retry.longest_retry_after else False
        return isinstance(error, httpx.TransportError)

    def _gave_up(self, error: _RetryableAnswer, tries: int) -> DependencyUnavailable:
        waited = f"; it asks to wait {error.retry_after:g} s" if error.retry_after else ""
        if error.status == 429:
            return DependencyUnavailable(
                f"Discovery is rate limiting this service (HTTP 429: the API key's rate limit or daily quota) "
                f"after {_tries(tries)}{waited}; try again later."
            )
        return DependencyFailed(f"Discovery kept failing (HTTP {error.status}) after {_tries(tries)}{waited}.")

    def _timed_out(self, error: httpx.TimeoutException, tries: int) -> str:
        timeout = self._client.timeout
        if isinstance(error, httpx.ConnectTimeout):
            limit, setting = timeout.connect, "CAMPAIGNS_DISCOVERY_CONNECT_TIMEOUT_SECONDS"
            phase = "connecting"
        else:
            limit, setting = timeout.read, "CAMPAIGNS_DISCOVERY_READ_TIMEOUT_SECONDS"
            phase = "waiting for its answer"
        return f"Discovery timed out {phase} ({limit} s, {setting}) on each of {_tries(tries)}."
