"""The event status repository over MongoDB: records keyed by the Ticketmaster event id."""

from __future__ import annotations

import datetime as dt

from campaigns.adapters.mongo.collection import Documents
from campaigns.adapters.mongo.documents import Doc, as_document
from campaigns.adapters.mongo.transactions import translate_driver_errors
from campaigns.application.ports.store import EventStatusRepository
from campaigns.domain.event_status import EventStatus


@translate_driver_errors
class MongoEventStatusRepository(Documents[EventStatus], EventStatusRepository):
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
        await self._collection.upsert(as_document(record.id, record))
