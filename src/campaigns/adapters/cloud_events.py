"""CloudEvents 1.0 envelopes for outbox entries: the one wire format every sink sends."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from campaigns.application.ports import OutboxEntry

SOURCE = "urn:campaigns"


class CloudEvent(msgspec.Struct, kw_only=True):
    specversion: str = "1.0"
    id: str
    source: str
    type: str
    time: dt.datetime
    subject: str
    datacontenttype: str = "application/json"
    data: dict[str, Any]


def cloud_event(entry: OutboxEntry) -> CloudEvent:
    """The entry's stable id becomes the CloudEvent id, so consumers can drop redeliveries."""
    data: dict[str, Any] = msgspec.to_builtins(entry.event)
    event_type = str(data.pop("type"))
    return CloudEvent(
        id=entry.id,
        source=SOURCE,
        type=event_type,
        time=entry.event.occurred_at,
        subject=entry.event.aggregate_id,
        data=data,
    )
