"""Update a market."""

from __future__ import annotations

from campaigns.application.caching import CampaignChange
from campaigns.application.ports.caches import CampaignCache
from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.ports.system import Clock
from campaigns.application.transactions import reruns_aborted_transactions
from campaigns.application.use_cases._event_mapping import market_event_mappings
from campaigns.application.use_cases._market_writes import ensure_servable_market, load_market
from campaigns.application.use_cases._time_zones import iana_timezones
from campaigns.domain.market import Market
from campaigns.domain.market_writes import MarketInput, update_market
from campaigns.domain.permissions import Operation, Principal


class UpdateMarket:
    """Apply a partial update to a market.

    - Needs `write` on its campaign; the market must belong to that campaign (a market of another
      campaign is not found).
    - Objects merge deeply; arrays and scalars replace; `id`, `campaign_id`, `date` and
      `notification` in the body are ignored (the stored `notification` is kept: only the supreme
      `/markets/notifyDate` and `/markets/notified` change it). The result is held to the rules of
      a create, every failing field listed, and must fit in a request body as answered (413), so
      that it can be written back.
    - A rename to a name the campaign already has is refused (409), against concurrent writes too.
    - A changed `event.presaleDateTime` also emits `market.presale-changed` (refresh selections),
      in the same commit as `market.updated`, then the campaign's `campaign.event-mapping`. An
      update that changes nothing writes nothing.
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, cache: CampaignCache) -> None:
        self._uow = uow
        self._cache = cache
        self._clock = clock

    @reruns_aborted_transactions
    async def execute(self, principal: Principal, campaign_id: str, market_id: str, patch: MarketInput) -> Market:
        principal.ensure(Operation.WRITE, campaign_id)
        async with self._uow() as uow:
            current = await load_market(uow, campaign_id, market_id)
            now = self._clock.now()
            change = update_market(current, patch, now=now, known_timezones=iana_timezones())
            if not change.changed:
                return current
            ensure_servable_market(change.document)
            await uow.markets.update(change.document)
            uow.outbox.append(change.events)
            uow.outbox.append(await market_event_mappings(uow, [campaign_id], now))
            await uow.commit()
        await self._cache.evict([CampaignChange.of_markets(campaign_id)])
        return change.document
