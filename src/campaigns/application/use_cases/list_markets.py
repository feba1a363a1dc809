"""List the markets of a campaign."""

from __future__ import annotations

from campaigns.application.caching import PreparedRead
from campaigns.application.ports.caches import PreparedReads
from campaigns.application.ports.store import StoreReader
from campaigns.application.use_cases._market_writes import require_campaign
from campaigns.domain.market import Market
from campaigns.domain.permissions import Operation, Principal

MarketList = PreparedRead[list[Market]]


class ListMarkets:
    """List the markets of a campaign.

    - Needs `read`, `write` or `admin` on the campaign; an ungranted id answers 403 whether it exists or not.
    - The campaign must exist (404 otherwise); a campaign without markets has an empty list.
    - Markets come in id order, which is creation order for the ids this service mints.
    """

    # The list read is kept among the prepared reads, with its encodings, until a commit changes the
    # campaign or its markets; `cached` answers from there alone, for the HTTP fast lane.

    def __init__(self, *, reads: StoreReader, prepared: PreparedReads) -> None:
        self._reads = reads
        self._prepared = prepared

    async def execute(self, principal: Principal, campaign_id: str) -> MarketList:
        principal.ensure(Operation.READ, campaign_id)
        if (kept := self._prepared.answer(("markets", campaign_id))) is not None:
            return kept
        stamp = self._prepared.stamp()
        await require_campaign(self._reads.campaigns, campaign_id)
        markets = MarketList(await self._reads.markets.list_for_campaign(campaign_id))
        self._prepared.keep(("markets", campaign_id), markets, campaign_id=campaign_id, stamp=stamp)
        return markets

    def cached(self, principal: Principal, campaign_id: str) -> MarketList | None:
        """What `execute` returns, when the caller may read the campaign and the list is kept; else None (no read)."""
        return self._prepared.answer(("markets", campaign_id)) if principal.may(Operation.READ, campaign_id) else None
