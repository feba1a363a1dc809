"""Read one Ticketmaster artist (Discovery attraction) by its id."""

from __future__ import annotations

from campaigns.application.discovery import ArtistSummary
from campaigns.application.ports.discovery import DiscoveryCache, DiscoveryCatalog
from campaigns.application.use_cases._discovery_search import CachedDiscoveryLookup


class GetArtist:
    """One Ticketmaster Discovery attraction by its id, to fill or check a campaign's `artist`.

    - Any valid token may read.
    - The artist is `{id, name, discovery_id, image_url}`, as artist search gives it.
    - 404 `NOT_FOUND` when Discovery has no attraction with that id.
    - Answers are cached for `CAMPAIGNS_DISCOVERY_CACHE_TTL_SECONDS`, an unknown id for
      `CAMPAIGNS_DISCOVERY_NOT_FOUND_TTL_SECONDS`.
    - 503 when no Discovery API key is configured or it cannot be reached; 502 when it answers badly.
    """

    def __init__(self, *, catalog: DiscoveryCatalog, cache: DiscoveryCache, not_found_ttl_seconds: float) -> None:
        self._lookup = CachedDiscoveryLookup(
            "artist", ArtistSummary, catalog.get_artist, cache, not_found_ttl_seconds=not_found_ttl_seconds
        )

    async def execute(self, discovery_id: str) -> ArtistSummary:
        return await self._lookup(discovery_id)
