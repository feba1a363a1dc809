"""Delete a market."""

from __future__ import annotations

from campaigns.application.caching import CampaignChange
from campaigns.application.ports.caches import CampaignCache
from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.ports.system import Clock
from campaigns.application.transactions import reruns_aborted_transactions
from campaigns.application.use_cases._event_mapping import market_event_mappings
from campaigns.application.use_cases._market_writes import load_market
from campaigns.domain.events import MarketDeleted
from campaigns.domain.permissions import Operation, Principal


class DeleteMarket:
    """Delete a market of a campaign.

    - Needs `write` on the campaign; the market must belong to it (a market of another campaign is
      not found, and neither is a market already deleted).
    - The deletion, its `market.deleted` event carrying the last document, and the campaign's
      `campaign.event-mapping` (without this market's event ids) are committed together.
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, cache: CampaignCache) -> None:
        self._uow = uow
        self._cache = cache
        self._clock = clock

    @reruns_aborted_transactions
    async def execute(self, principal: Principal, campaign_id: str, market_id: str) -> None:
        principal.ensure(Operation.WRITE, campaign_id)
        async with self._uow() as uow:
            market = await load_market(uow, campaign_id, market_id)
            await uow.markets.delete(market_id)
            now = self._clock.now()
            uow.outbox.append([MarketDeleted(occurred_at=now, market=market)])
            uow.outbox.append(await market_event_mappings(uow, [campaign_id], now))
            await uow.commit()
        await self._cache.evict([CampaignChange.of_markets(campaign_id)])
