"""Ports of event delivery: the outbox as the relay reads it, and the sinks it delivers to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from campaigns.application.outbox import OutboxEntry, OutboxStats, ParkedEntry, Rejection, SinkRoute


class OutboxStore(Protocol):
    """The relays' view of the outbox: one delivery position, parked set and lease per sink.

    An entry is pending for a sink when its type is one the sink takes and its sequence is past
    the sink's position, or when it was parked for that sink and then requeued. Sinks never wait
    for each other.
    """

    async def pending(self, sink: SinkRoute, limit: int) -> list[OutboxEntry]:
        """The sink's requeued entries, then its entries past its position, each in sequence order."""
        ...

    async def acknowledge(self, sink: str, entries: Sequence[OutboxEntry]) -> None:
        """The sink has these: its position moves past them (never back) and requeued ones leave the parked set."""
        ...

    async def park(self, sink: str, entry: OutboxEntry, *, error: str, at: dt.datetime) -> None:
        """Set an entry the sink rejected for good aside, with the reason, for an operator to requeue."""
        ...

    async def stats(self, sink: SinkRoute) -> OutboxStats: ...

    async def parked(self, sink: str | None = None) -> list[ParkedEntry]:
        """Parked entries (of one sink, or all), oldest first."""
        ...

    async def requeue_parked(self, sink: str | None = None) -> int:
        """Put parked entries (of one sink, or all) back in line once the cause is fixed; returns how many."""
        ...

    async def delivered_since(
        self, sink: SinkRoute, since: dt.datetime, *, after_sequence: int, limit: int
    ) -> list[OutboxEntry]:
        """Entries the sink already has, of events at or after `since`, past `after_sequence`: for a replay."""
        ...

    async def purge_delivered(self, *, before: dt.datetime, sinks: Sequence[SinkRoute]) -> int:
        """Delete entries of events before `before` that every sink taking their type has, and none holds parked."""
        ...

    async def hold_lease(self, name: str, holder: str, *, now: dt.datetime, until: dt.datetime) -> bool:
        """Take or extend the lease `name`; False while another holder's lease runs.

        One relay per sink at a time keeps each sink's stream in commit order when many
        schedulers share a store.
        """
        ...

    async def release_lease(self, name: str, holder: str) -> None:
        """Give the lease up at once (a no-op unless `holder` has it)."""
        ...


class EventSink(Protocol):
    """A destination of committed events (Kinesis, SQS, Redis, the CDN, a local file).

    `deliver` raises `DependencyUnavailable` when the sink cannot take the batch now (the relay
    retries the whole batch with backoff; delivering an entry twice must be harmless), and
    returns the entries it will never take (too large, refused as malformed), which are parked.
    """

    route: SinkRoute

    async def deliver(self, entries: Sequence[OutboxEntry]) -> list[Rejection]: ...
