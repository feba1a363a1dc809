"""What artist and venue searches and lookups share: Discovery's paging limit and reading through the cache."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, Protocol, TypeVar

import msgspec

from campaigns.application.discovery import DiscoveryPage, SummaryT
from campaigns.application.errors import NotFound
from campaigns.application.ports.discovery import DiscoveryCache
from campaigns.domain.errors import FieldError, InvalidQuery

DEEPEST_RESULT = 1_000
"""Discovery only pages while page * size < 1000; deeper requests it refuses."""

AnswerT = TypeVar("AnswerT")


class CatalogSearch(Protocol[SummaryT]):
    def __call__(self, text: str, *, page: int, page_size: int) -> Awaitable[DiscoveryPage[SummaryT]]: ...


CatalogLookup = Callable[[str], Awaitable[SummaryT | None]]
"""The catalog's `get_artist` or `get_venue`: None when Discovery has no such id."""


def cache_key(kind: str, text: str, page: int, page_size: int) -> str:
    """`discovery:<kind>:<q>:<page>:<size>`; the last two parts are numbers, so any `q` reads back unambiguously."""
    return f"discovery:{kind}:{text}:{page}:{page_size}"


def lookup_cache_key(kind: str, discovery_id: str) -> str:
    """`discovery:<kind>:<id>`, `kind` singular (`artist`, `venue`): never the plural of a search's key."""
    return f"discovery:{kind}:{discovery_id}"


class _ReadThrough(Generic[AnswerT]):
    """Discovery answers of one type by key: from the cache while it holds them, else asked for and kept.

    `keep_for` gives each fresh answer's TTL (None: the cache's own).
    """

    def __init__(
        self, answer_type: Any, cache: DiscoveryCache, keep_for: Callable[[AnswerT], float | None] = lambda _: None
    ) -> None:
        self._decoder: msgspec.json.Decoder[AnswerT] = msgspec.json.Decoder(answer_type)
        self._cache = cache
        self._keep_for = keep_for

    async def __call__(self, key: str, ask: Callable[[], Awaitable[AnswerT]]) -> AnswerT:
        cached = await self._cache.get(key)
        if cached is not None:
            try:
                return self._decoder.decode(cached)
            except msgspec.DecodeError:
                pass  # written by another release in another shape: ask Discovery again
        found = await ask()
        await self._cache.put(key, msgspec.json.encode(found), ttl_seconds=self._keep_for(found))
        return found


class CachedDiscoverySearch(Generic[SummaryT]):
    """One kind of Discovery search (`artists`, `venues`), answered from the cache when it can be.

    Discovery's daily quota is small and the same names are searched again and again by the
    people setting up one campaign, so a page is asked for once per cache TTL.
    """

    def __init__(
        self,
        kind: str,
        page_type: type[DiscoveryPage[SummaryT]],
        search: CatalogSearch[SummaryT],
        cache: DiscoveryCache,
    ) -> None:
        self._kind = kind
        self._search: CatalogSearch[SummaryT] = search
        self._pages: _ReadThrough[DiscoveryPage[SummaryT]] = _ReadThrough(page_type, cache)

    async def __call__(self, text: str, *, page: int, page_size: int) -> DiscoveryPage[SummaryT]:
        if page * page_size >= DEEPEST_RESULT:
            raise InvalidQuery(
                [
                    FieldError(
                        field="page",
                        message=f"Discovery only pages through its first {DEEPEST_RESULT} results: "
                        f"page * pageSize must be under {DEEPEST_RESULT}; refine `q` instead.",
                        code="INVALID_QUERY",
                    )
                ]
            )
        return await self._pages(
            cache_key(self._kind, text, page, page_size), lambda: self._search(text, page=page, page_size=page_size)
        )


class CachedDiscoveryLookup(Generic[SummaryT]):
    """One kind of Discovery entity (`artist`, `venue`) by id, answered from the cache when it can be.

    An id Discovery does not know is remembered too (as `null`), for `not_found_ttl_seconds` only:
    a retried typo then costs no quota, and an id Discovery creates soon is found soon.
    """

    def __init__(
        self,
        kind: str,
        summary_type: type[SummaryT],
        lookup: CatalogLookup[SummaryT],
        cache: DiscoveryCache,
        *,
        not_found_ttl_seconds: float,
    ) -> None:
        self._kind = kind
        self._lookup: CatalogLookup[SummaryT] = lookup
        self._summaries: _ReadThrough[SummaryT | None] = _ReadThrough(
            summary_type | None, cache, lambda found: None if found is not None else not_found_ttl_seconds
        )

    async def __call__(self, discovery_id: str) -> SummaryT:
        found = await self._summaries(lookup_cache_key(self._kind, discovery_id), lambda: self._lookup(discovery_id))
        if found is None:
            raise NotFound(f"Discovery has no {self._kind} with the id {discovery_id!r}.")
        return found
