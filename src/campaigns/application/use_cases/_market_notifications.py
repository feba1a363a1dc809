"""What the notification use cases share: loading named markets all or nothing, and saving their changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from campaigns.application.caching import CampaignChange
from campaigns.application.errors import MarketNotFound
from campaigns.application.ports.caches import CampaignCache
from campaigns.application.ports.store import MarketReader, UnitOfWork
from campaigns.application.use_cases._event_mapping import market_event_mappings
from campaigns.domain.market import Market
from campaigns.domain.writes import Change


async def load_markets(markets: MarketReader, market_ids: Sequence[str]) -> list[Market]:
    """The markets named, once each in the order first named; MarketNotFound names every unknown id."""
    wanted = list(dict.fromkeys(market_ids))
    found = {market.id: market for market in await markets.get_many(wanted)}
    if unknown := [market_id for market_id in wanted if market_id not in found]:
        raise MarketNotFound(f"No market has the id {', '.join(unknown)}.")
    return [found[market_id] for market_id in wanted]


async def save_changes(
    uow: UnitOfWork, cache: CampaignCache, changes: Sequence[Change[Market]], now: dt.datetime
) -> list[Market]:
    """Store the changed markets and their events, commit once, then drop their campaigns' prepared reads from `cache`.

    Each campaign with a changed market emits one `campaign.event-mapping` after them (its ids do
    not move, but every market change carries one); an unchanged market is neither written nor
    announced. The answer is every market, as stored afterwards, in the order given.
    """
    touched: list[str] = []
    for change in changes:
        if change.changed:
            await uow.markets.update(change.document)
            uow.outbox.append(change.events)
            touched.append(change.document.campaign_id)
    uow.outbox.append(await market_event_mappings(uow, touched, now))
    await uow.commit()
    await cache.evict([CampaignChange.of_markets(campaign_id) for campaign_id in dict.fromkeys(touched)])
    return [change.document for change in changes]
