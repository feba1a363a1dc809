"""Every repository of the store on one connection: what the reader and the unit of work are made of."""

from __future__ import annotations

from typing import NamedTuple

import aiosqlite

from campaigns.adapters.sqlite.campaigns import SqliteCampaignRepository
from campaigns.adapters.sqlite.contacts import SqliteContactRepository
from campaigns.adapters.sqlite.event_maps import SqliteEventMapRepository
from campaigns.adapters.sqlite.event_statuses import SqliteEventStatusRepository
from campaigns.adapters.sqlite.markets import SqliteMarketRepository
from campaigns.adapters.sqlite.promoters import SqlitePromoterRepository


class SqliteRepositories(NamedTuple):
    """In the order of the store ports' attributes, so a reader or unit of work takes them in one assignment."""

    campaigns: SqliteCampaignRepository
    markets: SqliteMarketRepository
    promoters: SqlitePromoterRepository
    contacts: SqliteContactRepository
    event_statuses: SqliteEventStatusRepository
    event_maps: SqliteEventMapRepository


def sqlite_repositories(connection: aiosqlite.Connection) -> SqliteRepositories:
    """The repositories bound to `connection`: the reader's read-only one, or the unit of work's writing one."""
    return SqliteRepositories(
        campaigns=SqliteCampaignRepository(connection),
        markets=SqliteMarketRepository(connection),
        promoters=SqlitePromoterRepository(connection),
        contacts=SqliteContactRepository(connection),
        event_statuses=SqliteEventStatusRepository(connection),
        event_maps=SqliteEventMapRepository(connection),
    )
