"""Domain documents as MongoDB stores them, the collections that hold them, and the helpers every query needs.

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

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import msgspec
from bson import ObjectId

Doc = dict[str, Any]
T = TypeVar("T")


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


_HEX_ID = re.compile(r"[0-9a-f]{24}")
REWRITE_BATCH = 500
"""Documents read and replaced per `bulk_write` when `db init` rewrites them."""


def object_id(value: str) -> ObjectId | None:
    """The ObjectId a 24-hex id names, or None: such an id is stored nowhere."""
    return ObjectId(value) if _HEX_ID.fullmatch(value) else None


def object_ids(values: Sequence[str] | frozenset[str]) -> list[ObjectId]:
    return sorted({oid for value in values if (oid := object_id(value)) is not None})


def new_key(value: str) -> ObjectId:
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


def contains(text: str) -> Doc:
    """A case-insensitive substring match on `searchText`: the term lowered and taken literally."""
    return {"searchText": {"$regex": re.escape(text.lower())}}


def as_document(key: Any, struct: msgspec.Struct, **derived: Any) -> Doc:
    """The BSON document of a domain struct: `id` as `_id`, instants as dates, then the derived fields that are set."""
    fields: Doc = msgspec.to_builtins(struct, builtin_types=(dt.datetime,))
    del fields["id"]
    return {"_id": key, **fields, **{name: value for name, value in derived.items() if value is not None}}


def decoded(document: Mapping[str, Any], kind: type[T], derived: frozenset[str] = frozenset()) -> T:
    fields = {name: value for name, value in document.items() if name != "_id" and name not in derived}
    return msgspec.convert({**fields, "id": str(document["_id"])}, kind)


def value_at(document: Mapping[str, Any], path: str) -> Any:
    value: Any = document
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value
