"""Deliver committed outbox entries to every sink."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from campaigns.application.errors import DeliveryRejected
from campaigns.application.ports import EventSink, OutboxStore

BATCH_SIZE = 500


class RelayReport(msgspec.Struct, frozen=True, kw_only=True):
    delivered: int
    parked: int


class RelayOutbox:
    """Deliver pending entries in commit order, at least once, to every sink.

    - A batch is acknowledged only after every sink took it, so a crash redelivers, never loses.
    - A sink that is down raises (DependencyUnavailable): the batch stays pending, in order, and
      the caller backs off and retries.
    - An entry a sink rejects for good is parked (kept, skipped, reported) so it cannot block
      the stream.
    """

    def __init__(self, *, outbox: OutboxStore, sinks: Sequence[EventSink], batch_size: int = BATCH_SIZE) -> None:
        self._outbox = outbox
        self._sinks = sinks
        self._batch_size = batch_size

    async def execute(self) -> RelayReport:
        """Drain the backlog; returns what was delivered and parked."""
        delivered = parked = 0
        while batch := await self._outbox.pending(self._batch_size):
            try:
                for sink in self._sinks:
                    await sink.deliver(batch)
            except DeliveryRejected as rejected:
                if rejected.entry_id not in {entry.id for entry in batch}:
                    raise  # a sink naming an entry it was not given is broken: stop rather than spin
                await self._outbox.record_failure(rejected.entry_id, error=rejected.message, park=True)
                parked += 1
                continue
            await self._outbox.mark_delivered([entry.id for entry in batch])
            delivered += len(batch)
            if len(batch) < self._batch_size:
                break
        return RelayReport(delivered=delivered, parked=parked)
