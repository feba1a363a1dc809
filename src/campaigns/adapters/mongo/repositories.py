"""Repositories over MongoDB, bound to the session of one unit of work (or to none, for a reader).

Each domain document is stored as a BSON document: `id` becomes the ObjectId `_id` (an id that is
not 24 lowercase hex characters finds nothing), instants are BSON dates (the domain keeps them to
the millisecond, ADR 0008), and a few derived fields (`nextTransitionMs`, `searchText`, ...) are
written next to the document's own, recomputed on every write, for the queries and their indexes.

The adapters keep clear of what the nx-27017 stand-in gets wrong (docs/adr/0008): documents are
written whole (`insert_one`, `replace_one`) because `$set` and `$push` of dates and booleans corrupt
them there, queries use ranges instead of `null` / `$exists` / `$type` tests and `$in` for membership of an
indexed array (a plain equality finds nothing there), and projections name top-level fields only.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import inspect
import re
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Mapping, Sequence
from typing import Any, Generic, NamedTuple, ParamSpec, TypeVar

import msgspec
from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReplaceOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import (
    BulkWriteError,
    ConnectionFailure,
    DuplicateKeyError,
    ExecutionTimeout,
    PyMongoError,
    WTimeoutError,
)
from pymongo.read_preferences import Primary, _ServerMode

from campaigns.application.errors import ConcurrentUpdate, DependencyUnavailable, TransactionAborted
from campaigns.application.ports.store import (
    CampaignRepository,
    ContactRepository,
    EventMapRepository,
    EventStatusRepository,
    MarketRepository,
    PromoterRepository,
)
from campaigns.application.queries import CampaignPage, CampaignQuery, GuardedUpdate, SortDirection
from campaigns.domain.campaign import Campaign
from campaigns.domain.contact import Contact
from campaigns.domain.errors import CampaignError, DomainAlreadyClaimed, MarketNameTaken, PromoterNameTaken
from campaigns.domain.event_mapping import EventMapping, event_mappings
from campaigns.domain.event_status import EventStatus
from campaigns.domain.lifecycle import next_transition_at
from campaigns.domain.market import Market
from campaigns.domain.promoter import Promoter

Doc = dict[str, Any]
T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")
C = TypeVar("C", bound=type[Any])

CAMPAIGNS, MARKETS, PROMOTERS, CONTACTS = "campaigns", "markets", "promoters", "contacts"
EVENT_STATUSES = "event_statuses"
"""The issue's "events" collection (ADR 0008): event status records, keyed by the Ticketmaster event id."""
EVENT_MAP = "event_map"
"""The event-mapping read model: one document per campaign, keyed by the campaign id."""
OUTBOX, COUNTERS, LEASES = "outbox", "counters", "leases"
"""The outbox, its delivery sequence counter (written by relays numbering committed entries, never by a unit of
work) and the relay leases (one document per sink)."""
OUTBOX_STREAMS = "outbox_streams"
"""One document per aggregate: the last number its outbox entries were given, so they are ordered by commit."""
OUTBOX_POSITIONS, OUTBOX_PARKED = "outbox_positions", "outbox_parked"
"""Each sink's delivery position (one document per sink) and the entries parked for a sink."""

EARLIEST = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
"""A lower bound of every instant: `{"$gte": EARLIEST}` means "is an instant" (MongoDB compares dates
only with dates), where the stand-in gets `$ne: null`, `$exists` and `$type` wrong."""
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MILLISECOND = dt.timedelta(milliseconds=1)
DUE_MILLIS = "nextTransitionMs"
"""A campaign's next scheduled transition, in milliseconds since the epoch (ADR 0008): what the due query ranges on."""
LEGACY_DUE = "nextTransitionAt"
"""The same instant as a BSON date, in documents written before `nextTransitionMs`; `db init` replaces it."""

_HEX_ID = re.compile(r"[0-9a-f]{24}")
_REWRITE_BATCH = 500
"""Documents read and replaced per `bulk_write` when `db init` rewrites them."""
_DUPLICATE_KEY = 11000
_SEARCH_SEPARATOR = "\x1f"
"""Joins the searchable fields, so a search term never matches across two of them (as on SQLite)."""

# --------------------------------------------------------------------------- driver errors

_OUTAGES: tuple[type[PyMongoError], ...] = (ConnectionFailure, WTimeoutError, ExecutionTimeout)
"""Server unreachable, no primary, timed out, or no majority in time: the caller may retry later.

`ConnectionFailure` covers ServerSelectionTimeoutError, AutoReconnect, NetworkTimeout and NotPrimaryError.
"""


TRANSIENT_TRANSACTION_ERROR = "TransientTransactionError"
UNKNOWN_COMMIT_RESULT = "UnknownTransactionCommitResult"
"""The error labels of MongoDB's transaction retry rules: rerun the whole transaction; commit again."""
UNCONFIRMED_COMMIT = "MongoDB did not confirm the write; it was stored whole or not at all, so it is safe to retry."


@contextlib.contextmanager
def driver_errors() -> Iterator[None]:
    """Driver errors as the application's.

    An outage or an unconfirmed commit is DependencyUnavailable; a transaction the server aborted is
    TransactionAborted (a ConcurrentUpdate the use case may run again).
    """
    try:
        yield
    except _OUTAGES as error:
        raise DependencyUnavailable("MongoDB is unavailable.") from error
    except PyMongoError as error:
        # A write conflict with a concurrent transaction, or a transaction the server already aborted:
        # nothing of this unit was stored, and running it again may succeed.
        if error.has_error_label(TRANSIENT_TRANSACTION_ERROR):
            raise TransactionAborted from error
        if error.has_error_label(UNKNOWN_COMMIT_RESULT):
            raise DependencyUnavailable(UNCONFIRMED_COMMIT) from error
        raise


def _translating(method: Callable[P, Awaitable[R]]) -> Callable[P, Coroutine[Any, Any, R]]:
    @functools.wraps(method)
    async def translated(*args: P.args, **kwargs: P.kwargs) -> R:
        with driver_errors():
            return await method(*args, **kwargs)

    return translated


def translate_driver_errors(cls: C) -> C:
    """Class decorator: every public coroutine method (and `__aenter__`/`__aexit__`) raises through `driver_errors`."""
    for name, member in list(vars(cls).items()):
        if inspect.iscoroutinefunction(member) and (not name.startswith("_") or name in {"__aenter__", "__aexit__"}):
            setattr(cls, name, _translating(member))
    return cls


# --------------------------------------------------------------------------- ids, instants, documents


def object_id(value: str) -> ObjectId | None:
    """The ObjectId a 24-hex id names, or None: such an id is stored nowhere."""
    return ObjectId(value) if _HEX_ID.fullmatch(value) else None


def _object_ids(values: Sequence[str] | frozenset[str]) -> list[ObjectId]:
    return sorted({oid for value in values if (oid := object_id(value)) is not None})


def _new_key(value: str) -> ObjectId:
    if (oid := object_id(value)) is None:
        raise ValueError(f"Not a 24-hex id: {value!r}")
    return oid


def at_or_after(instant: dt.datetime) -> dt.datetime:
    """The first whole millisecond at or after `instant`, for lower bounds of queries on stored dates.

    A stored date `d` (whole milliseconds) is `>= x` exactly when it is `>= at_or_after(x)`. The driver
    truncates a query's instant to the millisecond, which is right for upper bounds only.
    """
    rest = instant.microsecond % 1000
    return instant + dt.timedelta(microseconds=1000 - rest) if rest else instant


def epoch_millis(instant: dt.datetime) -> int:
    """The whole milliseconds since the epoch at or before `instant` (an exact integer division).

    A stored instant (whole milliseconds) is `<= x` exactly when its milliseconds are `<= epoch_millis(x)`.
    """
    return (instant - EPOCH) // MILLISECOND


def _search_text(*fields: str | None) -> str:
    return _SEARCH_SEPARATOR.join(field.lower() for field in fields if field)


def _contains(text: str) -> Doc:
    """A case-insensitive substring match on `searchText`: the term lowered and taken literally."""
    return {"searchText": {"$regex": re.escape(text.lower())}}


def _document(key: Any, struct: msgspec.Struct, **derived: Any) -> Doc:
    """The BSON document of a domain struct: `id` as `_id`, instants as dates, then the derived fields that are set."""
    fields: Doc = msgspec.to_builtins(struct, builtin_types=(dt.datetime,))
    del fields["id"]
    return {"_id": key, **fields, **{name: value for name, value in derived.items() if value is not None}}


def _decode(document: Mapping[str, Any], kind: type[T], derived: frozenset[str] = frozenset()) -> T:
    fields = {name: value for name, value in document.items() if name != "_id" and name not in derived}
    return msgspec.convert({**fields, "id": str(document["_id"])}, kind)


def _path(document: Mapping[str, Any], path: str) -> Any:
    value: Any = document
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


@dataclasses.dataclass(frozen=True)
class UniqueKey:
    """A unique index that stands for a business rule, and the domain error a duplicate of it is."""

    collection: str
    name: str
    fields: tuple[str, ...]
    error: Callable[[], CampaignError]
    only_strings: bool = False
    """Index only documents whose (single) key is a string: many campaigns hold no domain."""

    def index(self) -> IndexModel:
        options: Doc = {"unique": True, "name": self.name}
        if self.only_strings:
            options["partialFilterExpression"] = {self.fields[0]: {"$type": "string"}}
        return IndexModel([(field, ASCENDING) for field in self.fields], **options)

    def of(self, document: Mapping[str, Any]) -> Doc | None:
        """The filter finding holders of `document`'s key, or None when the key is not set (nothing to hold)."""
        values = {field: _path(document, field) for field in self.fields}
        if any(value is None for value in values.values()):
            return None
        return values

    def is_violated_by(self, error: DuplicateKeyError) -> bool:
        details = error.details or {}
        if (pattern := details.get("keyPattern")) is not None:
            return tuple(pattern) == self.fields
        # The stand-in sends no keyPattern and names its own index, `idx_<collection>_<fields>`, not ours.
        own_name = "_".join((f"idx_{self.collection}", *(field.replace(".", "_") for field in self.fields)))
        message = str(details.get("errmsg", error))
        return f"'{own_name}'" in message or f" {self.name} " in message


@contextlib.contextmanager
def unique_key_errors(key: UniqueKey | None) -> Iterator[None]:
    """A DuplicateKeyError on `key`'s index as its domain error; any other duplicate (an `_id`) stays a bug."""
    try:
        yield
    except DuplicateKeyError as error:
        if key is None or not key.is_violated_by(error):
            raise
        raise key.error() from error


CAMPAIGN_SITE = UniqueKey(CAMPAIGNS, "domain_site_unique", ("domain.site",), DomainAlreadyClaimed, only_strings=True)
MARKET_NAME = UniqueKey(MARKETS, "campaign_name_unique", ("campaign_id", "name"), MarketNameTaken)
PROMOTER_NAME = UniqueKey(PROMOTERS, "name_unique", ("name",), PromoterNameTaken)


class SessionSlot:
    """The session of the unit of work in progress, read at each call (None outside one, and for readers)."""

    session: AsyncClientSession | None = None


class MongoCollection:
    """One collection as a repository uses it, in the unit of work's session (none for a reader).

    Reads by key go to the primary, lists to the list read preference. The unique key is checked before
    each write: the check (one indexed read in the transaction) raises the domain error while the transaction is still
    usable; a duplicate key from the server would abort it. The index still decides races between
    processes, and its DuplicateKeyError maps to the same error.
    """

    def __init__(
        self,
        database: AsyncDatabase[Doc],
        name: str,
        slot: SessionSlot,
        *,
        lists: _ServerMode,
        unique: UniqueKey | None = None,
        read_only: bool = False,
    ) -> None:
        collection: AsyncCollection[Doc] = database[name]
        self._by_key = collection.with_options(read_preference=Primary())
        self._lists = collection.with_options(read_preference=lists)
        self._slot = slot
        self._database = database
        self.unique = unique
        self._read_only = read_only

    @property
    def _session(self) -> AsyncClientSession | None:
        return self._slot.session

    async def ping(self) -> None:
        await self._database.command("ping")

    async def find_one(self, query: Doc) -> Doc | None:
        return await self._by_key.find_one(query, session=self._session)

    async def find(
        self,
        query: Doc,
        *,
        sort: Sequence[tuple[str, int]] = (("_id", ASCENDING),),
        skip: int = 0,
        limit: int = 0,
        fields: Sequence[str] | None = None,
        by_key: bool = False,
    ) -> list[Doc]:
        """Documents in `sort` order; `fields` projects top-level fields only (the stand-in flattens nested ones)."""
        collection = self._by_key if by_key else self._lists
        cursor = collection.find(query, fields, sort=list(sort), skip=skip, limit=limit, session=self._session)
        return await cursor.to_list()

    async def count(self, query: Doc) -> int:
        return await self._lists.count_documents(query, session=self._session)

    async def current_and_holder(self, document: Doc, fields: Sequence[str] = ()) -> tuple[Doc | None, bool]:
        """The stored version of `document` (`fields` of it) and whether another document holds its unique key.

        Two indexed reads rather than one `$or`, which the stand-in answers with a scan of the collection.
        """
        stored = await self.find({"_id": document["_id"]}, fields=[*fields, "_id"], limit=1, by_key=True)
        key = self.unique.of(document) if self.unique else None
        holders = await self.find(key, fields=["_id"], limit=2, by_key=True) if key else []
        return (stored[0] if stored else None), any(doc["_id"] != document["_id"] for doc in holders)

    async def insert(self, document: Doc) -> None:
        self._ensure_writable()
        key = self.unique.of(document) if self.unique else None
        if self.unique and key and await self.find(key, fields=["_id"], limit=1, by_key=True):
            raise self.unique.error()
        with unique_key_errors(self.unique):
            await self._by_key.insert_one(document, session=self._session)

    async def replace(self, query: Doc, document: Doc) -> bool:
        """Replace the document `query` matches (callers checked the unique key first); False when none did."""
        self._ensure_writable()
        with unique_key_errors(self.unique):
            result = await self._by_key.replace_one(query, document, session=self._session)
        return result.matched_count > 0

    async def replace_each(self, replacements: Sequence[tuple[Doc, Doc]]) -> int:
        """Replace, for each `(query, document)`, the document `query` matches: one `bulk_write`; how many matched.

        Callers checked the unique key first; a duplicate found by the server (a race) is its domain error.
        """
        self._ensure_writable()
        if not replacements:
            return 0
        try:
            result = await self._by_key.bulk_write(
                [ReplaceOne(query, document) for query, document in replacements], session=self._session
            )
        except BulkWriteError as error:
            duplicate = any(e.get("code") == _DUPLICATE_KEY for e in error.details.get("writeErrors", []))
            if duplicate and self.unique is not None:
                raise self.unique.error() from error
            raise
        return result.matched_count

    async def replace_if_present(self, document: Doc) -> None:
        """Replace the stored document with the same `_id`; nothing happens when there is none."""
        current, held = await self.current_and_holder(document)
        if current is None:
            return
        if held and self.unique:
            raise self.unique.error()
        await self.replace({"_id": document["_id"]}, document)

    async def upsert(self, document: Doc) -> None:
        """Replace, or insert when absent (the stand-in's `replace_one(upsert=True)` inserts under another id)."""
        if await self.replace({"_id": document["_id"]}, document):
            return
        try:
            await self.insert(document)
        except DuplicateKeyError as error:  # another process inserted it since: let the caller retry
            raise ConcurrentUpdate from error

    async def delete(self, query: Doc) -> None:
        self._ensure_writable()
        await self._by_key.delete_one(query, session=self._session)

    async def replace_all(self, keys: Sequence[Any], documents: Sequence[Doc]) -> None:
        """Delete the documents with these `_id`s, then insert `documents`: two round trips however many.

        What an upsert of each would do, without `replace_one(upsert=True)`, which the stand-in gets wrong.
        """
        self._ensure_writable()
        await self._by_key.delete_many({"_id": {"$in": list(keys)}}, session=self._session)
        if documents:
            await self._by_key.insert_many(documents, session=self._session)

    def _ensure_writable(self) -> None:
        if self._read_only:
            raise PermissionError("A store reader cannot write.")


# --------------------------------------------------------------------------- repositories


class _Documents(Generic[T]):
    """What every repository does with its collection: decode what it finds, by id or by query."""

    _kind: type[T]
    _derived: frozenset[str] = frozenset()
    """Fields written for queries only, dropped before decoding."""

    def __init__(self, collection: MongoCollection) -> None:
        self._collection = collection

    def _decoded(self, document: Doc) -> T:
        return _decode(document, self._kind, self._derived)

    async def _find(self, query: Doc, **options: Any) -> list[T]:
        return [self._decoded(doc) for doc in await self._collection.find(query, **options)]

    async def _find_one(self, query: Doc) -> T | None:
        found = await self._collection.find_one(query)
        return self._decoded(found) if found is not None else None

    async def _by_id(self, value: str) -> T | None:
        oid = object_id(value)
        return await self._find_one({"_id": oid}) if oid is not None else None

    async def _delete(self, value: str) -> None:
        if (oid := object_id(value)) is not None:
            await self._collection.delete({"_id": oid})


# --------------------------------------------------------------------------- campaigns


def _campaign_document(campaign: Campaign) -> Doc:
    artist = campaign.artist
    return _document(
        _new_key(campaign.id),
        campaign,
        **{DUE_MILLIS: epoch_millis(due) if (due := next_transition_at(campaign)) is not None else None},
        searchText=_search_text(campaign.name, campaign.identifier, artist.name if artist else None),
    )


def _campaign_filter(query: CampaignQuery) -> Doc:
    conditions: Doc = {}
    if query.text:
        conditions |= _contains(query.text)
    for field, value in (
        ("type", query.type),
        ("schema.version", query.schema_version),
        ("artist.id", query.artist_id),
        ("status", query.status),
    ):
        if value is not None:
            conditions[field] = str(value)
    if query.readable_ids is not None:
        conditions["_id"] = {"$in": _object_ids(query.readable_ids)}
    return conditions


@translate_driver_errors
class MongoCampaignRepository(_Documents[Campaign], CampaignRepository):
    _kind = Campaign
    _derived = frozenset({DUE_MILLIS, LEGACY_DUE, "searchText"})

    async def get(self, campaign_id: str) -> Campaign | None:
        return await self._by_id(campaign_id)

    async def get_by_site(self, site: str) -> Campaign | None:
        return await self._find_one({"domain.site": site})

    async def add(self, campaign: Campaign) -> None:
        await self._collection.insert(_campaign_document(campaign))

    async def update(self, campaign: Campaign) -> None:
        """Compare-and-set on id, version and status, checked first in the transaction, then by the write's filter."""
        document = _campaign_document(campaign)
        current, held = await self._collection.current_and_holder(document, ["version", "status"])
        if current is None or current.get("version") != campaign.version - 1:
            raise ConcurrentUpdate
        if held:
            raise DomainAlreadyClaimed
        cas = {"_id": document["_id"], "version": campaign.version - 1, "status": current["status"]}
        if not await self._collection.replace(cas, document):
            raise ConcurrentUpdate

    async def update_many(self, updates: Sequence[GuardedUpdate]) -> set[str]:
        """One read of the stored versions and statuses, then one `bulk_write` of compare-and-set replacements.

        In the unit of work's transaction: a campaign another transaction changes meanwhile is a write
        conflict on a replica set, which aborts the transaction (ConcurrentUpdate: run it again). A
        replacement whose filter matched nothing (the stand-in, which does not isolate transactions)
        is the same: this write cannot tell which one missed.
        """
        if not updates:
            return set()
        documents = [(update, _campaign_document(update.campaign)) for update in updates]
        found = await self._collection.find(
            {"_id": {"$in": [document["_id"] for _, document in documents]}},
            fields=["_id", "version", "status", "domain"],
            by_key=True,
        )
        stored = {doc["_id"]: doc for doc in found}
        fresh = [
            (update, document)
            for update, document in documents
            if (current := stored.get(document["_id"])) is not None
            and (current.get("version"), current.get("status"))
            == (update.campaign.version - 1, update.expected_status.value)
        ]
        for update, document in fresh:
            claimed = update.campaign.site
            if claimed and claimed != _path(stored[document["_id"]], "domain.site"):
                _, held = await self._collection.current_and_holder(document)
                if held:
                    raise DomainAlreadyClaimed
        replacements = [
            (
                {
                    "_id": document["_id"],
                    "version": update.campaign.version - 1,
                    "status": update.expected_status.value,
                },
                document,
            )
            for update, document in fresh
        ]
        if await self._collection.replace_each(replacements) != len(replacements):
            raise ConcurrentUpdate
        return {update.campaign.id for update, _ in fresh}

    async def find_due(self, now: dt.datetime, *, after: tuple[dt.datetime, str] | None, limit: int) -> list[Campaign]:
        """Keyset paging on the `nextTransitionMs` index: integer ranges on it alone, no `$or`, no condition on `_id`.

        The stand-in answers a range from its index only when the bounds are numbers (a range on a date,
        `$or`, or a condition on `_id` next to another one, it answers by reading the whole collection: ADR 0008).
        Past `after`, the range starts at its millisecond, and the campaigns up to it in (due instant, id)
        order (the previous page's last ones, already returned) are dropped here.
        """
        order = [(DUE_MILLIS, ASCENDING), ("_id", ASCENDING)]
        until = epoch_millis(now)
        if after is None:
            return await self._find({DUE_MILLIS: {"$lte": until}}, sort=order, limit=limit)
        at, last_id = after
        cursor = (at, object_id(last_id) or ObjectId("0" * 24))
        kept: list[Doc] = []
        skip = 0
        while len(kept) < limit:
            batch = await self._collection.find(
                {DUE_MILLIS: {"$gte": epoch_millis(at), "$lte": until}}, sort=order, skip=skip, limit=limit
            )
            kept.extend(doc for doc in batch if (EPOCH + doc[DUE_MILLIS] * MILLISECOND, doc["_id"]) > cursor)
            if len(batch) < limit:
                break
            skip += len(batch)
        return [self._decoded(doc) for doc in kept[:limit]]

    async def add_due_millis(self) -> int:
        """Rewrite the documents still carrying `nextTransitionAt` in today's shape (`nextTransitionMs`); how many.

        `campaigns db init` runs it before it creates the `nextTransitionMs` index, so a store with that
        index has no such document left (unless a process of the previous release wrote one since: run
        `db init` again once none runs). Each document is replaced whole, on its `_id` and `version`: one
        a writer changed meanwhile was rewritten by that writer. No event is emitted: nothing changed.
        """
        ids = [doc["_id"] for doc in await self._collection.find({LEGACY_DUE: {"$gte": EARLIEST}}, fields=["_id"])]
        rewritten = 0
        for start in range(0, len(ids), _REWRITE_BATCH):
            found = await self._collection.find({"_id": {"$in": ids[start : start + _REWRITE_BATCH]}}, by_key=True)
            rewritten += await self._collection.replace_each(
                [
                    ({"_id": doc["_id"], "version": doc["version"]}, _campaign_document(self._decoded(doc)))
                    for doc in found
                ]
            )
        return rewritten

    async def search(self, query: CampaignQuery) -> CampaignPage:
        conditions = _campaign_filter(query)
        direction = DESCENDING if query.direction is SortDirection.DESC else ASCENDING
        campaigns = await self._find(
            conditions,
            sort=[(query.sort_by.value, direction), ("_id", direction)],
            skip=query.page * query.page_size,
            limit=query.page_size,
        )
        if query.readable_ids is None:
            total = await self._collection.count(conditions)
        else:  # at most that many: count their ids (the stand-in's count_documents never matches an ObjectId)
            total = len(await self._collection.find(conditions, fields=["_id"]))
        return CampaignPage(campaigns=campaigns, total=total)

    async def get_many(self, campaign_ids: Sequence[str]) -> list[Campaign]:
        return await self._find({"_id": {"$in": _object_ids(campaign_ids)}}, by_key=True)

    async def ids(self) -> list[str]:
        """Every campaign's id (for `db init`)."""
        return [str(doc["_id"]) for doc in await self._collection.find({}, fields=["_id"], by_key=True)]

    async def ping(self) -> None:
        await self._collection.ping()


# --------------------------------------------------------------------------- markets


def _market_document(market: Market) -> Doc:
    notification = market.notification
    # Only markets still to be notified carry `notifyAt`: the due query is one range on its index.
    notify_at = notification.date if notification is not None and notification.notified is None else None
    return _document(_new_key(market.id), market, notifyAt=notify_at)


@translate_driver_errors
class MongoMarketRepository(_Documents[Market], MarketRepository):
    _kind = Market
    _derived = frozenset({"notifyAt"})

    async def get(self, market_id: str) -> Market | None:
        return await self._by_id(market_id)

    async def list_for_campaign(self, campaign_id: str) -> list[Market]:
        return await self._find({"campaign_id": campaign_id})

    async def list_for_campaigns(self, campaign_ids: Sequence[str]) -> list[Market]:
        found = await self._find({"campaign_id": {"$in": list(campaign_ids)}})
        return sorted(found, key=lambda market: (market.campaign_id, market.id))

    async def add(self, market: Market) -> None:
        await self._collection.insert(_market_document(market))

    async def update(self, market: Market) -> None:
        await self._collection.replace_if_present(_market_document(market))

    async def delete(self, market_id: str) -> None:
        await self._delete(market_id)

    async def get_many(self, market_ids: Sequence[str]) -> list[Market]:
        return await self._find({"_id": {"$in": _object_ids(market_ids)}}, by_key=True)

    async def presales_between(self, start: dt.datetime, end: dt.datetime) -> list[Market]:
        return await self._find(
            {"event.presaleDateTime": {"$gte": at_or_after(start), "$lte": end}},
            sort=[("event.presaleDateTime", ASCENDING), ("_id", ASCENDING)],
        )

    async def notifiable(self, now: dt.datetime) -> list[Market]:
        return await self._find({"notifyAt": {"$lte": now}}, sort=[("notifyAt", ASCENDING), ("_id", ASCENDING)])


# --------------------------------------------------------------------------- the event-mapping read model

_LISTED = "listed"
"""1 when `/campaigns/events` lists the campaign, else 0: an integer, as the stand-in compares booleans wrongly."""
_WINDOW_START, _WINDOW_END = "presaleStartMs", "presaleEndMs"
"""The presale window in milliseconds since the epoch: integers, as the stand-in reads every document for a
date range."""


def _event_map_document(mapping: EventMapping) -> Doc:
    document: Doc = {
        "_id": mapping.campaign_id,
        "eventIds": mapping.event_ids,
        "categoryIds": mapping.category_ids,
        _LISTED: int(mapping.listed_for_events),
    }
    if mapping.presale_start is not None and mapping.presale_end is not None:
        document |= {_WINDOW_START: epoch_millis(mapping.presale_start), _WINDOW_END: epoch_millis(mapping.presale_end)}
    return document


@translate_driver_errors
class MongoEventMapRepository(EventMapRepository):
    """The event-mapping read model: `eventIds` and `categoryIds` are multikey indexes, the window a compound one.

    A window query ranges on the end and filters the start inside the same index: it reads the index
    entries of the windows ending after the range starts (on a real server, without fetching documents
    it leaves out), then the documents of those that overlap.
    """

    def __init__(self, collection: MongoCollection) -> None:
        self._collection = collection

    async def put(self, mappings: Sequence[EventMapping]) -> None:
        if mappings:
            await self._collection.replace_all(
                [mapping.campaign_id for mapping in mappings], [_event_map_document(mapping) for mapping in mappings]
            )

    async def campaign_ids(self) -> set[str]:
        """Every mapped campaign's id (for `db init`)."""
        return {str(doc["_id"]) for doc in await self._collection.find({}, fields=["_id"], by_key=True)}

    async def campaign_ids_for_event(self, event_id: str) -> list[str]:
        found = await self._collection.find({"eventIds": {"$in": [event_id]}, _LISTED: 1}, fields=["_id"])
        return sorted(str(doc["_id"]) for doc in found)

    async def _ids_in_window(self, field: str, start: dt.datetime, end: dt.datetime) -> list[str]:
        found = await self._collection.find(
            {_WINDOW_END: {"$gte": epoch_millis(at_or_after(start))}, _WINDOW_START: {"$lte": epoch_millis(end)}},
            fields=[field],
        )
        return sorted({value for doc in found for value in doc.get(field, [])})

    async def event_ids_in_window(self, start: dt.datetime, end: dt.datetime) -> list[str]:
        return await self._ids_in_window("eventIds", start, end)

    async def category_ids_in_window(self, start: dt.datetime, end: dt.datetime) -> list[str]:
        return await self._ids_in_window("categoryIds", start, end)

    async def campaign_ids_with_categories(self, category_ids: Sequence[str]) -> list[str]:
        found = await self._collection.find({"categoryIds": {"$in": list(category_ids)}}, fields=["_id"])
        return sorted(str(doc["_id"]) for doc in found)


# --------------------------------------------------------------------------- promoters, contacts, event statuses


@translate_driver_errors
class MongoPromoterRepository(_Documents[Promoter], PromoterRepository):
    _kind = Promoter

    async def get(self, promoter_id: str) -> Promoter | None:
        return await self._by_id(promoter_id)

    async def list_all(self) -> list[Promoter]:
        return await self._find({}, sort=[("name", ASCENDING), ("_id", ASCENDING)])

    async def add(self, promoter: Promoter) -> None:
        await self._collection.insert(_document(_new_key(promoter.id), promoter))

    async def update(self, promoter: Promoter) -> None:
        await self._collection.replace_if_present(_document(_new_key(promoter.id), promoter))

    async def delete(self, promoter_id: str) -> None:
        await self._delete(promoter_id)


@translate_driver_errors
class MongoContactRepository(_Documents[Contact], ContactRepository):
    _kind = Contact
    _derived = frozenset({"searchText", "emailLower"})

    async def get(self, contact_id: str) -> Contact | None:
        return await self._by_id(contact_id)

    async def search(self, text: str | None, *, page: int, page_size: int) -> tuple[list[Contact], int]:
        query = _contains(text) if text else {}
        found = await self._find(
            query, sort=[("name", ASCENDING), ("_id", ASCENDING)], skip=page * page_size, limit=page_size
        )
        return found, await self._collection.count(query)

    async def find_by_email(self, email: str) -> Contact | None:
        found = await self._find({"emailLower": email.lower()}, limit=1, by_key=True)
        return found[0] if found else None

    async def upsert(self, contact: Contact) -> None:
        await self._collection.upsert(
            _document(
                _new_key(contact.id),
                contact,
                searchText=_search_text(contact.name, contact.email, *contact.keyword),
                emailLower=contact.email.lower(),
            )
        )


@translate_driver_errors
class MongoEventStatusRepository(_Documents[EventStatus], EventStatusRepository):
    """Keyed by the Ticketmaster event id itself (a string `_id`, not an ObjectId)."""

    _kind = EventStatus

    async def find(self, status: str | None, until: dt.datetime | None) -> list[EventStatus]:
        query: Doc = {}
        if status is not None:
            query["status"] = status
        if until is not None:
            query["date.end"] = {"$lte": until}
        return await self._find(query)

    async def upsert(self, record: EventStatus) -> None:
        await self._collection.upsert(_document(record.id, record))


# --------------------------------------------------------------------------- the set of repositories


class MongoRepositories(NamedTuple):
    campaigns: MongoCampaignRepository
    markets: MongoMarketRepository
    promoters: MongoPromoterRepository
    contacts: MongoContactRepository
    event_statuses: MongoEventStatusRepository
    event_maps: MongoEventMapRepository


async def map_unmapped_campaigns(repositories: MongoRepositories) -> int:
    """Give every campaign the event-mapping read model lacks its mapping, in batches; how many (for `db init`)."""
    mapped = await repositories.event_maps.campaign_ids()
    missing = [campaign_id for campaign_id in await repositories.campaigns.ids() if campaign_id not in mapped]
    for start in range(0, len(missing), _REWRITE_BATCH):
        batch = missing[start : start + _REWRITE_BATCH]
        campaigns = await repositories.campaigns.get_many(batch)
        await repositories.event_maps.put(
            event_mappings(campaigns, await repositories.markets.list_for_campaigns(batch))
        )
    return len(missing)


def mongo_repositories(
    database: AsyncDatabase[Doc], slot: SessionSlot, *, lists: _ServerMode, read_only: bool
) -> MongoRepositories:
    """Every repository on `database`, in `slot`'s session, lists read with `lists`."""

    def collection(name: str, unique: UniqueKey | None = None) -> MongoCollection:
        return MongoCollection(database, name, slot, lists=lists, unique=unique, read_only=read_only)

    return MongoRepositories(
        campaigns=MongoCampaignRepository(collection(CAMPAIGNS, CAMPAIGN_SITE)),
        markets=MongoMarketRepository(collection(MARKETS, MARKET_NAME)),
        promoters=MongoPromoterRepository(collection(PROMOTERS, PROMOTER_NAME)),
        contacts=MongoContactRepository(collection(CONTACTS)),
        event_statuses=MongoEventStatusRepository(collection(EVENT_STATUSES)),
        event_maps=MongoEventMapRepository(collection(EVENT_MAP)),
    )


INDEXES: dict[str, list[IndexModel]] = {
    CAMPAIGNS: [
        CAMPAIGN_SITE.index(),
        # The lifecycle tick: a range on the due instant, costs O(due); an integer, because the stand-in
        # answers a range on a date by reading every document (ADR 0008). No index here names `_id` after
        # another field: the stand-in then fails every insert ("JSON path error near '_id'").
        IndexModel([(DUE_MILLIS, ASCENDING)], name="next_transition_ms"),
        IndexModel([("artist.id", ASCENDING)], name="artist"),
        IndexModel([("date.created", ASCENDING)], name="created"),
        # The list's search: an unanchored regex cannot seek in any MongoDB index, but a server scans this
        # index's keys instead of the documents and fetches only the matches.
        IndexModel([("searchText", ASCENDING)], name="search_text"),
    ],
    MARKETS: [
        MARKET_NAME.index(),
        IndexModel([("event.presaleDateTime", ASCENDING)], name="presale"),
        # `notifyAt` is `notification.date` of the markets not yet notified: the due reminders, O(due).
        IndexModel([("notifyAt", ASCENDING)], name="notify_at"),
    ],
    EVENT_MAP: [
        IndexModel([("eventIds", ASCENDING)], name="event_ids"),
        IndexModel([("categoryIds", ASCENDING)], name="category_ids"),
        IndexModel([(_WINDOW_END, ASCENDING), (_WINDOW_START, ASCENDING)], name="presale_window"),
    ],
    PROMOTERS: [PROMOTER_NAME.index()],
    CONTACTS: [
        IndexModel([("name", ASCENDING)], name="name"),
        IndexModel([("emailLower", ASCENDING)], name="email"),
        IndexModel([("searchText", ASCENDING)], name="search_text"),
    ],
    EVENT_STATUSES: [
        IndexModel([("status", ASCENDING), ("date.end", ASCENDING)], name="status_end"),
        IndexModel([("date.end", ASCENDING)], name="end"),
    ],
    OUTBOX: [
        # Not unique: entries not numbered yet have no sequence, and numbering transactions conflict on the counter.
        IndexModel([("sequence", ASCENDING)], name="sequence"),
        # A sink's fresh entries: its types past its position, merged in sequence order.
        IndexModel([("type", ASCENDING), ("sequence", ASCENDING)], name="delivery_order"),
        IndexModel([("occurredAt", ASCENDING)], name="retention"),
        # Committed entries not numbered yet, per aggregate in commit order: what a relay numbers next.
        IndexModel([("stage", ASCENDING), ("aggregateId", ASCENDING), ("streamSeq", ASCENDING)], name="numbering"),
    ],
    OUTBOX_STREAMS: [],
    OUTBOX_POSITIONS: [],
    OUTBOX_PARKED: [
        IndexModel([("sink", ASCENDING), ("state", ASCENDING), ("sequence", ASCENDING)], name="sink_state_order"),
    ],
    COUNTERS: [],
    LEASES: [],
}
"""Every collection and its indexes, by name; `MongoDatabase.ensure_indexes` creates what is missing."""
