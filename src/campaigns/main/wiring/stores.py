"""The stores, one container per kind; `build_container` puts the configured one behind `Container.store`."""

from __future__ import annotations

import functools
from typing import Protocol

from dependency_injector import containers, providers

from campaigns.adapters.mongo.database import MongoDatabase, mongo_client
from campaigns.adapters.mongo.outbox import MongoOutboxStore
from campaigns.adapters.mongo.reader import MongoStoreReader
from campaigns.adapters.mongo.unit_of_work import MongoUnitOfWork
from campaigns.adapters.sqlite.database import SqliteDatabase, sqlite_database
from campaigns.adapters.sqlite.outbox import SqliteOutboxStore
from campaigns.adapters.sqlite.reader import SqliteStoreReader
from campaigns.adapters.sqlite.unit_of_work import SqliteUnitOfWork
from campaigns.application.ports.outbox import OutboxStore
from campaigns.application.ports.store import StoreReader, UnitOfWorkFactory
from campaigns.application.ports.system import IdFactory
from campaigns.config import Settings, StoreKind


def sqlite_units_of_work(database: SqliteDatabase, ids: IdFactory) -> UnitOfWorkFactory:
    return functools.partial(SqliteUnitOfWork, database, ids)


def mongo_units_of_work(database: MongoDatabase, ids: IdFactory) -> UnitOfWorkFactory:
    return functools.partial(MongoUnitOfWork, database, ids)


class StoreDatabase(Protocol):
    """What start-up and `campaigns db init` need of a store, whichever it is (the `database` resource)."""

    async def ping(self) -> None:
        """Raises DependencyUnavailable when the store does not answer."""

    async def supports_transactions(self) -> bool: ...

    async def check_indexes(self) -> list[str]:
        """The names of the tables and indexes the service needs that are missing."""

    async def ensure_indexes(self) -> list[str]:
        """Create what is missing (idempotent); the names created."""


class Store(containers.DeclarativeContainer):
    """What the rest of the composition uses of a store: the names every container of `STORES` provides."""

    database: providers.Dependency[StoreDatabase] = providers.Dependency()
    """The resource: opened and closed with the container, checked at start-up, initialised by `db init`."""
    unit_of_work: providers.Dependency[UnitOfWorkFactory] = providers.Dependency()
    reads: providers.Dependency[StoreReader] = providers.Dependency()
    outbox: providers.Dependency[OutboxStore] = providers.Dependency()


class SqliteStore(containers.DeclarativeContainer):
    """The embedded profile's store: one SQLite file (`CAMPAIGNS_STORE=sqlite:///…`, the default)."""

    settings = providers.Dependency(instance_of=Settings)
    ids: providers.Dependency[IdFactory] = providers.Dependency()
    database = providers.Resource(sqlite_database, settings.provided.sqlite_path)
    unit_of_work = providers.Singleton(sqlite_units_of_work, database, ids)
    reads = providers.Singleton(SqliteStoreReader, database)
    outbox = providers.Singleton(SqliteOutboxStore, database)


class MongoStore(containers.DeclarativeContainer):
    """The production profile's store: a MongoDB replica set (`CAMPAIGNS_STORE=mongodb://…` or `mongodb+srv://…`)."""

    settings = providers.Dependency(instance_of=Settings)
    ids: providers.Dependency[IdFactory] = providers.Dependency()
    client = providers.Resource(
        mongo_client, settings.provided.mongo_url, timeout_seconds=settings.provided.mongo_timeout_seconds
    )
    database = providers.Singleton(MongoDatabase, client, settings.provided.mongo_database)
    unit_of_work = providers.Singleton(mongo_units_of_work, database, ids)
    reads = providers.Singleton(MongoStoreReader, database)
    outbox = providers.Singleton(MongoOutboxStore, database)


STORES: dict[StoreKind, type[containers.DeclarativeContainer]] = {"sqlite": SqliteStore, "mongo": MongoStore}
"""The store container behind each `Settings.store_kind`, each providing the names of `Store`. Only the
chosen one is part of the container, so only its resources are opened."""
