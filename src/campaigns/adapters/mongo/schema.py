"""Every collection of the store and its indexes, and what makes two indexes the same (`db init` compares them)."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, IndexModel

from campaigns.adapters.mongo.campaigns import CAMPAIGN_SITE, DUE_MILLIS
from campaigns.adapters.mongo.documents import (
    CAMPAIGNS,
    CONTACTS,
    COUNTERS,
    EVENT_MAP,
    EVENT_STATUSES,
    LEASES,
    MARKETS,
    OUTBOX,
    OUTBOX_PARKED,
    OUTBOX_POSITIONS,
    OUTBOX_STREAMS,
    PROMOTERS,
)
from campaigns.adapters.mongo.event_maps import WINDOW_END, WINDOW_START
from campaigns.adapters.mongo.markets import MARKET_NAME
from campaigns.adapters.mongo.promoters import PROMOTER_NAME

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
        IndexModel([(WINDOW_END, ASCENDING), (WINDOW_START, ASCENDING)], name="presale_window"),
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


IndexSpec = tuple[tuple[str, ...], bool]


def index_spec(key: Any, unique: Any) -> IndexSpec:
    """What makes two indexes the same here: their fields in order, and uniqueness.

    Not the name, which the stand-in replaces by its own, nor directions, which it reports as 1 (ours are all 1).
    """
    return tuple(str(field) for field in dict(key)), bool(unique)


def model_spec(model: IndexModel) -> IndexSpec:
    return index_spec(model.document["key"], model.document.get("unique"))
