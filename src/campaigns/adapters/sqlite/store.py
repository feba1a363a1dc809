"""The embedded store: one SQLite file in WAL mode, reached through aiosqlite so no query blocks the loop.

One write connection serves the process and one unit of work holds it at a time (an asyncio lock),
each in a `BEGIN IMMEDIATE` transaction: writers serialize, which is what makes compare-and-set and
the unique indexes decide races. `busy_timeout` covers other processes (the CLI) on the same file.
Queries use a second, read-only connection without that lock: WAL lets them read the last commit
while a write is in progress, so a GET never waits for a writer.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiosqlite
import msgspec
import structlog

from campaigns.adapters.sqlite.repositories import (
    MARKET_QUERY_COLUMNS,
    SqliteCampaignRepository,
    SqliteContactRepository,
    SqliteEventMapRepository,
    SqliteEventStatusRepository,
    SqliteMarketRepository,
    SqlitePromoterRepository,
    fill_market_query_columns,
    index_unsearchable_campaigns,
    iso,
    json_list,
    map_unmapped_campaigns,
)
from campaigns.application.errors import DependencyUnavailable
from campaigns.application.outbox import OutboxEntry, OutboxStats, ParkedEntry, SinkRoute, purge_bounds
from campaigns.application.ports.outbox import OutboxStore
from campaigns.application.ports.store import Outbox, StoreReader, UnitOfWork
from campaigns.application.ports.system import IdFactory
from campaigns.domain.events import AnyEvent

SCHEMA = """
CREATE TABLE IF NOT EXISTS campaigns (
    id TEXT PRIMARY KEY,
    domain_site TEXT UNIQUE,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    next_transition_at TEXT,
    type TEXT NOT NULL,
    schema_version TEXT NOT NULL,
    artist_id TEXT,
    name TEXT,
    search_text TEXT NOT NULL,
    created_at TEXT,
    updated_at TEXT,
    open_at TEXT,
    close_at TEXT,
    presale_start TEXT,
    presale_end TEXT,
    category_id TEXT,
    document BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS campaigns_due ON campaigns (next_transition_at, id) WHERE next_transition_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS campaigns_presale ON campaigns (presale_start, presale_end);
CREATE INDEX IF NOT EXISTS campaigns_category ON campaigns (category_id);
CREATE INDEX IF NOT EXISTS campaigns_artist ON campaigns (artist_id);
CREATE INDEX IF NOT EXISTS campaigns_created ON campaigns (created_at);
CREATE INDEX IF NOT EXISTS campaigns_page_created ON campaigns (created_at, id);
CREATE INDEX IF NOT EXISTS campaigns_page_updated ON campaigns (updated_at, id);
CREATE INDEX IF NOT EXISTS campaigns_page_name ON campaigns (name, id);
CREATE INDEX IF NOT EXISTS campaigns_page_status ON campaigns (status, id);
CREATE INDEX IF NOT EXISTS campaigns_page_open ON campaigns (open_at, id);
CREATE INDEX IF NOT EXISTS campaigns_page_close ON campaigns (close_at, id);
CREATE VIRTUAL TABLE IF NOT EXISTS campaigns_search USING fts5 (search_text, tokenize = 'trigram');
CREATE TRIGGER IF NOT EXISTS campaigns_search_insert AFTER INSERT ON campaigns BEGIN
    INSERT INTO campaigns_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER IF NOT EXISTS campaigns_search_update AFTER UPDATE OF search_text ON campaigns BEGIN
    UPDATE campaigns_search SET search_text = new.search_text WHERE rowid = old.rowid;
END;
CREATE TRIGGER IF NOT EXISTS campaigns_search_delete AFTER DELETE ON campaigns BEGIN
    DELETE FROM campaigns_search WHERE rowid = old.rowid;
END;
CREATE TABLE IF NOT EXISTS campaign_total (id INTEGER PRIMARY KEY CHECK (id = 1), total INTEGER NOT NULL);
CREATE TRIGGER IF NOT EXISTS campaign_total_insert AFTER INSERT ON campaigns BEGIN
    UPDATE campaign_total SET total = total + 1 WHERE id = 1;
END;
CREATE TRIGGER IF NOT EXISTS campaign_total_delete AFTER DELETE ON campaigns BEGIN
    UPDATE campaign_total SET total = total - 1 WHERE id = 1;
END;

CREATE TABLE IF NOT EXISTS event_map (
    id INTEGER PRIMARY KEY,
    campaign_id TEXT NOT NULL UNIQUE,
    listed INTEGER NOT NULL,
    presale_start TEXT,
    presale_end TEXT
);
CREATE VIRTUAL TABLE IF NOT EXISTS event_map_windows USING rtree_i32 (id, start_minute, end_minute);
CREATE TABLE IF NOT EXISTS event_map_events (
    event_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    PRIMARY KEY (event_id, campaign_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_map_events_campaign ON event_map_events (campaign_id);
CREATE TABLE IF NOT EXISTS event_map_categories (
    category_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    PRIMARY KEY (category_id, campaign_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_map_categories_campaign ON event_map_categories (campaign_id);

CREATE TABLE IF NOT EXISTS markets (
    id TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL,
    name TEXT NOT NULL,
    presale_at TEXT,
    notification_date TEXT,
    notified_at TEXT,
    document BLOB NOT NULL,
    UNIQUE (campaign_id, name)
);
CREATE INDEX IF NOT EXISTS markets_presale ON markets (presale_at, id) WHERE presale_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS markets_notifiable ON markets (notification_date, id)
    WHERE notification_date IS NOT NULL AND notified_at IS NULL;

CREATE TABLE IF NOT EXISTS promoters (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    document BLOB NOT NULL
);

CREATE TABLE IF NOT EXISTS contacts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    search_text TEXT NOT NULL,
    document BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS contacts_name ON contacts (name, id);

CREATE TABLE IF NOT EXISTS contact_emails (
    email TEXT NOT NULL,
    contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    PRIMARY KEY (email, contact_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS contact_emails_contact ON contact_emails (contact_id);

CREATE TABLE IF NOT EXISTS event_statuses (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    end_at TEXT,
    document BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS event_statuses_status_end ON event_statuses (status, end_at);
CREATE INDEX IF NOT EXISTS event_statuses_end ON event_statuses (end_at) WHERE end_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS outbox (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    aggregate_id TEXT NOT NULL,
    type TEXT NOT NULL,
    payload BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_created ON outbox (created_at);

CREATE TABLE IF NOT EXISTS outbox_positions (
    sink TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS outbox_parked (
    sink TEXT NOT NULL,
    sequence INTEGER NOT NULL REFERENCES outbox (sequence),
    error TEXT NOT NULL,
    parked_at TEXT NOT NULL,
    requeued INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (sink, sequence)
);

CREATE TABLE IF NOT EXISTS relay_lease (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at REAL NOT NULL
);
"""
"""Idempotent: `open()` runs it on every start. `campaigns.domain_site` is unique over non-null values
(SQLite allows many NULLs), which is the domain-exclusivity backstop. `CREATE TABLE IF NOT EXISTS`
leaves a table of an older file as it was: `_add_missing_columns` runs first and brings it level.

The list's pages walk an index per sort order (`campaigns_page_*`, the id breaking ties); its search
reads the trigram index `campaigns_search` (`search_text` by the campaign's rowid), and its
unfiltered total the one-row `campaign_total`, both kept by triggers in the writing transaction and
built for older files by `_build_read_models`."""


async def _add_missing_columns(connection: aiosqlite.Connection) -> None:
    """Give a `markets` table written before the notification queries their columns, filled from the documents.

    Guarded by `PRAGMA table_info` rather than a version number, so it is a no-op on a new or current
    file, and done in one `BEGIN IMMEDIATE` transaction, so two processes opening an old file at
    once upgrade it once (the second sees the columns when it gets the lock).
    """
    await connection.execute("BEGIN IMMEDIATE")
    try:
        existing = {row[1] for row in await connection.execute_fetchall("PRAGMA table_info(markets)")}
        missing = [column for column in MARKET_QUERY_COLUMNS if column not in existing]
        if existing and missing:
            for column in missing:  # constant names from MARKET_QUERY_COLUMNS, never input
                await connection.execute(f"ALTER TABLE markets ADD COLUMN {column} TEXT")
            await fill_market_query_columns(connection)
        await connection.execute("COMMIT")
    except BaseException:
        await connection.execute("ROLLBACK")
        raise


SCHEMA_NAMES = tuple(re.findall(r"CREATE (?:VIRTUAL TABLE|TABLE|INDEX) IF NOT EXISTS (\w+)", SCHEMA))
"""The tables and indexes `SCHEMA` creates, in order."""


async def _schema_names(connection: aiosqlite.Connection) -> list[str]:
    """The schema's tables and indexes the file has, in creation order (not SQLite's nor the R-tree's own)."""
    rows = await connection.execute_fetchall(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'index') "
        "AND name IN (SELECT value FROM json_each(?)) ORDER BY rowid",
        (json_list(SCHEMA_NAMES),),
    )
    return [str(row[0]) for row in rows]


async def _build_read_models(connection: aiosqlite.Connection) -> list[str]:
    """Build the read models of campaigns written before them (or by an older process), in one transaction.

    The event mapping of every campaign without one; the search index and the total, when the total's
    row is missing (its triggers did nothing before it existed; both are filled in the transaction that
    adds it, so the row says both are whole). A no-op, reporting nothing, once built: `db init` stays
    idempotent.
    """
    await connection.execute("BEGIN IMMEDIATE")
    try:
        built = []
        if mapped := await map_unmapped_campaigns(connection):
            built.append(f"event_map ({mapped} campaigns)")
        if indexed := await index_unsearchable_campaigns(connection):
            built.append(f"campaigns_search ({indexed} campaigns)")
        await connection.execute("COMMIT")
    except BaseException:
        await connection.execute("ROLLBACK")
        raise
    return built


_EVENT = msgspec.json.Decoder(AnyEvent)
log = structlog.get_logger("campaigns.store")


CHECKPOINT_DELAY_SECONDS = 1.0
"""How long after a commit the WAL is checkpointed (at most one checkpoint per this period)."""


class SqliteDatabase:
    """The one connection to the store file, and the lock that hands it to one transaction at a time.

    Checkpoints (copying the WAL into the file, and its fsync) run on a connection of their own,
    shortly after a commit, rather than inside the commit that happens to fill the WAL: a write
    never waits for one, and the cost of a commit stays proportional to the pages it wrote.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._checkpointer: aiosqlite.Connection | None = None
        self._checkpoint: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._created: list[str] = []

    @property
    def connection(self) -> aiosqlite.Connection:
        if self._connection is None:
            raise RuntimeError("The SQLite store is not open; call open() first.")
        return self._connection

    @property
    def reader(self) -> aiosqlite.Connection:
        """The read-only connection: autocommit, so each statement reads the latest commit."""
        if self._reader is None:
            raise RuntimeError("The SQLite store is not open; call open() first.")
        return self._reader

    async def open(self) -> Self:
        await asyncio.to_thread(self.path.parent.mkdir, parents=True, exist_ok=True)
        # Autocommit mode: transactions are exactly the BEGIN/COMMIT issued here, never implicit ones.
        connection = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            for pragma in (
                "journal_mode = WAL",
                "synchronous = NORMAL",
                "busy_timeout = 5000",
                "foreign_keys = ON",
                "wal_autocheckpoint = 0",  # `_checkpoint_soon` does it, off the write path
            ):
                await connection.execute(f"PRAGMA {pragma}")
            await _add_missing_columns(connection)
            existing = set(await _schema_names(connection))
            await connection.executescript(SCHEMA)
            self._created = [name for name in await _schema_names(connection) if name not in existing]
            self._created += await _build_read_models(connection)
            reader = await aiosqlite.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        except BaseException:
            await connection.close()
            raise
        try:
            await reader.execute("PRAGMA busy_timeout = 5000")
            checkpointer = await aiosqlite.connect(self.path, isolation_level=None)
        except BaseException:
            await reader.close()
            await connection.close()
            raise
        self._connection, self._reader, self._checkpointer = connection, reader, checkpointer
        return self

    async def ping(self) -> None:
        try:
            await self.reader.execute("SELECT 1")
        except sqlite3.Error as error:
            raise DependencyUnavailable("The SQLite store does not answer.") from error

    async def supports_transactions(self) -> bool:
        return True

    async def check_indexes(self) -> list[str]:
        """The schema's tables and indexes missing from the file (none once it opened: `open()` creates them)."""
        present = set(await _schema_names(self.reader))
        return [name for name in SCHEMA_NAMES if name not in present]

    async def ensure_indexes(self) -> list[str]:
        """Create what is missing; the names this process created, opening included, each reported once."""
        async with self._lock:
            existing = set(await _schema_names(self.connection))
            await self.connection.executescript(SCHEMA)
            created = [name for name in await _schema_names(self.connection) if name not in existing]
            created += await _build_read_models(self.connection)
        created, self._created = [*self._created, *created], []
        return created

    async def close(self) -> None:
        if self._checkpoint is not None:
            task, self._checkpoint = self._checkpoint, None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._checkpointer is not None:
            checkpointer, self._checkpointer = self._checkpointer, None
            await checkpointer.close()
        if self._reader is not None:
            reader, self._reader = self._reader, None
            await reader.close()
        if self._connection is not None:
            connection, self._connection = self._connection, None
            await connection.close()

    async def begin(self) -> None:
        """Wait for the connection, then take the file's write lock up front (no failed upgrade later)."""
        await self._lock.acquire()
        try:
            await self.connection.execute("BEGIN IMMEDIATE")
        except BaseException as exc:
            await self.finish()
            if isinstance(exc, sqlite3.OperationalError):  # locked past busy_timeout, or the file is unusable
                raise DependencyUnavailable("The SQLite store cannot start a transaction.") from exc
            raise

    async def commit(self) -> None:
        """Commit, and open a fresh transaction so the holder can go on until `finish()`."""
        await self.connection.execute("COMMIT")
        await self.connection.execute("BEGIN")
        if self._checkpoint is None or self._checkpoint.done():
            self._checkpoint = asyncio.create_task(self._checkpoint_soon())

    async def _checkpoint_soon(self) -> None:
        """A passive checkpoint shortly after a commit: it waits for no one, and no one waits for it.

        The last connection to close checkpoints whatever is left (SQLite does that itself).
        """
        await asyncio.sleep(CHECKPOINT_DELAY_SECONDS)
        if self._checkpointer is None:
            return
        try:
            await self._checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            log.warning("sqlite_checkpoint_failed", path=str(self.path), exc_info=True)

    async def finish(self) -> None:
        """Roll back whatever is uncommitted and hand the connection to the next transaction.

        The rollback is queued behind any statement still running (even one whose caller was
        cancelled), so the next holder always starts on a clean connection.
        """
        try:
            await self.connection.execute("ROLLBACK")
        except sqlite3.OperationalError:
            if self.connection.in_transaction:
                raise
        finally:
            self._lock.release()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A short transaction, committed when the block succeeds."""
        await self.begin()
        try:
            yield self.connection
            await self.commit()
        finally:
            await self.finish()


async def sqlite_database(path: Path) -> AsyncIterator[SqliteDatabase]:
    """The store, open for the life of the generator: fits `providers.Resource` and `asynccontextmanager`."""
    database = await SqliteDatabase(path).open()
    try:
        yield database
    finally:
        await database.close()


class SqliteStoreReader(StoreReader):
    """Queries on the read-only connection; a write through it fails (the file is opened `mode=ro`)."""

    def __init__(self, db: SqliteDatabase) -> None:
        connection = db.reader
        self.campaigns = SqliteCampaignRepository(connection)
        self.markets = SqliteMarketRepository(connection)
        self.promoters = SqlitePromoterRepository(connection)
        self.contacts = SqliteContactRepository(connection)
        self.event_statuses = SqliteEventStatusRepository(connection)
        self.event_maps = SqliteEventMapRepository(connection)


class SqliteOutbox(Outbox):
    def __init__(self) -> None:
        self.staged: list[AnyEvent] = []

    def append(self, events: Sequence[AnyEvent]) -> None:
        self.staged.extend(events)


class SqliteUnitOfWork(UnitOfWork):
    """One `BEGIN IMMEDIATE` transaction; `commit()` writes the staged outbox events in it, then commits."""

    def __init__(self, db: SqliteDatabase, ids: IdFactory) -> None:
        self._db = db
        self._ids = ids
        connection = db.connection
        self.campaigns = SqliteCampaignRepository(connection)
        self.markets = SqliteMarketRepository(connection)
        self.promoters = SqlitePromoterRepository(connection)
        self.contacts = SqliteContactRepository(connection)
        self.event_statuses = SqliteEventStatusRepository(connection)
        self.event_maps = SqliteEventMapRepository(connection)
        self.outbox = SqliteOutbox()

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
