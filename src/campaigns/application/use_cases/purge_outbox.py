"""Retention for the outbox: delivered entries are kept a while for inspection, then deleted."""

from __future__ import annotations

import datetime as dt

from campaigns.application.ports import Clock, OutboxStore


class PurgeDeliveredOutbox:
    """Delete entries delivered longer ago than the retention period.

    Undelivered and parked entries are never purged: only delivery (or an operator's requeue)
    takes an entry out of the backlog.
    """

    def __init__(self, *, outbox: OutboxStore, clock: Clock, retention: dt.timedelta) -> None:
        self._outbox = outbox
        self._clock = clock
        self._retention = retention

    async def execute(self, retention: dt.timedelta | None = None) -> int:
        """Returns how many entries were deleted; `retention` overrides the configured period."""
        return await self._outbox.purge_delivered(
            before=self._clock.now() - (self._retention if retention is None else retention)
        )
