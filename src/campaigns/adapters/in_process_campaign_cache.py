"""A short-lived in-process cache of campaigns by domain (the embedded profile's only cache)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from cachetools import TTLCache

from campaigns.application.ports import CampaignCache
from campaigns.domain.campaign import Campaign


class InProcessCampaignCache(CampaignCache):
    """Entries expire after `ttl_seconds`, bounding how stale another process's write can look here."""

    def __init__(self, *, ttl_seconds: float, max_entries: int = 10_000) -> None:
        self._entries: TTLCache[str, Campaign] = TTLCache(maxsize=max_entries, ttl=ttl_seconds, timer=time.monotonic)

    async def get_by_site(self, site: str) -> Campaign | None:
        return self._entries.get(site)

    async def put(self, campaign: Campaign) -> None:
        if campaign.site:
            self._entries[campaign.site] = campaign

    async def evict(self, sites: Sequence[str]) -> None:
        for site in sites:
            self._entries.pop(site, None)
