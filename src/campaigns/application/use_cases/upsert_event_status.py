"""Create or replace the status record of one Ticketmaster event."""

from __future__ import annotations

import datetime as dt

from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.transactions import reruns_aborted_transactions
from campaigns.domain.event_status import EventStatus, EventStatusDates
from campaigns.domain.event_status_validation import ensure_valid_event_status
from campaigns.domain.permissions import Principal


class UpsertEventStatus:
    """Store `{status, date: {end}}` as the status record of the event in the path.

    - Supreme users only.
    - `status` is required and non-empty; `date.end` is optional.
    - The event id of the path wins over any `id` in the body.
    - The whole record is replaced: a `date.end` left out is removed.
    - The answer is the stored record `{id, status, date: {end}}`.
    """

    def __init__(self, *, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    @reruns_aborted_transactions
    async def execute(
        self, principal: Principal, event_id: str, status: str | None, end: dt.datetime | None
    ) -> EventStatus:
        principal.ensure_supreme()
        record = EventStatus(id=event_id, status=ensure_valid_event_status(status, end), date=EventStatusDates(end=end))
        async with self._uow() as uow:
            await uow.event_statuses.upsert(record)
            await uow.commit()
        return record
