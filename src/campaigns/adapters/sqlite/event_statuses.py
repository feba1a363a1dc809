"""The event status repository over SQLite: each record's document beside the status and end its queries filter on."""

from __future__ import annotations

import datetime as dt

import msgspec

from campaigns.adapters.sqlite.sql import Documents, execute_write, iso_or_null
from campaigns.application.ports.store import EventStatusRepository
from campaigns.domain.event_status import EventStatus


class SqliteEventStatusRepository(Documents[EventStatus], EventStatusRepository):
    _decoder = msgspec.json.Decoder(EventStatus)

    async def find(self, status: str | None, until: dt.datetime | None) -> list[EventStatus]:
        # Only the filters given become conditions, so the planner can use the (status, end_at) index.
        filters = {"status = ?": status, "end_at <= ?": iso_or_null(until)}
        where = " AND ".join(clause for clause, value in filters.items() if value is not None) or "1"
        return await self._documents(
            f"SELECT document FROM event_statuses WHERE {where} ORDER BY id",  # noqa: S608 - fixed clauses only
            [value for value in filters.values() if value is not None],
        )

    async def upsert(self, record: EventStatus) -> None:
        await execute_write(
            self._db,
            "INSERT INTO event_statuses (id, status, end_at, document) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET status = excluded.status, end_at = excluded.end_at, "
            "document = excluded.document",
            (record.id, record.status, iso_or_null(record.date.end), msgspec.json.encode(record)),
        )
