"""Event ids and category ids of campaigns whose presale window overlaps a range."""

from __future__ import annotations

import datetime as dt
import enum

from campaigns.application.ports.store import StoreReader
from campaigns.domain.errors import FieldError, InvalidQuery


class PresaleIdKind(enum.Enum):
    EVENT_IDS = "eventIds"
    CATEGORY_IDS = "categoryIds"


class FindPresaleWindowIds:
    """Ids (event or category) of campaigns whose presale window overlaps [start, end].

    - Both dates are required and the range must not end before it starts.
    - Event ids come from the campaigns' `eventIds` and their markets; each is listed once, sorted.
    - One query of the event-mapping read model, whatever the number of campaigns and markets.
    """

    def __init__(self, *, reads: StoreReader) -> None:
        self._reads = reads

    async def execute(self, kind: PresaleIdKind, start: dt.datetime | None, end: dt.datetime | None) -> list[str]:
        missing = [
            FieldError(field=name, message="Required.", code="INVALID_QUERY")
            for name, value in (("presaleQueryStartDate", start), ("presaleQueryEndDate", end))
            if value is None
        ]
        if start is None or end is None:
            raise InvalidQuery(missing)
        if end < start:
            raise InvalidQuery(
                [FieldError(field="presaleQueryEndDate", message="Must not be before the start.", code="INVALID_QUERY")]
            )
        if kind is PresaleIdKind.CATEGORY_IDS:
            return await self._reads.event_maps.category_ids_in_window(start, end)
        return await self._reads.event_maps.event_ids_in_window(start, end)
