"""The production store: MongoDB through PyMongo's `AsyncMongoClient` (ADR 0002), on a replica set (ADR 0008).

A unit of work is one multi-document transaction (majority writes, on the primary);
its outbox entries are inserted in it at commit, numbered from a counter document incremented in the
same transaction, so sequence order is commit order. Units of work of one process run one at a time
(an asyncio lock, as on SQLite); between processes, transactions, compare-and-set filters and unique
indexes decide. Queries go through `MongoStoreReader`: no session, lists on the configured read
preference, reads by id or domain on the primary.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Sequence
from types import TracebackType
from typing import Any, Self

import msgspec
from bson import ObjectId
from bson.codec_options import TypeDecoder, TypeRegistry
from bson.int64 import Int64
from pymongo import ASCENDING, AsyncMongoClient, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import CollectionInvalid, DuplicateKeyError, OperationFailure
from pymongo.read_preferences import Primary, SecondaryPreferred, _ServerMode
from pymongo.write_concern import WriteConcern

from campaigns.adapters.mongo_repositories import (
    COUNTERS,
    INDEXES,
    LEASES,
    OUTBOX,
    Doc,
    SessionSlot,
    at_or_after,
    mongo_repositories,
    object_id,
    translate_driver_errors,
)
from campaigns.application.ports import (
    CampaignReader,
    ContactReader,
    EventStatusReader,
    IdFactory,
    MarketReader,
    Outbox,
    OutboxEntry,
    OutboxStats,
    OutboxStore,
    PromoterReader,
    StoreReader,
    UnitOfWork,
)
from campaigns.domain.events import AnyEvent

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


IndexSpec = tuple[tuple[str, ...], bool]


def _index_spec(key: Any, unique: Any) -> IndexSpec:
    """What makes two indexes the same here: their fields in order, and uniqueness.

    Not the name, which the stand-in replaces by its own, nor directions, which it reports as 1 (ours are all 1).
    """
    return tuple(str(field) for field in dict(key)), bool(unique)


def _model_spec(model: IndexModel) -> IndexSpec:
    return _index_spec(model.document["key"], model.document.get("unique"))


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

        Idempotent: a second call creates nothing and returns [].
        """
        created: list[str] = []
        collections = set(await self.database.list_collection_names())
        for name, models in INDEXES.items():
            if name not in collections:
                # Created up front, so that no transaction has to create one.
                with contextlib.suppress(CollectionInvalid):
                    await self._create_collection(name)
                    created.append(name)
            present = await self._index_specs(name)
            missing = [model for model in models if _model_spec(model) not in present]
            if missing:
                await self.database[name].create_indexes(missing)
                created.extend(f"{name}.{model.document['name']}" for model in missing)
        return created

    async def check_indexes(self) -> list[str]:
        """The collections and indexes `ensure_indexes` would create (none once it ran)."""
        missing: list[str] = []
        collections = set(await self.database.list_collection_names())
        for name, models in INDEXES.items():
            if name not in collections:
                missing.append(name)
            present = await self._index_specs(name) if name in collections else set()
            missing.extend(f"{name}.{model.document['name']}" for model in models if _model_spec(model) not in present)
        return missing

    async def _create_collection(self, name: str) -> None:
        try:
            await self.database.create_collection(name)
        except OperationFailure as error:  # another process created it first
            if error.code != _NAMESPACE_EXISTS:
                raise
            raise CollectionInvalid(name) from error

    async def _index_specs(self, name: str) -> set[IndexSpec]:
        cursor = await self.database[name].list_indexes()
        return {_index_spec(index["key"], index.get("unique")) async for index in cursor}


async def mongo_database(url: str, *, timeout_seconds: float = 5.0) -> AsyncIterator[MongoDatabase]:
    """`mongo_client` and the database its URL names, as one resource."""
    async with contextlib.asynccontextmanager(mongo_client)(url, timeout_seconds=timeout_seconds) as client:
        yield MongoDatabase(client)


class MongoStoreReader(StoreReader):
    """Queries without a session or transaction; a write through it raises PermissionError."""

    def __init__(self, db: MongoDatabase) -> None:
        repositories = mongo_repositories(db.database, SessionSlot(), lists=db.list_read_preference, read_only=True)
        self.campaigns: CampaignReader = repositories.campaigns
        self.markets: MarketReader = repositories.markets
        self.promoters: PromoterReader = repositories.promoters
        self.contacts: ContactReader = repositories.contacts
        self.event_statuses: EventStatusReader = repositories.event_statuses


class MongoOutbox(Outbox):
    def __init__(self) -> None:
        self.staged: list[AnyEvent] = []

    def append(self, events: Sequence[AnyEvent]) -> None:
        self.staged.extend(events)


_TRANSACTION: dict[str, Any] = {"write_concern": WriteConcern("majority"), "read_preference": Primary()}
"""The read concern is the URL's (`readConcernLevel`): the stand-in stores a transaction's explicit read
concern as a document when the first statement is an insert (docs/adr/0008)."""


def _primary(database: AsyncDatabase[Doc], name: str) -> AsyncCollection[Doc]:
    return database[name].with_options(read_preference=Primary())


@translate_driver_errors
class MongoUnitOfWork(UnitOfWork):
    """One transaction in its own session; `commit()` writes the staged outbox entries in it, then commits."""

    def __init__(self, db: MongoDatabase, ids: IdFactory) -> None:
        self._db = db
        self._ids = ids
        self._slot = SessionSlot()
        repositories = mongo_repositories(db.database, self._slot, lists=Primary(), read_only=False)
        self.campaigns = repositories.campaigns
        self.markets = repositories.markets
        self.promoters = repositories.promoters
        self.contacts = repositories.contacts
        self.event_statuses = repositories.event_statuses
        self.outbox = MongoOutbox()

    def _session(self) -> AsyncClientSession:
        if self._slot.session is None:
            raise RuntimeError("The unit of work is not open; use it in `async with`.")
        return self._slot.session

    async def __aenter__(self) -> Self:
        await self._db.lock.acquire()
        session: AsyncClientSession | None = None
        try:
            session = self._db.client.start_session()
            await session.start_transaction(**_TRANSACTION)
        except BaseException:
            if session is not None:
                await session.end_session()
            self._db.lock.release()
            raise
        self._slot.session = session
        self.outbox.staged.clear()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        session, self._slot.session = self._slot.session, None
        try:
            if session is not None:
                await session.end_session()  # aborts the transaction in progress, if any
        finally:
            self._db.lock.release()

    async def commit(self) -> None:
        session = self._session()
        if self.outbox.staged:
            await _primary(self._db.database, OUTBOX).insert_many(
                await self._outbox_entries(session, self.outbox.staged), session=session
            )
        await session.commit_transaction()
        self.outbox.staged.clear()
        await session.start_transaction(**_TRANSACTION)

    async def _outbox_entries(self, session: AsyncClientSession, events: Sequence[AnyEvent]) -> list[Doc]:
        """The staged events as outbox documents, numbered from the sequence counter, incremented in the transaction."""
        counter = await _primary(self._db.database, COUNTERS).find_one_and_update(
            {"_id": OUTBOX},
            {"$inc": {"value": len(events)}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        if counter is None:  # an upsert returning the document after the update always has one
            raise RuntimeError("The outbox sequence counter was not returned.")
        first = int(counter["value"]) - len(events) + 1
        return [
            {
                "_id": ObjectId(self._ids.new_id()),
                "sequence": first + offset,
                "aggregateId": event.aggregate_id,
                "type": type(event).__struct_config__.tag,
                "event": msgspec.to_builtins(event, builtin_types=(dt.datetime,)),
                "occurredAt": event.occurred_at,
                "state": _PENDING,
                "attempts": 0,
                "lastError": None,
            }
            for offset, event in enumerate(events)
        ]


_PENDING, _PARKED, _DELIVERED = "pending", "parked", "delivered"
"""An outbox entry's `state`: a string rather than `deliveredAt: null` / `parked: false` tests, which the
stand-in answers wrongly; the delivery instant is `delivery.at` (a nested date, which it stores right)."""
_LEASE = "outbox"


@translate_driver_errors
class MongoOutboxStore(OutboxStore):
    """The relay's side of the outbox: single-statement writes, no transaction needed.

    Each call waits for the unit of work in progress in this process, as on SQLite: on the stand-in, whose
    transactions are not isolated, a write made while one is open would be rolled back with it.
    """

    def __init__(self, db: MongoDatabase) -> None:
        self._lock = db.lock
        self._outbox = _primary(db.database, OUTBOX)
        self._leases = _primary(db.database, LEASES)

    async def pending(self, limit: int) -> list[OutboxEntry]:
        async with self._lock:
            found = await self._outbox.find({"state": _PENDING}, sort=[("sequence", ASCENDING)], limit=limit).to_list()
        return [
            OutboxEntry(
                id=str(doc["_id"]),
                sequence=int(doc["sequence"]),
                event=msgspec.convert(doc["event"], AnyEvent),
                attempts=int(doc["attempts"]),
            )
            for doc in found
        ]

    async def mark_delivered(self, entry_ids: Sequence[str], *, at: dt.datetime) -> None:
        oids = [oid for entry_id in entry_ids if (oid := object_id(entry_id)) is not None]
        async with self._lock:
            await self._outbox.update_many(
                {"_id": {"$in": oids}, "state": {"$in": [_PENDING, _PARKED]}},
                {"$set": {"state": _DELIVERED, "delivery": {"at": at}}},
            )

    async def record_failure(self, entry_id: str, *, error: str, park: bool) -> None:
        if (oid := object_id(entry_id)) is None:
            return
        async with self._lock:
            await self._outbox.update_one({"_id": oid}, {"$inc": {"attempts": 1}, "$set": {"lastError": error}})
            if park:
                await self._outbox.update_one({"_id": oid, "state": _PENDING}, {"$set": {"state": _PARKED}})

    async def stats(self) -> OutboxStats:
        async with self._lock:
            oldest = await self._outbox.find_one({"state": _PENDING}, sort=[("occurredAt", ASCENDING)])
            backlog = await self._outbox.count_documents({"state": _PENDING})
            parked = await self._outbox.count_documents({"state": _PARKED})
        return OutboxStats(
            backlog=backlog, parked=parked, oldest_pending_at=oldest["occurredAt"] if oldest is not None else None
        )

    async def requeue_parked(self) -> int:
        async with self._lock:
            result = await self._outbox.update_many({"state": _PARKED}, {"$set": {"state": _PENDING}})
        return result.modified_count

    async def purge_delivered(self, *, before: dt.datetime) -> int:
        async with self._lock:
            result = await self._outbox.delete_many({"state": _DELIVERED, "delivery.at": {"$lt": at_or_after(before)}})
        return result.deleted_count

    async def hold_lease(self, holder: str, *, now: dt.datetime, until: dt.datetime) -> bool:
        """One document: taken when absent, held by `holder`, or run out; the update is atomic."""
        try:
            async with self._lock:
                lease = await self._leases.find_one_and_update(
                    {"_id": _LEASE, "$or": [{"holder": holder}, {"term.until": {"$lte": now}}]},
                    {"$set": {"holder": holder, "term": {"until": until}}},
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                )
        except DuplicateKeyError:  # another holder's lease runs: the upsert tried to add a second lease document
            return False
        return lease is not None and lease.get("holder") == holder  # the stand-in answers None instead of raising

    async def release_lease(self, holder: str) -> None:
        async with self._lock:
            await self._leases.delete_one({"_id": _LEASE, "holder": holder})
