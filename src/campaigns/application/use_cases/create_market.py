"""Add a market to a campaign."""

from __future__ import annotations

from campaigns.application.caching import CampaignChange
from campaigns.application.ports.caches import CampaignCache
from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.ports.system import Clock, IdFactory
from campaigns.application.transactions import reruns_aborted_transactions
from campaigns.application.use_cases._market_writes import add_markets, require_campaign
from campaigns.application.use_cases._time_zones import iana_timezones
from campaigns.domain.market import Market
from campaigns.domain.market_writes import MarketInput, create_market
from campaigns.domain.permissions import Operation, Principal


class CreateMarket:
    """Create a market in a campaign.

    - Needs `write` on the campaign; an ungranted id answers 403 whether it exists or not.
    - The campaign must exist; it is the one the path names (a `campaign_id` in the body is ignored,
      as are `id` and `date`, which the service sets, and `notification`, which only the supreme
      `/markets/notifyDate` and `/markets/notified` set: a new market has none).
    - Required: `name`, `city`, `state`, `timezone` (an IANA name); `point` is `[longitude, latitude]`
      within range, `event.ids` has at least one id, `event.category_ids` are unique,
      `promoterIds` are 24-hex ids, instants are ISO-8601. Every failing field is listed.
    - The market as answered must fit in a request body (413).
    - Names are unique within a campaign, against concurrent creates too (the store settles them).
    - The market, its `market.created` event and the campaign's `campaign.event-mapping` (the
      campaign's and its markets' event ids) are committed together; the campaign's prepared reads
      are then dropped (`cache`).
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, ids: IdFactory, cache: CampaignCache) -> None:
        self._uow = uow
        self._cache = cache
        self._clock = clock
        self._ids = ids

    @reruns_aborted_transactions
    async def execute(self, principal: Principal, campaign_id: str, command: MarketInput) -> Market:
        principal.ensure(Operation.WRITE, campaign_id)
        now = self._clock.now()
        market_id = self._ids.new_id()
        async with self._uow() as uow:
            await require_campaign(uow.campaigns, campaign_id)
            created = create_market(
                command, market_id=market_id, campaign_id=campaign_id, now=now, known_timezones=iana_timezones()
            )
            await add_markets(uow, [created], now)
            await uow.commit()
        await self._cache.evict([CampaignChange.of_markets(campaign_id)])
        return created.document
