"""A short-lived in-process cache of campaigns by domain (the embedded profile's only cache)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from campaigns.application.ports import CampaignCache
from campaigns.domain.campaign import Campaign


class InProcessCampaignCache(CampaignCache):
    """Entries expire after `ttl_seconds`, bounding how stale another process's write can look here.

    A plain dict rather than a cache library: a hit is one lookup and one clock read on the
    service's hottest path.
    """

    def __init__(self, *, ttl_seconds: float, max_entries: int = 10_000) -> None:
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._entries: dict[str, tuple[Campaign, float]] = {}

    async def get_by_site(self, site: str) -> Campaign | None:
        entry = self._entries.get(site)
        if entry is None:
            return None
        if entry[1] <= time.monotonic():
            del self._entries[site]
            return None
        return entry[0]

    async def put(self, campaign: Campaign) -> None:
        if not campaign.site:
            return
        if len(self._entries) >= self._max_entries:
            del self._entries[next(iter(self._entries))]  # the oldest entry: insertion order
        self._entries[campaign.site] = (campaign, time.monotonic() + self._ttl)

    async def evict(self, sites: Sequence[str]) -> None:
        for site in sites:
            self._entries.pop(site, None)
