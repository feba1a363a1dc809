"""Campaign ids by category id."""

from __future__ import annotations

from collections.abc import Sequence

from campaigns.application.ports.store import StoreReader


class FindCampaignIdsByCategory:
    """Ids of campaigns whose `categoryId` is one of the given ones."""

    def __init__(self, *, reads: StoreReader) -> None:
        self._reads = reads

    async def execute(self, category_ids: Sequence[str]) -> list[str]:
        if not category_ids:
            return []
        return await self._reads.event_maps.campaign_ids_with_categories(category_ids)
