"""Campaigns offering a presale for a Ticketmaster event."""

from __future__ import annotations

from campaigns.application.ports import UnitOfWorkFactory
from campaigns.domain.campaign import Campaign


class FindCampaignsForEvent:
    """Campaigns linked to an event through their markets or their own `eventIds`.

    - Only campaigns past DRAFT/PREVIEW with a presale window qualify.
    """

    def __init__(self, *, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, event_id: str) -> list[Campaign]:
        async with self._uow() as uow:
            campaign_ids = await uow.markets.campaign_ids_for_event(event_id)
            return await uow.campaigns.find_linked_to_event(event_id, campaign_ids)
