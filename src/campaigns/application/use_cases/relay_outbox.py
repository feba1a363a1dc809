"""Deliver committed outbox entries to one sink."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import msgspec

from campaigns.application.ports.outbox import EventSink, OutboxStore
from campaigns.application.ports.system import Clock

BATCH_SIZE = 500
LEASE = dt.timedelta(seconds=5)
"""How long a relay that died blocks its sink's delivery; live relays renew it before every batch."""


class RelayReport(msgspec.Struct, frozen=True, kw_only=True):
    sink: str
    delivered: int
    parked: int
    standing_by: bool = False
    """Another relay holds this sink's lease; this one delivered nothing."""


def lease_name(sink: EventSink) -> str:
    return f"relay:{sink.route.name}"


class RelayOutbox:
    """Deliver a sink's pending entries in commit order, at least once.

    - Each sink has its own position, parked entries and lease, so a sink that is down delays
      only itself, and one relay per sink delivers at a time (any number of schedulers may run).
    - A batch is acknowledged only after the sink took it, so a crash redelivers, never loses.
    - A sink that cannot take the batch raises (DependencyUnavailable): the batch stays pending,
      in order, and the caller backs off and retries that sink.
    - An entry the sink rejects for good is parked for that sink, with the reason, so it cannot
      block the stream; the rest of the batch is acknowledged.
    - A relay that dies mid-batch is replaced once its lease runs out (`LEASE`), and that batch
      is delivered again.
    """

    def __init__(
        self,
        *,
        outbox: OutboxStore,
        sinks: Sequence[EventSink],
        clock: Clock,
        holder: str,
        batch_size: int = BATCH_SIZE,
        lease: dt.timedelta = LEASE,
    ) -> None:
        self.sinks = tuple(sinks)
        self._outbox = outbox
        self._clock = clock
        self._holder = holder
        self._batch_size = batch_size
        self._lease = lease

    async def execute(self, sink: EventSink) -> RelayReport:
        """Drain the sink's backlog; returns what was delivered and parked."""
        delivered = parked = 0
        while True:
            now = self._clock.now()
            if not await self._outbox.hold_lease(lease_name(sink), self._holder, now=now, until=now + self._lease):
                return RelayReport(sink=sink.route.name, delivered=delivered, parked=parked, standing_by=True)
            if not (batch := await self._outbox.pending(sink.route, self._batch_size)):
                break
            given = {entry.id: entry for entry in batch}
            rejected = [rejection for rejection in await sink.deliver(batch) if rejection.entry_id in given]
            for rejection in rejected:
                await self._outbox.park(
                    sink.route.name, given[rejection.entry_id], error=rejection.reason, at=self._clock.now()
                )
            await self._outbox.acknowledge(sink.route.name, batch)
            delivered += len(batch) - len(rejected)
            parked += len(rejected)
            if len(batch) < self._batch_size:
                break
        return RelayReport(sink=sink.route.name, delivered=delivered, parked=parked)

    async def stand_down(self) -> None:
        """Hand every lease over at once when this process stops, instead of letting them run out."""
        for sink in self.sinks:
            await self._outbox.release_lease(lease_name(sink), self._holder)
