"""The relays' side of the outbox over SQLite: pending entries per sink, positions, parked entries, leases.

Units of work write the entries (`unit_of_work.SqliteUnitOfWork.commit`); everything after that is here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import msgspec

from campaigns.adapters.sqlite.database import SqliteDatabase
from campaigns.adapters.sqlite.sql import iso, json_list
from campaigns.application.outbox import OutboxEntry, OutboxStats, ParkedEntry, SinkRoute, purge_bounds
from campaigns.application.ports.outbox import OutboxStore
from campaigns.domain.events import AnyEvent

_EVENT = msgspec.json.Decoder(AnyEvent)


class SqliteOutboxStore(OutboxStore):
    """The relays' side of the outbox; each call is its own short transaction.

    A sink's fresh entries are a rowid range past its position: SQLite has one writer at a time and
    numbers entries as they commit, so nothing can commit behind a position.
    """

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def pending(self, sink: SinkRoute, limit: int) -> list[OutboxEntry]:
        types = json_list(sink.event_types)
        async with self._db.transaction() as connection:
            rows = list(
                await connection.execute_fetchall(
                    "SELECT o.id, o.sequence, o.payload FROM outbox_parked p JOIN outbox o USING (sequence) "
                    "WHERE p.sink = ? AND p.requeued = 1 ORDER BY p.sequence LIMIT ?",
                    (sink.name, limit),
                )
            )
            if len(rows) < limit:
                rows += await connection.execute_fetchall(
                    f"SELECT id, sequence, payload FROM outbox WHERE sequence > ({_POSITION}) "  # noqa: S608
                    "AND type IN (SELECT value FROM json_each(?)) ORDER BY sequence LIMIT ?",
                    (sink.name, types, limit - len(rows)),
                )
        return [_entry(row) for row in rows]

    async def acknowledge(self, sink: str, entries: Sequence[OutboxEntry]) -> None:
        if not entries:
            return
        async with self._db.transaction() as connection:
            await connection.execute(
                "DELETE FROM outbox_parked WHERE sink = ? AND requeued = 1 "
                "AND sequence IN (SELECT value FROM json_each(?))",
                (sink, json_list(entry.sequence for entry in entries)),
            )
            await connection.execute(
                "INSERT INTO outbox_positions (sink, position) VALUES (?, ?) "
                "ON CONFLICT (sink) DO UPDATE SET position = max(position, excluded.position)",
                (sink, max(entry.sequence for entry in entries)),
            )

    async def park(self, sink: str, entry: OutboxEntry, *, error: str, at: dt.datetime) -> None:
        async with self._db.transaction() as connection:
            await connection.execute(
                "INSERT INTO outbox_parked (sink, sequence, error, parked_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (sink, sequence) DO UPDATE SET error = excluded.error, "
                "parked_at = excluded.parked_at, requeued = 0",
                (sink, entry.sequence, error, iso(at)),
            )

    async def stats(self, sink: SinkRoute) -> OutboxStats:
        async with self._db.transaction() as connection:
            rows = await connection.execute_fetchall(
                f"SELECT count(*), min(created_at) FROM outbox WHERE sequence > ({_POSITION}) "  # noqa: S608
                "AND type IN (SELECT value FROM json_each(?))",
                (sink.name, json_list(sink.event_types)),
            )
            parked_rows = await connection.execute_fetchall(
                "SELECT count(*) FILTER (WHERE requeued = 0), count(*) FILTER (WHERE requeued = 1), min(o.created_at) "
                "FILTER (WHERE requeued = 1) FROM outbox_parked p JOIN outbox o USING (sequence) WHERE p.sink = ?",
                (sink.name,),
            )
        fresh, oldest_fresh = next(iter(rows))
        parked, requeued, oldest_requeued = next(iter(parked_rows))
        oldest = min((instant for instant in (oldest_fresh, oldest_requeued) if instant is not None), default=None)
        return OutboxStats(
            backlog=fresh + requeued,
            parked=parked,
            oldest_pending_at=dt.datetime.fromisoformat(oldest) if oldest is not None else None,
        )

    async def parked(self, sink: str | None = None) -> list[ParkedEntry]:
        async with self._db.transaction() as connection:
            rows = await connection.execute_fetchall(
                "SELECT p.sink, o.id, o.type, o.aggregate_id, p.error, p.parked_at, p.requeued "
                "FROM outbox_parked p JOIN outbox o USING (sequence) WHERE ? IS NULL OR p.sink = ? "
                "ORDER BY p.parked_at, p.sink, p.sequence",
                (sink, sink),
            )
        return [
            ParkedEntry(
                sink=name,
                entry_id=entry_id,
                type=kind,
                subject=subject,
                error=error,
                parked_at=dt.datetime.fromisoformat(parked_at),
                requeued=bool(requeued),
            )
            for name, entry_id, kind, subject, error, parked_at, requeued in rows
        ]

    async def requeue_parked(self, sink: str | None = None) -> int:
        async with self._db.transaction() as connection:
            cursor = await connection.execute(
                "UPDATE outbox_parked SET requeued = 1 WHERE requeued = 0 AND (? IS NULL OR sink = ?)", (sink, sink)
            )
            return cursor.rowcount

    async def delivered_since(
        self, sink: SinkRoute, since: dt.datetime, *, after_sequence: int, limit: int
    ) -> list[OutboxEntry]:
        async with self._db.transaction() as connection:
            rows = await connection.execute_fetchall(
                f"SELECT id, sequence, payload FROM outbox WHERE sequence > ? AND sequence <= ({_POSITION}) "  # noqa: S608
                "AND created_at >= ? AND type IN (SELECT value FROM json_each(?)) ORDER BY sequence LIMIT ?",
                (after_sequence, sink.name, iso(since), json_list(sink.event_types), limit),
            )
        return [_entry(row) for row in rows]

    async def purge_delivered(self, *, before: dt.datetime, sinks: Sequence[SinkRoute]) -> int:
        async with self._db.transaction() as connection:
            rows = await connection.execute_fetchall("SELECT sink, position FROM outbox_positions")
            bounds = purge_bounds(sinks, {sink: position for sink, position in rows})
            cursor = await connection.execute(
                "DELETE FROM outbox WHERE created_at < ? "
                "AND sequence <= coalesce((SELECT value FROM json_each(?) WHERE key = outbox.type), sequence) "
                "AND sequence NOT IN (SELECT sequence FROM outbox_parked)",
                (iso(before), msgspec.json.encode(bounds)),
            )
            return cursor.rowcount

    async def hold_lease(self, name: str, holder: str, *, now: dt.datetime, until: dt.datetime) -> bool:
        async with self._db.transaction() as connection:
            await connection.execute(
                "INSERT INTO relay_lease (name, holder, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at "
                "WHERE relay_lease.holder = excluded.holder OR relay_lease.expires_at <= ?",
                (name, holder, until.timestamp(), now.timestamp()),
            )
            rows = await connection.execute_fetchall("SELECT holder FROM relay_lease WHERE name = ?", (name,))
        current_holder: str = next(iter(rows))[0]
        return current_holder == holder

    async def release_lease(self, name: str, holder: str) -> None:
        async with self._db.transaction() as connection:
            await connection.execute("DELETE FROM relay_lease WHERE name = ? AND holder = ?", (name, holder))


_POSITION = "SELECT coalesce((SELECT position FROM outbox_positions WHERE sink = ?), 0)"
"""A sink's position as a subquery (a sink that never acknowledged anything starts before the first entry)."""


def _entry(row: Iterable[Any]) -> OutboxEntry:
    entry_id, sequence, payload = row
    return OutboxEntry(id=entry_id, sequence=sequence, event=_EVENT.decode(payload))
