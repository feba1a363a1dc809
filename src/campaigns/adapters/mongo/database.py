"""The production store: MongoDB through PyMongo's `AsyncMongoClient` (ADR 0002), on a replica set (ADR 0008).

A unit of work is one multi-document transaction (majority writes, on the primary); its outbox
entries are inserted in it at commit, each numbered in its aggregate's stream (one document per
aggregate), so units of work on different aggregates write no document in common. Relays give
committed entries their delivery sequence afterwards (`MongoOutboxStore`). Units of work of one
process run one at a time (an asyncio lock, as on SQLite); between processes, transactions,
compare-and-set filters and unique indexes decide. Queries go through `MongoStoreReader`: no
session, lists on the configured read preference, reads by id or domain on the primary.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

from bson.codec_options import TypeDecoder, TypeRegistry
from bson.int64 import Int64
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import CollectionInvalid, OperationFailure
from pymongo.read_preferences import Primary, SecondaryPreferred, _ServerMode

from campaigns.adapters.mongo.campaigns import DUE_MILLIS
from campaigns.adapters.mongo.collection import SessionSlot
from campaigns.adapters.mongo.documents import CAMPAIGNS, EVENT_MAP, LEASES, Doc
from campaigns.adapters.mongo.repositories import map_unmapped_campaigns, mongo_repositories
from campaigns.adapters.mongo.schema import INDEXES, IndexSpec, index_spec, model_spec
from campaigns.adapters.mongo.transactions import translate_driver_errors

DEFAULT_DATABASE = "campaigns"
"""The database used when the URL names none (`mongodb://host/` rather than `mongodb://host/name`)."""

_ILLEGAL_OPERATION = 20
"""What a standalone server answers to a transaction."""
_NAMESPACE_EXISTS = 48


async def mongo_client(url: str, *, timeout_seconds: float = 5.0) -> AsyncIterator[AsyncMongoClient[Doc]]:
    """A client for `url`, open for the life of the generator: fits `providers.Resource` and `asynccontextmanager`.

    Instants come back timezone-aware in UTC; writes wait for a majority; `timeout_seconds` bounds server
    selection, connecting and each socket read, so an outage surfaces as DependencyUnavailable instead of
    a hang. The read preference and everything else come from the URL. Nothing is sent before first use.
    """
    timeout_ms = max(1, round(timeout_seconds * 1000))
    client: AsyncMongoClient[Doc] = AsyncMongoClient(
        url,
        tz_aware=True,
        tzinfo=dt.UTC,
        w="majority",
        serverSelectionTimeoutMS=timeout_ms,
        connectTimeoutMS=timeout_ms,
        socketTimeoutMS=timeout_ms,
        appname="campaigns",
    )
    try:
        yield client
    finally:
        await client.close()


class _PlainInt64(TypeDecoder):
    """BSON int64 as a plain int: the driver's `Int64` subclass would reach msgspec, which cannot encode it."""

    bson_type = Int64

    def transform_bson(self, value: Any) -> int:
        return int(value)


@translate_driver_errors
class MongoDatabase:
    """The client and the one database the service uses, with the checks `db init` and start-up run.

    `name` defaults to the URL's database (`mongodb://host/<name>`), else `campaigns`. Lists and
    searches read with `list_read_preference`: by default the URL's `readPreference` when it names
    one other than primary, else `secondaryPreferred`.
    """

    def __init__(
        self, client: AsyncMongoClient[Doc], name: str | None = None, *, list_read_preference: _ServerMode | None = None
    ) -> None:
        self.client = client
        codec = client.codec_options.with_options(type_registry=TypeRegistry([_PlainInt64()]))
        self.database: AsyncDatabase[Doc] = (
            client.get_database(name, codec_options=codec)
            if name
            else client.get_default_database(DEFAULT_DATABASE, codec_options=codec)
        )
        self.name = self.database.name
        configured = client.read_preference
        self.list_read_preference = list_read_preference or (
            configured if configured != Primary() else SecondaryPreferred()
        )
        self.lock = asyncio.Lock()
        """Held by the unit of work in progress in this process."""

    async def ping(self) -> None:
        """Raise DependencyUnavailable unless the server answers within the client's timeouts."""
        await self.database.command("ping")

    async def supports_transactions(self) -> bool:
        """Whether the server runs multi-document transactions: a replica set or a sharded cluster, not a standalone.

        Found by running an empty one; a standalone refuses it.
        """
        async with self.client.start_session() as session:
            try:
                async with await session.start_transaction():
                    await self.database[LEASES].find_one({"_id": "transactions-probe"}, session=session)
            except OperationFailure as error:
                if error.code == _ILLEGAL_OPERATION:
                    return False
                raise
        return True

    async def ensure_indexes(self) -> list[str]:
        """Create the missing collections and indexes; returns what it created (`collection` or `collection.index`).

        Campaigns written before `nextTransitionMs` are rewritten first (`campaigns.nextTransitionMs (N documents)`),
        so its index, which start-up checks, exists only once they are. Campaigns without an event mapping (written
        before the read model) get theirs last (`event_map (N campaigns)`). Idempotent: a second call creates
        nothing and returns [].
        """
        created: list[str] = []
        collections = set(await self.database.list_collection_names())
        if CAMPAIGNS in collections:
            writer = mongo_repositories(self.database, SessionSlot(), lists=Primary(), read_only=False)
            if rewritten := await writer.campaigns.add_due_millis():
                created.append(f"{CAMPAIGNS}.{DUE_MILLIS} ({rewritten} documents)")
        for name, models in INDEXES.items():
            if name not in collections:
                # Created up front, so that no transaction has to create one.
                with contextlib.suppress(CollectionInvalid):
                    await self._create_collection(name)
                    created.append(name)
            present = await self._index_specs(name)
            missing = [model for model in models if model_spec(model) not in present]
            for fields, unique in map(model_spec, missing):
                # The same fields, uniqueness changed (the outbox `sequence`): the server keeps one of the two only.
                if (replaced := present.get((fields, not unique))) is not None:
                    await self.database[name].drop_index(replaced)
            if missing:
                await self.database[name].create_indexes(missing)
                created.extend(f"{name}.{model.document['name']}" for model in missing)
        writer = mongo_repositories(self.database, SessionSlot(), lists=Primary(), read_only=False)
        if mapped := await map_unmapped_campaigns(writer):
            created.append(f"{EVENT_MAP} ({mapped} campaigns)")
        return created

    async def check_indexes(self) -> list[str]:
        """The collections and indexes `ensure_indexes` would create (none once it ran)."""
        missing: list[str] = []
        collections = set(await self.database.list_collection_names())
        for name, models in INDEXES.items():
            if name not in collections:
                missing.append(name)
            present = await self._index_specs(name) if name in collections else {}
            missing.extend(f"{name}.{model.document['name']}" for model in models if model_spec(model) not in present)
        return missing

    async def _create_collection(self, name: str) -> None:
        try:
            await self.database.create_collection(name)
        except OperationFailure as error:  # another process created it first
            if error.code != _NAMESPACE_EXISTS:
                raise
            raise CollectionInvalid(name) from error

    async def _index_specs(self, name: str) -> dict[IndexSpec, str]:
        """The collection's indexes: what makes each the same as another, and its name."""
        cursor = await self.database[name].list_indexes()
        return {index_spec(index["key"], index.get("unique")): index["name"] async for index in cursor}


async def mongo_database(url: str, *, timeout_seconds: float = 5.0) -> AsyncIterator[MongoDatabase]:
    """`mongo_client` and the database its URL names, as one resource."""
    async with contextlib.asynccontextmanager(mongo_client)(url, timeout_seconds=timeout_seconds) as client:
        yield MongoDatabase(client)
