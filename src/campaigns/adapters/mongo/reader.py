"""The store's queries: every repository without a session, lists on the configured read preference."""

from __future__ import annotations

from campaigns.adapters.mongo.collection import SessionSlot
from campaigns.adapters.mongo.database import MongoDatabase
from campaigns.adapters.mongo.repositories import mongo_repositories
from campaigns.application.ports.store import (
    CampaignReader,
    ContactReader,
    EventMapReader,
    EventStatusReader,
    MarketReader,
    PromoterReader,
    StoreReader,
)


class MongoStoreReader(StoreReader):
    """Queries without a session or transaction; a write through it raises PermissionError."""

    def __init__(self, db: MongoDatabase) -> None:
        repositories = mongo_repositories(db.database, SessionSlot(), lists=db.list_read_preference, read_only=True)
        self.campaigns: CampaignReader = repositories.campaigns
        self.markets: MarketReader = repositories.markets
        self.promoters: PromoterReader = repositories.promoters
        self.contacts: ContactReader = repositories.contacts
        self.event_statuses: EventStatusReader = repositories.event_statuses
        self.event_maps: EventMapReader = repositories.event_maps
