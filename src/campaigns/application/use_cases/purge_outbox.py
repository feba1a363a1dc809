"""Retention for the outbox: delivered entries are kept a while for inspection, then deleted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from campaigns.application.ports.outbox import EventSink, OutboxStore
from campaigns.application.ports.system import Clock


class PurgeDeliveredOutbox:
    """Delete entries committed longer ago than the retention period that every sink taking them has.

    An entry some sink has not taken yet, or holds parked, is never purged: only delivery (or an
    operator's requeue and a later delivery) takes an entry out of a sink's backlog.
    """

    def __init__(
        self, *, outbox: OutboxStore, sinks: Sequence[EventSink], clock: Clock, retention: dt.timedelta
    ) -> None:
        self._outbox = outbox
        self._sinks = [sink.route for sink in sinks]
        self._clock = clock
        self._retention = retention

    async def execute(self, retention: dt.timedelta | None = None) -> int:
        """Returns how many entries were deleted; `retention` overrides the configured period."""
        return await self._outbox.purge_delivered(
            before=self._clock.now() - (self._retention if retention is None else retention), sinks=self._sinks
        )
