"""Every contract test runs against each store: the in-memory fake and SQLite on a real file."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from campaigns.adapters.in_memory import (
    InMemoryOutboxStore,
    InMemoryStore,
    InMemoryStoreReader,
    InMemoryUnitOfWork,
    SequentialIdFactory,
)
from campaigns.adapters.sqlite_store import SqliteOutboxStore, SqliteStoreReader, SqliteUnitOfWork, sqlite_database
from campaigns.application.ports import OutboxStore, StoreReader, UnitOfWorkFactory

Store = tuple[UnitOfWorkFactory, OutboxStore, StoreReader]

OUTBOX_IDS_START = 1 << 40
"""Outbox entry ids start far from the ids tests give their documents, so the two never meet."""


@pytest.fixture(params=["in_memory", "sqlite"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    ids = SequentialIdFactory(start=OUTBOX_IDS_START)
    if request.param == "in_memory":
        memory = InMemoryStore()
        yield (
            functools.partial(InMemoryUnitOfWork, memory, ids),
            InMemoryOutboxStore(memory),
            InMemoryStoreReader(memory),
        )
        return
    async with asynccontextmanager(sqlite_database)(tmp_path / "store" / "campaigns.db") as db:
        yield functools.partial(SqliteUnitOfWork, db, ids), SqliteOutboxStore(db), SqliteStoreReader(db)


@pytest.fixture
def uow_factory(store: Store) -> UnitOfWorkFactory:
    return store[0]


@pytest.fixture
def outbox_store(store: Store) -> OutboxStore:
    return store[1]


@pytest.fixture
def reader(store: Store) -> StoreReader:
    return store[2]
