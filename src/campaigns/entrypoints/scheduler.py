"""The lifecycle scheduler and outbox relay loops: another primary adapter over the same use cases."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
from collections.abc import Awaitable, Callable

import stamina
import structlog

from campaigns.application.errors import DependencyUnavailable
from campaigns.application.ports.outbox import EventSink, OutboxStore
from campaigns.application.ports.system import Clock
from campaigns.application.use_cases.purge_outbox import PurgeDeliveredOutbox
from campaigns.application.use_cases.refresh_lifecycle import AppliedTransition, RefreshLifecycle, RefreshReport
from campaigns.application.use_cases.relay_outbox import RelayOutbox
from campaigns.entrypoints.metrics import Metrics

log = structlog.get_logger("campaigns.scheduler")


PURGE_SECONDS = 3600.0


class Scheduler:
    """Tick the lifecycle, relay the outbox, and hourly purge delivered entries past retention.

    `stop()` lets the current tick and relay pass finish; nothing is cut in the middle. Any number
    of schedulers may run at once: transitions are compare-and-set, and one relay at a time holds
    each sink's lease (handed over when its scheduler stops).
    """

    def __init__(
        self,
        *,
        refresh: RefreshLifecycle,
        relay: RelayOutbox,
        purge: PurgeDeliveredOutbox,
        outbox: OutboxStore,
        metrics: Metrics,
        clock: Clock,
        tick_seconds: float,
        relay_seconds: float,
    ) -> None:
        self._refresh = refresh
        self._relay = relay
        self._purge = purge
        self._outbox = outbox
        self._metrics = metrics
        self._clock = clock
        self._tick_seconds = tick_seconds
        self._relay_seconds = relay_seconds
        self._stopping = asyncio.Event()
        self._failing: set[str] = set()

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        log.info("scheduler_started", tick_seconds=self._tick_seconds, relay_seconds=self._relay_seconds)
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._every(self._tick_seconds, self.tick))
                for sink in self._relay.sinks:
                    group.create_task(self._every(self._relay_seconds, functools.partial(self.relay, sink)))
                group.create_task(self._every(PURGE_SECONDS, self.purge))
        finally:
            await self._relay.stand_down()
            log.info("scheduler_stopped")

    async def tick(self) -> RefreshReport:
        report = await self._refresh.execute()
        self._metrics.record_refresh(report)
        for applied in report.campaigns:
            log.info(
                "lifecycle_transition",
                campaign_id=applied.id,
                domain=applied.domain,
                from_status=applied.from_,
                to_status=applied.to,
                due_at=applied.due_at,
                applied_at=applied.applied_at or report.at,
                lateness_seconds=_lateness(applied, report.at),
            )
        if report.campaigns:
            log.info("lifecycle_tick", opened=report.opened, closed=report.closed, deactivated=report.deactivated)
        return report

    async def relay(self, sink: EventSink) -> None:
        """Drain one sink's backlog, backing off exponentially while it is down (nothing is dropped).

        Each sink has its own loop, so a sink that is down delays only itself. Its gauges are
        refreshed after every attempt, failed ones included, so an outage shows while it lasts.
        """
        name = sink.route.name
        async for attempt in stamina.retry_context(
            on=DependencyUnavailable, attempts=None, timeout=None, wait_initial=0.5, wait_max=30.0
        ):
            with attempt:
                if self._stopping.is_set() and attempt.num > 1:
                    return
                try:
                    report = await self._relay.execute(sink)
                except DependencyUnavailable as error:
                    if name not in self._failing:
                        self._failing.add(name)
                        log.warning("sink_failed", sink=name, error=str(error))
                    raise
                finally:
                    await self._observe(sink)
        if name in self._failing:
            self._failing.discard(name)
            log.info("sink_recovered", sink=name)
        if report.delivered or report.parked:
            log.info("outbox_relayed", sink=name, delivered=report.delivered, parked=report.parked)

    async def _observe(self, sink: EventSink) -> None:
        try:
            stats = await self._outbox.stats(sink.route)
        except DependencyUnavailable:
            return  # the store itself is down: the gauges keep their last reading
        self._metrics.record_outbox(sink.route.name, stats, now=self._clock.now())

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


def _lateness(applied: AppliedTransition, run_at: dt.datetime) -> float | None:
    """Seconds from the instant a transition was due to the instant it took effect (the run's, if not told)."""
    if applied.due_at is None:
        return None
    return round(((applied.applied_at or run_at) - applied.due_at).total_seconds(), 3)
