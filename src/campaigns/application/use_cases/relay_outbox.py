"""Deliver committed outbox entries to every sink."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import msgspec

from campaigns.application.errors import DeliveryRejected
from campaigns.application.ports import Clock, EventSink, OutboxStore

BATCH_SIZE = 500
LEASE = dt.timedelta(seconds=60)


class RelayReport(msgspec.Struct, frozen=True, kw_only=True):
    delivered: int
    parked: int
    standing_by: bool = False
    """Another relay holds the lease; this one delivered nothing."""


class RelayOutbox:
    """Deliver pending entries in commit order, at least once, to every sink.

    - A batch is acknowledged only after every sink took it, so a crash redelivers, never loses.
    - A sink that is down raises (DependencyUnavailable): the batch stays pending, in order, and
      the caller backs off and retries.
    - An entry a sink rejects for good is parked (kept, skipped, reported) so it cannot block
      the stream.
    - Only the holder of the store's relay lease delivers, renewing it before every batch: any
      number of schedulers may run, and the stream stays in commit order. A relay that dies
      mid-batch is replaced once its lease runs out, and that batch is delivered again.
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
        self._outbox = outbox
        self._sinks = sinks
        self._clock = clock
        self._holder = holder
        self._batch_size = batch_size
        self._lease = lease

    async def execute(self) -> RelayReport:
        """Drain the backlog; returns what was delivered and parked."""
        delivered = parked = 0
        while True:
            now = self._clock.now()
            if not await self._outbox.hold_lease(self._holder, now=now, until=now + self._lease):
                return RelayReport(delivered=delivered, parked=parked, standing_by=True)
            if not (batch := await self._outbox.pending(self._batch_size)):
                break
            try:
                for sink in self._sinks:
                    await sink.deliver(batch)
            except DeliveryRejected as rejected:
                if rejected.entry_id not in {entry.id for entry in batch}:
                    raise  # a sink naming an entry it was not given is broken: stop rather than spin
                await self._outbox.record_failure(rejected.entry_id, error=rejected.message, park=True)
                parked += 1
                continue
            await self._outbox.mark_delivered([entry.id for entry in batch], at=self._clock.now())
            delivered += len(batch)
            if len(batch) < self._batch_size:
                break
        return RelayReport(delivered=delivered, parked=parked)

    async def stand_down(self) -> None:
        """Hand the lease over at once when this process stops, instead of letting it run out."""
        await self._outbox.release_lease(self._holder)
