"""List the markets of a campaign."""

from __future__ import annotations

from campaigns.application.ports import StoreReader
from campaigns.application.use_cases._market_writes import require_campaign
from campaigns.domain.market import Market
from campaigns.domain.permissions import Operation, Principal


class ListMarkets:
    """List the markets of a campaign.

    - Needs `read`, `write` or `admin` on the campaign; an ungranted id answers 403 whether it exists or not.
    - The campaign must exist (404 otherwise); a campaign without markets has an empty list.
    - Markets come in id order, which is creation order for the ids this service mints.
    """

    def __init__(self, *, reads: StoreReader) -> None:
        self._reads = reads

    async def execute(self, principal: Principal, campaign_id: str) -> list[Market]:
        principal.ensure(Operation.READ, campaign_id)
        await require_campaign(self._reads.campaigns, campaign_id)
        return await self._reads.markets.list_for_campaign(campaign_id)
