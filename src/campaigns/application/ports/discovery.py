"""Ports of Ticketmaster's Discovery API and the cache that spares its quota."""

from __future__ import annotations

from typing import Protocol

from campaigns.application.discovery import ArtistSummary, DiscoveryPage, VenueSummary


class DiscoveryCatalog(Protocol):
    """Ticketmaster Discovery search and lookups.

    A search Discovery finds nothing for is an empty page, an unknown id is `None`. Anything else
    that keeps it from answering raises DependencyUnavailable (DependencyFailed when it answered badly).
    """

    async def search_artists(self, text: str, *, page: int, page_size: int) -> DiscoveryPage[ArtistSummary]: ...

    async def search_venues(self, text: str, *, page: int, page_size: int) -> DiscoveryPage[VenueSummary]: ...

    async def get_artist(self, artist_id: str) -> ArtistSummary | None: ...

    async def get_venue(self, venue_id: str) -> VenueSummary | None: ...


class DiscoveryCache(Protocol):
    """Recent Discovery answers by key, sparing its small daily quota; the adapter owns the TTL.

    Values are opaque encoded bytes so an out-of-process cache (Redis) can hold them as they are.
    A cache that cannot answer should act as a miss (log, return None, drop the put): search then
    still works, only less cheaply.
    """

    async def get(self, key: str) -> bytes | None: ...

    async def put(self, key: str, value: bytes, *, ttl_seconds: float | None = None) -> None:
        """Keep `value` for the adapter's TTL, or for `ttl_seconds` when shorter (an answer that ages fast)."""
        ...
