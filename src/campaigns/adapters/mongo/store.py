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
import itertools
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Sequence
from operator import itemgetter
from types import TracebackType
from typing import Any, Self

import msgspec
from bson import ObjectId
from bson.codec_options import TypeDecoder, TypeRegistry
from bson.int64 import Int64
from pymongo import ASCENDING, AsyncMongoClient, IndexModel, ReplaceOne, ReturnDocument, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import CollectionInvalid, DuplicateKeyError, OperationFailure, PyMongoError
from pymongo.read_preferences import Primary, SecondaryPreferred, _ServerMode
from pymongo.write_concern import WriteConcern

from campaigns.adapters.mongo.repositories import (
    CAMPAIGNS,
    COUNTERS,
    DUE_MILLIS,
    EVENT_MAP,
    INDEXES,
    LEASES,
    OUTBOX,
    OUTBOX_PARKED,
    OUTBOX_POSITIONS,
    OUTBOX_STREAMS,
    TRANSIENT_TRANSACTION_ERROR,
    UNCONFIRMED_COMMIT,
    UNKNOWN_COMMIT_RESULT,
    Doc,
    SessionSlot,
    at_or_after,
    map_unmapped_campaigns,
    mongo_repositories,
    translate_driver_errors,
)
from campaigns.application.errors import DependencyUnavailable
from campaigns.application.event_catalogue import event_type
from campaigns.application.outbox import OutboxEntry, OutboxStats, ParkedEntry, SinkRoute, purge_bounds
from campaigns.application.ports.outbox import OutboxStore
from campaigns.application.ports.store import (
    CampaignReader,
    ContactReader,
    EventMapReader,
    EventStatusReader,
    MarketReader,
    Outbox,
    PromoterReader,
    StoreReader,
    UnitOfWork,
)
from campaigns.application.ports.system import IdFactory
from campaigns.domain.events import AnyEvent

DEFAULT_DATABASE = "campaigns"
"""The database used when the URL names none (`mongodb://host/` rather than `mongodb://host/name`)."""

_ILLEGAL_OPERATION = 20
"""What a standalone server answers to a transaction."""
_NAMESPACE_EXISTS = 48
COMMIT_ATTEMPTS = 3
"""Commits of one transaction while the driver cannot tell whether it committed; then DependencyUnavailable."""


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
            missing = [model for model in models if _model_spec(model) not in present]
            for fields, unique in map(_model_spec, missing):
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
            missing.extend(f"{name}.{model.document['name']}" for model in models if _model_spec(model) not in present)
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
        return {_index_spec(index["key"], index.get("unique")): index["name"] async for index in cursor}


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
        self.event_maps: EventMapReader = repositories.event_maps


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
    """One transaction in its own session; `commit()` writes the staged outbox entries in it, then commits.

    MongoDB's retry rules: a commit the driver cannot confirm (`UnknownTransactionCommitResult`) is sent again,
    which the server answers with the outcome of the first one, up to `COMMIT_ATTEMPTS`, then DependencyUnavailable;
    a transaction the server aborted (`TransientTransactionError`) is TransactionAborted, and the use case runs
    again (`reruns_aborted_transactions`).
    """

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
        self.event_maps = repositories.event_maps
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
        await _commit(session)
        self.outbox.staged.clear()
        await session.start_transaction(**_TRANSACTION)

    async def _outbox_entries(self, session: AsyncClientSession, events: Sequence[AnyEvent]) -> list[Doc]:
        """The staged events as outbox documents, each numbered in its aggregate's stream, in the transaction.

        One stream document per aggregate: units of work on different aggregates write none in common, and two on
        one aggregate conflict on it, so its entries are numbered in commit order. The delivery sequence comes later.
        """
        streams = _primary(self._db.database, OUTBOX_STREAMS)
        counts = Counter(event.aggregate_id for event in events)
        found = await streams.find({"_id": {"$in": sorted(counts)}}, session=session).to_list()
        last = {doc["_id"]: int(doc["last"]) for doc in found}
        await streams.bulk_write(
            [UpdateOne({"_id": key}, {"$inc": {"last": count}}, upsert=True) for key, count in counts.items()],
            session=session,
        )
        entries: list[Doc] = []
        for event in events:
            last[event.aggregate_id] = last.get(event.aggregate_id, 0) + 1
            entries.append(
                {
                    "_id": ObjectId(self._ids.new_id()),
                    "stage": _UNNUMBERED,
                    "aggregateId": event.aggregate_id,
                    "streamSeq": last[event.aggregate_id],
                    "type": type(event).__struct_config__.tag,
                    "event": msgspec.to_builtins(event, builtin_types=(dt.datetime,)),
                    "occurredAt": event.occurred_at,
                }
            )
        return entries


async def _commit(session: AsyncClientSession) -> None:
    """Commit; while the driver cannot tell whether it did, ask again (the server answers with the first outcome)."""
    for _ in range(COMMIT_ATTEMPTS):
        try:
            await session.commit_transaction()
        except PyMongoError as error:
            if not error.has_error_label(UNKNOWN_COMMIT_RESULT):
                raise
            unknown = error
        else:
            return
    raise DependencyUnavailable(UNCONFIRMED_COMMIT) from unknown


_PARKED, _REQUEUED = "parked", "requeued"
"""A parked entry's `state`: strings rather than a boolean, which the stand-in compares wrongly."""
_UNNUMBERED = "unnumbered"
"""The `stage` of a committed entry without a delivery sequence yet; numbered entries have no `stage`."""


@translate_driver_errors
class MongoOutboxStore(OutboxStore):
    """The relays' side of the outbox: single-statement writes, but for numbering.

    Units of work commit entries without a delivery sequence. Before reading a sink's entries, a relay
    numbers committed ones (`_number_committed`): the sequence counter is written by relays only, in one
    transaction with the entries it numbers, so numberings commit one after another and an entry that
    commits late is numbered late, never behind a position a sink already passed. Each call waits for
    the unit of work in progress in this process, as on SQLite: on the stand-in, whose transactions
    are not isolated, a write made while one is open would be rolled back with it.
    """

    def __init__(self, db: MongoDatabase) -> None:
        self._lock = db.lock
        self._client = db.client
        self._outbox = _primary(db.database, OUTBOX)
        self._counters = _primary(db.database, COUNTERS)
        self._positions = _primary(db.database, OUTBOX_POSITIONS)
        self._parked = _primary(db.database, OUTBOX_PARKED)
        self._leases = _primary(db.database, LEASES)

    async def _position(self, sink: str) -> int:
        doc = await self._positions.find_one({"_id": sink})
        return int(doc["position"]) if doc is not None else 0

    async def _fresh_filter(self, sink: SinkRoute) -> Doc:
        return {"type": {"$in": sorted(sink.event_types)}, "sequence": {"$gt": await self._position(sink.name)}}

    async def pending(self, sink: SinkRoute, limit: int) -> list[OutboxEntry]:
        """Numbers committed entries (a batch at a time) while the sink's fresh ones do not fill `limit`."""
        async with self._lock:
            requeued = await self._parked.find(
                {"sink": sink.name, "state": _REQUEUED}, sort=[("sequence", ASCENDING)], limit=limit
            ).to_list()
            found = await self._by_sequence([int(doc["sequence"]) for doc in requeued])
            wanted = limit - len(found)
            fresh = await self._fresh(sink, wanted)
            while len(fresh) < wanted:
                numbered = await self._number_committed(limit)
                if numbered:
                    fresh = await self._fresh(sink, wanted)
                if numbered < limit:
                    break
        return [_entry(doc) for doc in [*found, *fresh]]

    async def _fresh(self, sink: SinkRoute, limit: int) -> list[Doc]:
        if limit <= 0:
            return []
        return await self._outbox.find(
            await self._fresh_filter(sink), sort=[("sequence", ASCENDING)], limit=limit
        ).to_list()

    async def _number_committed(self, limit: int) -> int:
        """Give up to `limit` committed entries their delivery sequence; how many it numbered (0 if another relay was).

        Read per aggregate in stream order, so a batch holds the first entries of each aggregate it reaches;
        numbered in the order they were written (`_id`), each aggregate's in stream order. One transaction reads
        them, then increments the counter and numbers them: a numbering committed before it began is in what it
        reads, and one committing meanwhile conflicts with it on the counter (then it numbers nothing). So each
        entry is replaced by its `_id` alone (an `_id` beside another condition reads every document on the stand-in).
        """
        try:
            async with self._client.start_session() as session, await session.start_transaction(**_TRANSACTION):
                committed = await self._outbox.find(
                    {"stage": _UNNUMBERED},
                    sort=[("aggregateId", ASCENDING), ("streamSeq", ASCENDING)],
                    limit=limit,
                    session=session,
                ).to_list()
                if not committed:
                    return 0
                counter = await self._counters.find_one_and_update(
                    {"_id": OUTBOX},
                    {"$inc": {"value": len(committed)}},
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                    session=session,
                )
                if counter is None:  # an upsert returning the document after the update always has one
                    raise RuntimeError("The outbox sequence counter was not returned.")
                first = int(counter["value"]) - len(committed) + 1
                await self._outbox.bulk_write(
                    [
                        ReplaceOne({"_id": doc["_id"]}, _numbered(doc, first + offset))
                        for offset, doc in enumerate(_in_delivery_order(committed))
                    ],
                    session=session,
                )
        except PyMongoError as error:
            if error.has_error_label(TRANSIENT_TRANSACTION_ERROR):  # another relay numbered them meanwhile
                return 0
            raise
        return len(committed)

    async def _by_sequence(self, sequences: list[int]) -> list[Doc]:
        if not sequences:
            return []
        return await self._outbox.find({"sequence": {"$in": sequences}}, sort=[("sequence", ASCENDING)]).to_list()

    async def acknowledge(self, sink: str, entries: Sequence[OutboxEntry]) -> None:
        if not entries:
            return
        async with self._lock:
            await self._parked.delete_many(
                {"sink": sink, "state": _REQUEUED, "sequence": {"$in": [entry.sequence for entry in entries]}}
            )
            await self._positions.update_one(
                {"_id": sink}, {"$max": {"position": max(entry.sequence for entry in entries)}}, upsert=True
            )

    async def park(self, sink: str, entry: OutboxEntry, *, error: str, at: dt.datetime) -> None:
        async with self._lock:
            await self._parked.replace_one(
                {"_id": _parked_id(sink, entry.sequence)},
                {
                    "sink": sink,
                    "sequence": entry.sequence,
                    "entryId": entry.id,
                    "type": event_type(entry.event),
                    "subject": entry.event.aggregate_id,
                    "error": error,
                    "parkedAt": at,
                    "state": _PARKED,
                },
                upsert=True,
            )

    async def stats(self, sink: SinkRoute) -> OutboxStats:
        """Committed entries not numbered yet count in the backlog: a relay numbers them before delivering."""
        async with self._lock:
            fresh = await self._fresh_filter(sink)
            unnumbered: Doc = {"stage": _UNNUMBERED, "type": {"$in": sorted(sink.event_types)}}
            backlog = await self._outbox.count_documents(fresh) + await self._outbox.count_documents(unnumbered)
            oldest = await self._outbox.find_one(fresh, sort=[("sequence", ASCENDING)])
            oldest_unnumbered = await self._outbox.find_one(unnumbered, sort=[("occurredAt", ASCENDING)])
            parked = await self._parked.count_documents({"sink": sink.name, "state": _PARKED})
            requeued = await self._parked.find(
                {"sink": sink.name, "state": _REQUEUED}, sort=[("sequence", ASCENDING)], limit=1
            ).to_list()
            oldest_requeued = await self._by_sequence([int(doc["sequence"]) for doc in requeued])
            requeued_count = await self._parked.count_documents({"sink": sink.name, "state": _REQUEUED})
        instants = [doc["occurredAt"] for doc in (oldest, oldest_unnumbered, *oldest_requeued) if doc is not None]
        return OutboxStats(
            backlog=backlog + requeued_count, parked=parked, oldest_pending_at=min(instants, default=None)
        )

    async def parked(self, sink: str | None = None) -> list[ParkedEntry]:
        async with self._lock:
            found = await self._parked.find({} if sink is None else {"sink": sink}).to_list()
        rows = [
            ParkedEntry(
                sink=doc["sink"],
                entry_id=doc["entryId"],
                type=doc["type"],
                subject=doc["subject"],
                error=doc["error"],
                parked_at=doc["parkedAt"],
                requeued=doc["state"] == _REQUEUED,
            )
            for doc in found
        ]
        return sorted(rows, key=lambda row: (row.parked_at, row.sink))

    async def requeue_parked(self, sink: str | None = None) -> int:
        query: Doc = {"state": _PARKED} if sink is None else {"sink": sink, "state": _PARKED}
        async with self._lock:
            result = await self._parked.update_many(query, {"$set": {"state": _REQUEUED}})
        return result.modified_count

    async def delivered_since(
        self, sink: SinkRoute, since: dt.datetime, *, after_sequence: int, limit: int
    ) -> list[OutboxEntry]:
        async with self._lock:
            position = await self._position(sink.name)
            found = await self._outbox.find(
                {
                    "type": {"$in": sorted(sink.event_types)},
                    "sequence": {"$gt": after_sequence, "$lte": position},
                    "occurredAt": {"$gte": at_or_after(since)},
                },
                sort=[("sequence", ASCENDING)],
                limit=limit,
            ).to_list()
        return [_entry(doc) for doc in found]

    async def purge_delivered(self, *, before: dt.datetime, sinks: Sequence[SinkRoute]) -> int:
        """One delete per event type a sink takes (bounded by the slowest of them), one for the other types."""
        async with self._lock:
            positions = {doc["_id"]: int(doc["position"]) for doc in await self._positions.find({}).to_list()}
            bounds = purge_bounds(sinks, positions)
            held = sorted(
                {int(doc["sequence"]) for doc in await self._parked.find({}, projection=["sequence"]).to_list()}
            )
            old: Doc = {"occurredAt": {"$lt": at_or_after(before)}}
            deleted = 0
            for kind, bound in bounds.items():
                query = {**old, "type": kind, "sequence": {"$lte": bound, "$nin": held}}
                deleted += (await self._outbox.delete_many(query)).deleted_count
            query = {**old, "type": {"$nin": sorted(bounds)}, "sequence": {"$nin": held}}
            deleted += (await self._outbox.delete_many(query)).deleted_count
        return deleted

    async def hold_lease(self, name: str, holder: str, *, now: dt.datetime, until: dt.datetime) -> bool:
        """One document per lease: renewed by its holder, taken over once run out, or created; each step atomic.

        Three single-condition steps rather than one `$or` upsert, which the stand-in matches against
        other leases' documents.
        """
        term = {"$set": {"holder": holder, "term": {"until": until}}}
        async with self._lock:
            for held in ({"_id": name, "holder": holder}, {"_id": name, "term.until": {"$lte": now}}):
                if await self._leases.find_one_and_update(held, term) is not None:
                    return True
            try:
                await self._leases.insert_one({"_id": name, "holder": holder, "term": {"until": until}})
            except DuplicateKeyError:  # another holder's lease runs
                return False
        return True

    async def release_lease(self, name: str, holder: str) -> None:
        async with self._lock:
            await self._leases.delete_one({"_id": name, "holder": holder})


def _parked_id(sink: str, sequence: int) -> str:
    return f"{sink}:{sequence}"


def _in_delivery_order(committed: list[Doc]) -> list[Doc]:
    """`committed` (sorted by aggregate, then stream) in the order written, each aggregate's entries in stream order.

    Within one process `_id`s grow as entries are written; across processes they need not, so each aggregate's
    entries take the places its own entries hold in `_id` order, in stream order.
    """
    streams: dict[str, Iterator[Doc]] = {
        aggregate: iter(list(entries)) for aggregate, entries in itertools.groupby(committed, itemgetter("aggregateId"))
    }
    return [next(streams[doc["aggregateId"]]) for doc in sorted(committed, key=itemgetter("_id"))]


def _numbered(doc: Doc, sequence: int) -> Doc:
    """The entry with its delivery sequence: whole, as the stand-in needs (docs/adr/0008)."""
    return {name: value for name, value in doc.items() if name != "stage"} | {"sequence": sequence}


def _entry(doc: Doc) -> OutboxEntry:
    return OutboxEntry(id=str(doc["_id"]), sequence=int(doc["sequence"]), event=msgspec.convert(doc["event"], AnyEvent))
