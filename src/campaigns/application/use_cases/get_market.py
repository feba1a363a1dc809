"""Read one market of a campaign."""

from __future__ import annotations

from campaigns.application.ports.store import StoreReader
from campaigns.application.use_cases._market_writes import find_market
from campaigns.domain.market import Market
from campaigns.domain.permissions import Operation, Principal


class GetMarket:
    """Read a market of a campaign.

    - Needs `read`, `write` or `admin` on the campaign; an ungranted id answers 403 whether it exists or not.
    - The market must belong to that campaign: one of another campaign is not found here.
    """

    def __init__(self, *, reads: StoreReader) -> None:
        self._reads = reads

    async def execute(self, principal: Principal, campaign_id: str, market_id: str) -> Market:
        principal.ensure(Operation.READ, campaign_id)
        return await find_market(self._reads.campaigns, self._reads.markets, campaign_id, market_id)
