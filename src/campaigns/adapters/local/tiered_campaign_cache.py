"""Campaign caches in tiers: the lookup by domain asks the nearest first (in-process, then Redis)."""

from __future__ import annotations

from collections.abc import Sequence

from campaigns.application.caching import CampaignChange
from campaigns.application.ports.caches import CampaignCache
from campaigns.domain.campaign import Campaign


class TieredCampaignCache(CampaignCache):
    """`get_by_site` asks each tier in turn; a hit in a farther tier is kept in every nearer one.

    `put` and `evict` reach every tier (a tier written by someone else, as Redis is by its outbox
    sink, ignores them). A miss in every tier is the caller's to load, from the store.
    """

    def __init__(self, *tiers: CampaignCache) -> None:
        self._tiers = tiers

    async def get_by_site(self, site: str) -> Campaign | None:
        for depth, tier in enumerate(self._tiers):
            if (campaign := await tier.get_by_site(site)) is not None:
                for nearer in self._tiers[:depth]:
                    await nearer.put(campaign)
                return campaign
        return None

    async def put(self, campaign: Campaign) -> None:
        for tier in self._tiers:
            await tier.put(campaign)

    async def evict(self, changes: Sequence[CampaignChange]) -> None:
        for tier in self._tiers:
            await tier.evict(changes)
