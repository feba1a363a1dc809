"""The lifecycle scheduler and outbox relay loops: another primary adapter over the same use cases."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import stamina
import structlog

from campaigns.application.errors import DependencyUnavailable
from campaigns.application.ports import OutboxStore
from campaigns.application.use_cases.purge_outbox import PurgeDeliveredOutbox
from campaigns.application.use_cases.refresh_lifecycle import RefreshLifecycle, RefreshReport
from campaigns.application.use_cases.relay_outbox import RelayOutbox
from campaigns.entrypoints.metrics import Metrics

log = structlog.get_logger("campaigns.scheduler")


PURGE_SECONDS = 3600.0


class Scheduler:
    """Tick the lifecycle, relay the outbox, and hourly purge delivered entries past retention.

    `stop()` lets the current tick and relay pass finish; nothing is cut in the middle. Any number
    of schedulers may run at once: transitions are compare-and-set, and one relay at a time holds
    the outbox lease (handed over when its scheduler stops).
    """

    def __init__(
        self,
        *,
        refresh: RefreshLifecycle,
        relay: RelayOutbox,
        purge: PurgeDeliveredOutbox,
        outbox: OutboxStore,
        metrics: Metrics,
        tick_seconds: float,
        relay_seconds: float,
    ) -> None:
        self._refresh = refresh
        self._relay = relay
        self._purge = purge
        self._outbox = outbox
        self._metrics = metrics
        self._tick_seconds = tick_seconds
        self._relay_seconds = relay_seconds
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        log.info("scheduler_started", tick_seconds=self._tick_seconds, relay_seconds=self._relay_seconds)
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._every(self._tick_seconds, self.tick))
                group.create_task(self._every(self._relay_seconds, self.relay))
                group.create_task(self._every(PURGE_SECONDS, self.purge))
        finally:
            await self._relay.stand_down()

    async def tick(self) -> RefreshReport:
        report = await self._refresh.execute()
        self._metrics.record_refresh(report)
        if report.campaigns:
            log.info("lifecycle_tick", opened=report.opened, closed=report.closed, deactivated=report.deactivated)
        return report

    async def relay(self) -> None:
        """Drain the outbox, backing off exponentially while a sink is down (nothing is dropped)."""
        async for attempt in stamina.retry_context(
            on=DependencyUnavailable, attempts=None, timeout=None, wait_initial=0.5, wait_max=30.0
        ):
            with attempt:
                if self._stopping.is_set() and attempt.num > 1:
                    return
                report = await self._relay.execute()
        stats = await self._outbox.stats()
        self._metrics.outbox_backlog.set(stats.backlog)
        self._metrics.outbox_parked.set(stats.parked)
        if report.delivered or report.parked:
            log.info("outbox_relayed", delivered=report.delivered, parked=report.parked)

    async def purge(self) -> None:
        if purged := await self._purge.execute():
            log.info("outbox_purged", entries=purged)

    async def _every(self, seconds: float, job: Callable[[], Awaitable[object]]) -> None:
        while not self._stopping.is_set():
            try:
                await job()
            except Exception:
                log.exception("scheduler_job_failed", job=getattr(job, "__name__", "job"))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
