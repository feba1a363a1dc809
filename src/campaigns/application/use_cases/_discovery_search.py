"""What artist and venue search share: Discovery's paging limit and reading through the cache."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Generic, Protocol

import msgspec

from campaigns.application.ports import DiscoveryCache, DiscoveryPage, SummaryT
from campaigns.domain.errors import FieldError, InvalidQuery

DEEPEST_RESULT = 1_000
"""Discovery only pages while page * size < 1000; deeper requests it refuses."""


class CatalogSearch(Protocol[SummaryT]):
    def __call__(self, text: str, *, page: int, page_size: int) -> Awaitable[DiscoveryPage[SummaryT]]: ...


def cache_key(kind: str, text: str, page: int, page_size: int) -> str:
    """`discovery:<kind>:<q>:<page>:<size>`; the last two parts are numbers, so any `q` reads back unambiguously."""
    return f"discovery:{kind}:{text}:{page}:{page_size}"


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
        self._decoder: msgspec.json.Decoder[DiscoveryPage[SummaryT]] = msgspec.json.Decoder(page_type)
        self._search: CatalogSearch[SummaryT] = search
        self._cache = cache

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
        key = cache_key(self._kind, text, page, page_size)
        cached = await self._cache.get(key)
        if cached is not None:
            try:
                return self._decoder.decode(cached)
            except msgspec.DecodeError:
                pass  # written by another release in another shape: ask Discovery again
        found = await self._search(text, page=page, page_size=page_size)
        await self._cache.put(key, msgspec.json.encode(found))
        return found
