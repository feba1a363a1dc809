"""What the notification use cases share: loading named markets all or nothing, and saving their changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import msgspec

from campaigns.application.caching import CampaignChange
from campaigns.application.errors import MarketNotFound
from campaigns.application.ports.caches import CampaignCache
from campaigns.application.ports.store import MarketReader, UnitOfWork
from campaigns.application.use_cases._event_mapping import market_event_mappings
from campaigns.domain.events import MarketUpdated
from campaigns.domain.market import Market, Notification

NO_NOTIFICATION = Notification()


async def load_markets(markets: MarketReader, market_ids: Sequence[str]) -> list[Market]:
    """The markets named, once each in the order first named; MarketNotFound names every unknown id."""
    wanted = list(dict.fromkeys(market_ids))
    found = {market.id: market for market in await markets.get_many(wanted)}
    if unknown := [market_id for market_id in wanted if market_id not in found]:
        raise MarketNotFound(f"No market has the id {', '.join(unknown)}.")
    return [found[market_id] for market_id in wanted]


def with_notification(market: Market, **fields: dt.datetime) -> Market:
    """The market with these `notification` fields set; the others are kept."""
    current = market.notification or NO_NOTIFICATION
    return msgspec.structs.replace(market, notification=msgspec.structs.replace(current, **fields))


async def save_changes(
    uow: UnitOfWork,
    cache: CampaignCache,
    markets: Sequence[Market],
    change: Callable[[Market], Market],
    now: dt.datetime,
) -> list[Market]:
    """Apply `change` to each market and commit once, then drop the prepared reads of their campaigns from `cache`.

    A changed market gets `date.updated = now` and emits `market.updated` with its full document,
    and each campaign with a changed market emits one `campaign.event-mapping` after them (its ids
    do not move, but every market change carries one); an unchanged market is neither written nor
    announced.
    """
    result: list[Market] = []
    touched: list[str] = []
    for market in markets:
        changed = change(market)
        if changed != market:
            changed = msgspec.structs.replace(changed, date=msgspec.structs.replace(changed.date, updated=now))
            await uow.markets.update(changed)
            uow.outbox.append([MarketUpdated(occurred_at=now, market=changed)])
            touched.append(changed.campaign_id)
        result.append(changed)
    uow.outbox.append(await market_event_mappings(uow, touched, now))
    await uow.commit()
    await cache.evict([CampaignChange.of_markets(campaign_id) for campaign_id in dict.fromkeys(touched)])
    return result
