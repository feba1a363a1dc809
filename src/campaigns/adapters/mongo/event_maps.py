"""The event-mapping read model over MongoDB: campaigns by event id, by category id and by presale window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from campaigns.adapters.mongo.collection import MongoCollection
from campaigns.adapters.mongo.documents import Doc, at_or_after, epoch_millis
from campaigns.adapters.mongo.transactions import translate_driver_errors
from campaigns.application.ports.store import EventMapRepository
from campaigns.domain.event_mapping import EventMapping

_LISTED = "listed"
"""1 when `/campaigns/events` lists the campaign, else 0: an integer, as the stand-in compares booleans wrongly."""
WINDOW_START, WINDOW_END = "presaleStartMs", "presaleEndMs"
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
        document |= {WINDOW_START: epoch_millis(mapping.presale_start), WINDOW_END: epoch_millis(mapping.presale_end)}
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
            {WINDOW_END: {"$gte": epoch_millis(at_or_after(start))}, WINDOW_START: {"$lte": epoch_millis(end)}},
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
