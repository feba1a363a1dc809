"""Send entries a sink already had to it again, for the day a consumer loses data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from campaigns.application.errors import NotFound
from campaigns.application.ports.outbox import EventSink, OutboxStore

BATCH_SIZE = 500


class ReplayOutbox:
    """Re-send one sink's delivered entries committed since an instant, in commit order.

    - Only entries still retained (see the outbox retention) can be replayed.
    - The sink's position and parked entries do not change; consumers drop what they already
      have by event id. Entries the sink rejects again are reported, not parked twice.
    """

    def __init__(self, *, outbox: OutboxStore, sinks: Sequence[EventSink]) -> None:
        self._outbox = outbox
        self._sinks = {sink.route.name: sink for sink in sinks}

    async def execute(self, sink_name: str, since: dt.datetime) -> int:
        """Returns how many entries were sent again."""
        if (sink := self._sinks.get(sink_name)) is None:
            raise NotFound(f"No sink named {sink_name!r} is configured (configured: {', '.join(sorted(self._sinks))}).")
        sent = after = 0
        while batch := await self._outbox.delivered_since(sink.route, since, after_sequence=after, limit=BATCH_SIZE):
            rejected = await sink.deliver(batch)
            sent += len(batch) - len(rejected)
            after = batch[-1].sequence
        return sent
