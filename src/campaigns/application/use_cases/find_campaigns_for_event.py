"""Campaigns offering a presale for a Ticketmaster event."""

from __future__ import annotations

from campaigns.application.ports import StoreReader
from campaigns.domain.campaign import Campaign


class FindCampaignsForEvent:
    """Campaigns linked to an event through their markets or their own `eventIds`.

    - Only campaigns past DRAFT/PREVIEW with a presale window qualify.
    """

    def __init__(self, *, reads: StoreReader) -> None:
        self._reads = reads

    async def execute(self, event_id: str) -> list[Campaign]:
        campaign_ids = await self._reads.markets.campaign_ids_for_event(event_id)
        return await self._reads.campaigns.find_linked_to_event(event_id, campaign_ids)
