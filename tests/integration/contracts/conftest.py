"""Every contract test runs against each store: the fake, SQLite, MongoDB on the stand-in, and a real MongoDB.

The stores: the in-memory fake, SQLite on a real file, MongoDB on the nx-27017 stand-in, and the
MongoDB `CAMPAIGNS_TEST_MONGO_URL` names (skipped when it is not set).

Each Mongo test gets a database of its own, with the indexes `db init` creates, dropped after it. A test
that relies on what the stand-in gets wrong (docs/development.md) is marked
`@pytest.mark.standin_gap("why")`: it runs on every other store, and on a real MongoDB.
"""

from __future__ import annotations

import functools
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from campaigns.adapters.mongo.database import MongoDatabase, mongo_client
from campaigns.adapters.mongo.outbox import MongoOutboxStore
from campaigns.adapters.mongo.reader import MongoStoreReader
from campaigns.adapters.mongo.unit_of_work import MongoUnitOfWork
from campaigns.adapters.sqlite.database import sqlite_database
from campaigns.adapters.sqlite.outbox import SqliteOutboxStore
from campaigns.adapters.sqlite.reader import SqliteStoreReader
from campaigns.adapters.sqlite.unit_of_work import SqliteUnitOfWork
from campaigns.application.ports.outbox import OutboxStore
from campaigns.application.ports.store import StoreReader, UnitOfWorkFactory
from tests.fakes.in_memory import (
    InMemoryOutboxStore,
    InMemoryStore,
    InMemoryStoreReader,
    InMemoryUnitOfWork,
    SequentialIdFactory,
)
from tests.integration.processes import TEST_MONGO_URL, fresh_database_name, mongo_stand_in
from tests.integration.redis.servers import RedisServer, redis_server

Store = tuple[UnitOfWorkFactory, OutboxStore, StoreReader]

OUTBOX_IDS_START = 1 << 40
"""Outbox entry ids start far from the ids tests give their documents, so the two never meet."""

MONGO_STORES = ["mongo", "real_mongo"]
"""`mongo` is the stand-in; `real_mongo` the server `CAMPAIGNS_TEST_MONGO_URL` names (skipped when it is not set)."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "standin_gap(reason): the nx-27017 stand-in gets this wrong; run on the other stores only"
    )


@pytest.fixture(scope="session")
def stand_in_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One nx-27017 (`--db memory`) for the session, started on first use and stopped by PID."""
    with mongo_stand_in(tmp_path_factory.mktemp("nx-27017-contracts")) as server:
        yield f"{server.url}/"


@asynccontextmanager
async def fresh_mongo_database(request: pytest.FixtureRequest) -> AsyncIterator[MongoDatabase]:
    """A database of the test's own on the server `request.param` names, indexed, dropped afterwards."""
    if request.param == "real_mongo":
        url = os.environ.get(TEST_MONGO_URL)
        if not url:
            pytest.skip(f"{TEST_MONGO_URL} is not set")
    elif (gap := request.node.get_closest_marker("standin_gap")) is not None:
        pytest.skip(f"nx-27017 gets this wrong ({gap.args[0]}); runs on a real MongoDB")
    else:
        url = request.getfixturevalue("stand_in_url")
    async with asynccontextmanager(mongo_client)(url, timeout_seconds=5) as client:
        db = MongoDatabase(client, fresh_database_name())
        await db.ensure_indexes()
        try:
            yield db
        finally:
            await client.drop_database(db.name)


@pytest.fixture(params=["in_memory", "sqlite", *MONGO_STORES])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    ids = SequentialIdFactory(start=OUTBOX_IDS_START)
    if request.param == "in_memory":
        memory = InMemoryStore()
        yield (
            functools.partial(InMemoryUnitOfWork, memory, ids),
            InMemoryOutboxStore(memory),
            InMemoryStoreReader(memory),
        )
    elif request.param == "sqlite":
        async with asynccontextmanager(sqlite_database)(tmp_path / "store" / "campaigns.db") as db:
            yield functools.partial(SqliteUnitOfWork, db, ids), SqliteOutboxStore(db), SqliteStoreReader(db)
    else:
        async with fresh_mongo_database(request) as mongo:
            yield functools.partial(MongoUnitOfWork, mongo, ids), MongoOutboxStore(mongo), MongoStoreReader(mongo)


@pytest.fixture(scope="session")
def redis_session_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One `redis-server` for the session, for the ports with a Redis adapter (skipped when not installed)."""
    with redis_server(tmp_path_factory.mktemp("redis-contracts")) as server:
        yield server


@pytest.fixture
def redis_url(redis_session_server: RedisServer) -> str:
    """The session's Redis, emptied for this test."""
    with redis_session_server.client() as client:
        client.flushall()
    return redis_session_server.url


@pytest.fixture(params=MONGO_STORES)
async def mongo_db(request: pytest.FixtureRequest) -> AsyncIterator[MongoDatabase]:
    """For the tests only MongoDB has to pass: a fresh indexed database on the stand-in, or on a real server."""
    async with fresh_mongo_database(request) as db:
        yield db


@pytest.fixture
def uow_factory(store: Store) -> UnitOfWorkFactory:
    return store[0]


@pytest.fixture
def outbox_store(store: Store) -> OutboxStore:
    return store[1]


@pytest.fixture
def reader(store: Store) -> StoreReader:
    return store[2]
