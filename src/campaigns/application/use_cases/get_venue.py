"""Read one Ticketmaster venue by its Discovery id."""

from __future__ import annotations

from campaigns.application.discovery import VenueSummary
from campaigns.application.ports.discovery import DiscoveryCache, DiscoveryCatalog
from campaigns.application.use_cases._discovery_search import CachedDiscoveryLookup


class GetVenue:
    """One Ticketmaster Discovery venue by its id, to fill or check a market's `event.venue`.

    - Any valid token may read.
    - The venue is `{id, name, city, state, country, timezone}`, as venue search gives it.
    - 404 `NOT_FOUND` when Discovery has no venue with that id.
    - Caching and failures as for reading an artist.
    """

    def __init__(self, *, catalog: DiscoveryCatalog, cache: DiscoveryCache, not_found_ttl_seconds: float) -> None:
        self._lookup = CachedDiscoveryLookup(
            "venue", VenueSummary, catalog.get_venue, cache, not_found_ttl_seconds=not_found_ttl_seconds
        )

    async def execute(self, discovery_id: str) -> VenueSummary:
        return await self._lookup(discovery_id)
