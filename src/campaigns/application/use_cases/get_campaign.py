"""Read one campaign by id."""

from __future__ import annotations

from campaigns.application.errors import CampaignNotFound
from campaigns.application.ports import StoreReader
from campaigns.domain.campaign import Campaign
from campaigns.domain.permissions import Operation, Principal


class GetCampaign:
    """Read a campaign by id.

    - Needs `read`, `write` or `admin` on it; an ungranted id answers 403 whether it exists or not.
    """

    def __init__(self, *, reads: StoreReader) -> None:
        self._reads = reads

    async def execute(self, principal: Principal, campaign_id: str) -> Campaign:
        principal.ensure(Operation.READ, campaign_id)
        campaign = await self._reads.campaigns.get(campaign_id)
        if campaign is None:
            raise CampaignNotFound
        return campaign
