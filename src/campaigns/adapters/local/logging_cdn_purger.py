"""The embedded profile's CDN sink: purges logged, not sent."""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from campaigns.application.cdn import batch_purge_keys
from campaigns.application.outbox import OutboxEntry, Rejection, SinkRoute
from campaigns.application.ports.outbox import EventSink

log = structlog.get_logger("campaigns.cdn")


class LoggingCdnPurger(EventSink):
    """Logs one `cdn purge` line per batch with the surrogate keys Fastly would soft-purge.

    Stands in while `CAMPAIGNS_FASTLY_*` is unset, so a newcomer sees which changes purge what.
    """

    def __init__(self, *, route: SinkRoute) -> None:
        self.route = route

    async def deliver(self, entries: Sequence[OutboxEntry]) -> list[Rejection]:
        if keys := batch_purge_keys(entry.event for entry in entries):
            log.info("cdn purge", surrogate_keys=keys, soft=True, events=[entry.id for entry in entries])
        return []
