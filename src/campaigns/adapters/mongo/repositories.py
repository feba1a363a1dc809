"""Every repository of the store on one database and session slot: what the reader and the unit of work are made of."""

from __future__ import annotations

from typing import NamedTuple

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.read_preferences import _ServerMode

from campaigns.adapters.mongo.campaigns import CAMPAIGN_SITE, MongoCampaignRepository
from campaigns.adapters.mongo.collection import MongoCollection, SessionSlot, UniqueKey
from campaigns.adapters.mongo.contacts import MongoContactRepository
from campaigns.adapters.mongo.documents import (
    CAMPAIGNS,
    CONTACTS,
    EVENT_MAP,
    EVENT_STATUSES,
    MARKETS,
    PROMOTERS,
    REWRITE_BATCH,
    Doc,
)
from campaigns.adapters.mongo.event_maps import MongoEventMapRepository
from campaigns.adapters.mongo.event_statuses import MongoEventStatusRepository
from campaigns.adapters.mongo.markets import MARKET_NAME, MongoMarketRepository
from campaigns.adapters.mongo.promoters import PROMOTER_NAME, MongoPromoterRepository
from campaigns.domain.event_mapping import event_mappings


class MongoRepositories(NamedTuple):
    campaigns: MongoCampaignRepository
    markets: MongoMarketRepository
    promoters: MongoPromoterRepository
    contacts: MongoContactRepository
    event_statuses: MongoEventStatusRepository
    event_maps: MongoEventMapRepository


async def map_unmapped_campaigns(repositories: MongoRepositories) -> int:
    """Give every campaign the event-mapping read model lacks its mapping, in batches; how many (for `db init`)."""
    mapped = await repositories.event_maps.campaign_ids()
    missing = [campaign_id for campaign_id in await repositories.campaigns.ids() if campaign_id not in mapped]
    for start in range(0, len(missing), REWRITE_BATCH):
        batch = missing[start : start + REWRITE_BATCH]
        campaigns = await repositories.campaigns.get_many(batch)
        await repositories.event_maps.put(
            event_mappings(campaigns, await repositories.markets.list_for_campaigns(batch))
        )
    return len(missing)


def mongo_repositories(
    database: AsyncDatabase[Doc], slot: SessionSlot, *, lists: _ServerMode, read_only: bool
) -> MongoRepositories:
    """Every repository on `database`, in `slot`'s session, lists read with `lists`."""

    def collection(name: str, unique: UniqueKey | None = None) -> MongoCollection:
        return MongoCollection(database, name, slot, lists=lists, unique=unique, read_only=read_only)

    return MongoRepositories(
        campaigns=MongoCampaignRepository(collection(CAMPAIGNS, CAMPAIGN_SITE)),
        markets=MongoMarketRepository(collection(MARKETS, MARKET_NAME)),
        promoters=MongoPromoterRepository(collection(PROMOTERS, PROMOTER_NAME)),
        contacts=MongoContactRepository(collection(CONTACTS)),
        event_statuses=MongoEventStatusRepository(collection(EVENT_STATUSES)),
        event_maps=MongoEventMapRepository(collection(EVENT_MAP)),
    )
