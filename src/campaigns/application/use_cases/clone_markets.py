"""Copy the markets of one campaign into another."""

from __future__ import annotations

from campaigns.application.caching import CampaignChange
from campaigns.application.ports.caches import CampaignCache
from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.ports.system import Clock, IdFactory
from campaigns.application.transactions import reruns_aborted_transactions
from campaigns.application.use_cases._market_writes import add_markets, require_campaign
from campaigns.domain.errors import MarketNameTaken
from campaigns.domain.market import Market
from campaigns.domain.market_writes import clone_market
from campaigns.domain.permissions import Operation, Principal


class CloneMarkets:
    """Copy every market of a source campaign into a target campaign.

    - Needs `write` on the target and `read` on the source, checked before anything is looked up:
      an ungranted id answers 403 whether it exists or not. Both campaigns must exist (404).
    - Each copy gets a new id, the target's `campaign_id` and fresh `date` stamps; everything else
      is kept (same name, events, presale, point) except `notification`, which belongs to the
      source's reminders.
    - All or nothing: if any source name is already a target market's name, nothing is copied
      (409, naming the clashing names), against concurrent writes too.
    - Each copy emits `market.created`, in the same commit as the copies, followed by the target's
      `campaign.event-mapping` (now with the copies' event ids).
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, ids: IdFactory, cache: CampaignCache) -> None:
        self._uow = uow
        self._cache = cache
        self._clock = clock
        self._ids = ids

    @reruns_aborted_transactions
    async def execute(self, principal: Principal, to_campaign_id: str, from_campaign_id: str) -> list[Market]:
        principal.ensure(Operation.WRITE, to_campaign_id)
        principal.ensure(Operation.READ, from_campaign_id)
        now = self._clock.now()
        async with self._uow() as uow:
            await require_campaign(uow.campaigns, to_campaign_id)
            await require_campaign(uow.campaigns, from_campaign_id)
            sources = await uow.markets.list_for_campaign(from_campaign_id)
            taken = {market.name for market in await uow.markets.list_for_campaign(to_campaign_id)}
            if clashes := sorted({market.name for market in sources} & taken):
                names = ", ".join(repr(name) for name in clashes)
                raise MarketNameTaken(f"The target campaign already has markets named {names}; nothing was cloned.")
            copies = [
                clone_market(market, market_id=self._ids.new_id(), campaign_id=to_campaign_id, now=now)
                for market in sources
            ]
            await add_markets(uow, copies, now)
            await uow.commit()
        await self._cache.evict([CampaignChange.of_markets(to_campaign_id)])
        return [copy.document for copy in copies]
