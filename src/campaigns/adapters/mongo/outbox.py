"""The relays' side of the outbox over MongoDB: numbering committed entries, delivery positions, parking, leases."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Sequence
from operator import itemgetter

import msgspec
from pymongo import ASCENDING, ReplaceOne, ReturnDocument
from pymongo.errors import DuplicateKeyError, PyMongoError

from campaigns.adapters.mongo.collection import primary
from campaigns.adapters.mongo.database import MongoDatabase
from campaigns.adapters.mongo.documents import (
    COUNTERS,
    LEASES,
    OUTBOX,
    OUTBOX_PARKED,
    OUTBOX_POSITIONS,
    Doc,
    at_or_after,
)
from campaigns.adapters.mongo.transactions import TRANSACTION, TRANSIENT_TRANSACTION_ERROR, translate_driver_errors
from campaigns.application.event_catalogue import event_type
from campaigns.application.outbox import OutboxEntry, OutboxStats, ParkedEntry, SinkRoute, purge_bounds
from campaigns.application.ports.outbox import OutboxStore
from campaigns.domain.events import AnyEvent

_PARKED, _REQUEUED = "parked", "requeued"
"""A parked entry's `state`: strings rather than a boolean, which the stand-in compares wrongly."""
UNNUMBERED = "unnumbered"
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
        self._outbox = primary(db.database, OUTBOX)
        self._counters = primary(db.database, COUNTERS)
        self._positions = primary(db.database, OUTBOX_POSITIONS)
        self._parked = primary(db.database, OUTBOX_PARKED)
        self._leases = primary(db.database, LEASES)

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
            async with self._client.start_session() as session, await session.start_transaction(**TRANSACTION):
                committed = await self._outbox.find(
                    {"stage": UNNUMBERED},
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
            unnumbered: Doc = {"stage": UNNUMBERED, "type": {"$in": sorted(sink.event_types)}}
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
