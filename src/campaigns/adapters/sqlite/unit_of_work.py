"""The store's unit of work: one `BEGIN IMMEDIATE` transaction on the write connection, with its outbox entries."""

from __future__ import annotations

from types import TracebackType
from typing import Self

import msgspec

from campaigns.adapters.sqlite.database import SqliteDatabase
from campaigns.adapters.sqlite.repositories import sqlite_repositories
from campaigns.adapters.sqlite.sql import iso
from campaigns.application.outbox import StagedOutbox
from campaigns.application.ports.store import UnitOfWork
from campaigns.application.ports.system import IdFactory


class SqliteUnitOfWork(UnitOfWork):
    """One `BEGIN IMMEDIATE` transaction; `commit()` writes the staged outbox events in it, then commits."""

    def __init__(self, db: SqliteDatabase, ids: IdFactory) -> None:
        self._db = db
        self._ids = ids
        self.campaigns, self.markets, self.promoters, self.contacts, self.event_statuses, self.event_maps = (
            sqlite_repositories(db.connection)
        )
        self.outbox = StagedOutbox()

    async def __aenter__(self) -> Self:
        await self._db.begin()
        self.outbox.staged.clear()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._db.finish()

    async def commit(self) -> None:
        await self._db.connection.executemany(
            "INSERT INTO outbox (id, aggregate_id, type, payload, created_at) VALUES (?, ?, ?, ?, ?)",
            [
                (
                    self._ids.new_id(),
                    event.aggregate_id,
                    type(event).__struct_config__.tag,
                    msgspec.json.encode(event),
                    iso(event.occurred_at),
                )
                for event in self.outbox.staged
            ],
        )
        await self._db.commit()
        self.outbox.staged.clear()
