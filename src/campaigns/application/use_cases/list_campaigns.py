"""List and search campaigns."""

from __future__ import annotations

import msgspec

from campaigns.application.ports.store import StoreReader
from campaigns.application.queries import CampaignPage, CampaignQuery
from campaigns.domain.permissions import Principal


class ListCampaigns:
    """Search the campaigns the caller may read.

    - Non-supreme callers only ever see campaigns granted to them.
    - Pages count from 0.
    """

    def __init__(self, *, reads: StoreReader) -> None:
        self._reads = reads

    async def execute(self, principal: Principal, query: CampaignQuery) -> CampaignPage:
        scoped = msgspec.structs.replace(query, readable_ids=principal.readable_campaign_ids())
        return await self._reads.campaigns.search(scoped)
