"""Search Ticketmaster venues."""

from __future__ import annotations

from campaigns.application.discovery import DiscoveryPage, VenueSummary
from campaigns.application.ports.discovery import DiscoveryCache, DiscoveryCatalog
from campaigns.application.use_cases._discovery_search import CachedDiscoverySearch


class SearchVenues:
    """Search Ticketmaster Discovery venues by name, to fill a market's `event.venue`.

    - Any valid token may search.
    - Items are `{id, name, city, state, country, timezone}` (state and country as codes where
      Discovery has them); `total` counts every match.
    - Paging, caching and failures as for artist search.
    """

    def __init__(self, *, catalog: DiscoveryCatalog, cache: DiscoveryCache) -> None:
        self._search = CachedDiscoverySearch("venues", DiscoveryPage[VenueSummary], catalog.search_venues, cache)

    async def execute(self, text: str, *, page: int, page_size: int) -> DiscoveryPage[VenueSummary]:
        return await self._search(text, page=page, page_size=page_size)
