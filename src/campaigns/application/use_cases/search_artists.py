"""Search Ticketmaster artists (Discovery attractions)."""

from __future__ import annotations

from campaigns.application.discovery import ArtistSummary, DiscoveryPage
from campaigns.application.ports.discovery import DiscoveryCache, DiscoveryCatalog
from campaigns.application.use_cases._discovery_search import CachedDiscoverySearch


class SearchArtists:
    """Search Ticketmaster Discovery attractions by name, to fill a campaign's `artist`.

    - Any valid token may search.
    - Items are `{id, name, discovery_id, image_url}`; `total` counts every match.
    - Pages count from 0; Discovery serves only its first 1000 results (page * pageSize under 1000).
    - Answers are cached for `CAMPAIGNS_DISCOVERY_CACHE_TTL_SECONDS`.
    - 503 when no Discovery API key is configured or it cannot be reached; 502 when it answers badly.
    """

    def __init__(self, *, catalog: DiscoveryCatalog, cache: DiscoveryCache) -> None:
        self._search = CachedDiscoverySearch("artists", DiscoveryPage[ArtistSummary], catalog.search_artists, cache)

    async def execute(self, text: str, *, page: int, page_size: int) -> DiscoveryPage[ArtistSummary]:
        return await self._search(text, page=page, page_size=page_size)
