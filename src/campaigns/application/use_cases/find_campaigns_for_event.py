"""Campaigns offering a presale for a Ticketmaster event."""

from __future__ import annotations

import msgspec

from campaigns.application.ports import StoreReader
from campaigns.application.read_models import CampaignView, localized_view
from campaigns.domain.permissions import Principal, password_hash_to_match


class FindCampaignsForEvent:
    """Campaigns linked to an event through their markets or their own `eventIds`.

    - Only campaigns past DRAFT/PREVIEW with a presale window qualify.
    - Two reads whatever the data size: the ids from the event-mapping read model, then their documents at once.
    - Each is shown in its default locale.
    - A password-protected campaign is listed without its `content` to callers without read access
      (the password rule of the lookup by domain: no password, no text).
    """

    def __init__(self, *, reads: StoreReader) -> None:
        self._reads = reads

    async def execute(self, principal: Principal, event_id: str) -> list[CampaignView]:
        campaign_ids = await self._reads.event_maps.campaign_ids_for_event(event_id)
        campaigns = await self._reads.campaigns.get_many(campaign_ids) if campaign_ids else []
        views = []
        for campaign in campaigns:
            view = localized_view(campaign, None)
            if password_hash_to_match(principal, campaign) is not None:
                view = msgspec.structs.replace(view, content=msgspec.UNSET)
            views.append(view)
        return views
