"""Search the event status records."""

from __future__ import annotations

import datetime as dt

from campaigns.application.ports.store import StoreReader
from campaigns.domain.event_status import EventStatus
from campaigns.domain.permissions import Principal


class ListEventStatuses:
    """Event status records, filtered by `status` and by `until` (`date.end` at or before it).

    - Supreme users only.
    - `status` matches exactly; `until` is an instant (a date without offset is UTC). A record
      without `date.end` is left out when `until` is given.
    - In event id order. The answer is `{events: [...]}`.
    """

    def __init__(self, *, reads: StoreReader) -> None:
        self._reads = reads

    async def execute(self, principal: Principal, status: str | None, until: dt.datetime | None) -> list[EventStatus]:
        principal.ensure_supreme()
        return await self._reads.event_statuses.find(status, until)
