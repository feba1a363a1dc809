"""Delete a market."""

from __future__ import annotations

from campaigns.application.ports import Clock, UnitOfWorkFactory
from campaigns.application.use_cases._market_writes import load_market
from campaigns.domain.events import MarketDeleted
from campaigns.domain.permissions import Operation, Principal


class DeleteMarket:
    """Delete a market of a campaign.

    - Needs `write` on the campaign; the market must belong to it (a market of another campaign is
      not found, and neither is a market already deleted).
    - The deletion and its `market.deleted` event, carrying the last document, are committed together.
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, principal: Principal, campaign_id: str, market_id: str) -> None:
        principal.ensure(Operation.WRITE, campaign_id)
        async with self._uow() as uow:
            market = await load_market(uow, campaign_id, market_id)
            await uow.markets.delete(market_id)
            uow.outbox.append([MarketDeleted(occurred_at=self._clock.now(), market=market)])
            await uow.commit()
