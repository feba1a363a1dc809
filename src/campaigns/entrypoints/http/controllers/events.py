"""Event status records: what is known of each Ticketmaster event's status (supreme users only)."""

from __future__ import annotations

import datetime as dt
from inspect import getdoc
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from msgspec import UNSET, UnsetType

from campaigns.application.use_cases.list_event_statuses import ListEventStatuses
from campaigns.application.use_cases.upsert_event_status import UpsertEventStatus
from campaigns.domain.campaign import Instant
from campaigns.domain.commands import Input
from campaigns.domain.event_status import EventStatus
from campaigns.entrypoints.http import examples
from campaigns.entrypoints.http.controllers.common import AuthedRequest
from campaigns.entrypoints.http.examples import json_body


class EventStatusDatesInput(Input):
    end: Instant | UnsetType | None = UNSET


class EventStatusInput(Input):
    """`{status, date: {end}}`; an `id` (as read back) is accepted and ignored: the path names the event."""

    status: str
    date: EventStatusDatesInput | UnsetType | None = UNSET
    id: str | UnsetType = UNSET


class EventStatusDatesView(msgspec.Struct, kw_only=True):
    end: dt.datetime


class EventStatusView(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A record as clients see it; a `date.end` that was never set is left out."""

    id: str
    status: str
    date: EventStatusDatesView | None = None


class EventStatusList(msgspec.Struct, kw_only=True):
    """The legacy `{events}` envelope."""

    events: list[EventStatusView]


def event_status_view(record: EventStatus) -> EventStatusView:
    end = record.date.end
    return EventStatusView(
        id=record.id, status=record.status, date=EventStatusDatesView(end=end) if end is not None else None
    )


class EventStatusController(Controller):
    path = "/events"
    tags = ["events"]

    @get(
        "/",
        operation_id="listEventStatuses",
        summary="List event status records",
        description=getdoc(ListEventStatuses),
    )
    async def list_statuses(
        self,
        request: AuthedRequest,
        list_event_statuses: NamedDependency[ListEventStatuses],
        status: Annotated[str | None, QueryParameter(description="Only records with exactly this status.")] = None,
        until: Annotated[
            dt.datetime | None,
            QueryParameter(
                description="Only records whose `date.end` is at or before this ISO-8601 instant "
                "(a date or an instant without offset is UTC).",
            ),
        ] = None,
    ) -> EventStatusList:
        found = await list_event_statuses.execute(request.user, status, until)
        return EventStatusList(events=[event_status_view(record) for record in found])

    @post(
        "/{event_id:str}",
        operation_id="upsertEventStatus",
        summary="Store an event's status record",
        description=getdoc(UpsertEventStatus),
        status_code=200,
    )
    async def upsert(
        self,
        request: AuthedRequest,
        upsert_event_status: NamedDependency[UpsertEventStatus],
        event_id: FromPath[str],
        data: Annotated[EventStatusInput, json_body(examples.EVENT_STATUS, "On sale until a date")],
    ) -> EventStatusView:
        return event_status_view(await upsert_event_status.execute(request.user, event_id, data.status, _end(data)))


def _end(data: EventStatusInput) -> dt.datetime | None:
    dates = data.date
    return dates.end if isinstance(dates, EventStatusDatesInput) and isinstance(dates.end, dt.datetime) else None
