"""The market repository over MongoDB: each market's document, and `notifyAt` for the due reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pymongo import ASCENDING

from campaigns.adapters.mongo.collection import Documents, UniqueKey
from campaigns.adapters.mongo.documents import MARKETS, Doc, as_document, at_or_after, new_key, object_ids
from campaigns.adapters.mongo.transactions import translate_driver_errors
from campaigns.application.ports.store import MarketRepository
from campaigns.domain.errors import MarketNameTaken
from campaigns.domain.market import Market

MARKET_NAME = UniqueKey(MARKETS, "campaign_name_unique", ("campaign_id", "name"), MarketNameTaken)


def _market_document(market: Market) -> Doc:
    notification = market.notification
    # Only markets still to be notified carry `notifyAt`: the due query is one range on its index.
    notify_at = notification.date if notification is not None and notification.notified is None else None
    return as_document(new_key(market.id), market, notifyAt=notify_at)


@translate_driver_errors
class MongoMarketRepository(Documents[Market], MarketRepository):
    _kind = Market
    _derived = frozenset({"notifyAt"})

    async def get(self, market_id: str) -> Market | None:
        return await self._by_id(market_id)

    async def list_for_campaign(self, campaign_id: str) -> list[Market]:
        return await self._find({"campaign_id": campaign_id})

    async def list_for_campaigns(self, campaign_ids: Sequence[str]) -> list[Market]:
        found = await self._find({"campaign_id": {"$in": list(campaign_ids)}})
        return sorted(found, key=lambda market: (market.campaign_id, market.id))

    async def add(self, market: Market) -> None:
        await self._collection.insert(_market_document(market))

    async def update(self, market: Market) -> None:
        await self._collection.replace_if_present(_market_document(market))

    async def delete(self, market_id: str) -> None:
        await self._delete(market_id)

    async def get_many(self, market_ids: Sequence[str]) -> list[Market]:
        return await self._find({"_id": {"$in": object_ids(market_ids)}}, by_key=True)

    async def presales_between(self, start: dt.datetime, end: dt.datetime) -> list[Market]:
        return await self._find(
            {"event.presaleDateTime": {"$gte": at_or_after(start), "$lte": end}},
            sort=[("event.presaleDateTime", ASCENDING), ("_id", ASCENDING)],
        )

    async def notifiable(self, now: dt.datetime) -> list[Market]:
        return await self._find({"notifyAt": {"$lte": now}}, sort=[("notifyAt", ASCENDING), ("_id", ASCENDING)])
