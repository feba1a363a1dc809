"""The store's queries: every repository on the read-only connection, which never waits for a writer."""

from __future__ import annotations

from campaigns.adapters.sqlite.database import SqliteDatabase
from campaigns.adapters.sqlite.repositories import sqlite_repositories
from campaigns.application.ports.store import StoreReader


class SqliteStoreReader(StoreReader):
    """Queries on the read-only connection; a write through it fails (the file is opened `mode=ro`)."""

    def __init__(self, db: SqliteDatabase) -> None:
        self.campaigns, self.markets, self.promoters, self.contacts, self.event_statuses, self.event_maps = (
            sqlite_repositories(db.reader)
        )
