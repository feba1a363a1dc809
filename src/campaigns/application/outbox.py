"""The outbox as data: entries, sinks as the outbox knows them, and what a delivery reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import msgspec

from campaigns.domain.events import AnyEvent


class OutboxEntry(msgspec.Struct, frozen=True, kw_only=True):
    """A committed event waiting for delivery; `id` is stable across retries for consumer de-duplication."""

    id: str
    sequence: int
    """Delivery order: a later commit on the same aggregate has a larger sequence (SQLite and the fake number every
    commit in order; MongoDB numbers entries once committed, so across aggregates it is the order relays found them)."""
    event: AnyEvent


class SinkRoute(msgspec.Struct, frozen=True, kw_only=True):
    """A sink as the outbox knows it: its name keys its delivery position, parked entries and lease."""

    name: str
    event_types: frozenset[str]


def purge_bounds(sinks: Sequence[SinkRoute], positions: Mapping[str, int]) -> dict[str, int]:
    """Per event type, the highest sequence every sink taking that type has (types no sink takes: absent)."""
    bounds: dict[str, int] = {}
    for sink in sinks:
        position = positions.get(sink.name, 0)
        for kind in sink.event_types:
            bounds[kind] = min(bounds.get(kind, position), position)
    return bounds


class OutboxStats(msgspec.Struct, frozen=True, kw_only=True):
    """One sink's delivery state."""

    backlog: int
    parked: int
    oldest_pending_at: dt.datetime | None


class ParkedEntry(msgspec.Struct, frozen=True, kw_only=True):
    sink: str
    entry_id: str
    type: str
    subject: str
    error: str
    parked_at: dt.datetime
    requeued: bool


class Rejection(msgspec.Struct, frozen=True, kw_only=True):
    entry_id: str
    reason: str


class StagedOutbox:
    """A unit of work's outbox: the events its use case appended, which the store writes with its commit."""

    def __init__(self) -> None:
        self.staged: list[AnyEvent] = []

    def append(self, events: Sequence[AnyEvent]) -> None:
        self.staged.extend(events)
