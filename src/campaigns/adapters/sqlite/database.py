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
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Self

import aiosqlite
import structlog

from campaigns.adapters.sqlite.schema import SCHEMA, SCHEMA_NAMES, add_missing_columns, build_read_models, schema_names
from campaigns.application.errors import DependencyUnavailable

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
            await add_missing_columns(connection)
            existing = set(await schema_names(connection))
            await connection.executescript(SCHEMA)
            self._created = [name for name in await schema_names(connection) if name not in existing]
            self._created += await build_read_models(connection)
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
        present = set(await schema_names(self.reader))
        return [name for name in SCHEMA_NAMES if name not in present]

    async def ensure_indexes(self) -> list[str]:
        """Create what is missing; the names this process created, opening included, each reported once."""
        async with self._lock:
            existing = set(await schema_names(self.connection))
            await self.connection.executescript(SCHEMA)
            created = [name for name in await schema_names(self.connection) if name not in existing]
            created += await build_read_models(self.connection)
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
