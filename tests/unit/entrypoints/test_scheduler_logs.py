"""What the scheduler tells an operator: that it started and stopped, and each transition it applied, how late."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools

from structlog.testing import capture_logs

from campaigns.adapters.local.clock import FixedClock
from campaigns.application.use_cases.purge_outbox import PurgeDeliveredOutbox
from campaigns.application.use_cases.refresh_lifecycle import AppliedTransition, RefreshLifecycle, RefreshReport
from campaigns.application.use_cases.relay_outbox import RelayOutbox
from campaigns.domain.campaign import Status
from campaigns.entrypoints.metrics import Metrics
from campaigns.entrypoints.scheduler import Scheduler
from tests.fakes.in_memory import (
    InMemoryCampaignCache,
    InMemoryOutboxStore,
    InMemoryStore,
    InMemoryUnitOfWork,
    SequentialIdFactory,
)

NOW = dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.UTC)
OPENED = AppliedTransition(
    id="a" * 24, from_=Status.PREVIEW, to=Status.OPEN, domain="alpha", due_at=NOW - dt.timedelta(seconds=90)
)
CLOSED = AppliedTransition(id="b" * 24, from_=Status.OPEN, to=Status.CLOSED, domain="beta", due_at=NOW)


class FixedRefresh(RefreshLifecycle):
    """A tick that reports the given transitions, whatever is stored."""

    def __init__(self, report: RefreshReport, clock: FixedClock) -> None:
        store = InMemoryStore()
        uow = functools.partial(InMemoryUnitOfWork, store, SequentialIdFactory())
        super().__init__(uow=uow, clock=clock, cache=InMemoryCampaignCache())
        self.report = report
        self.ran = asyncio.Event()

    async def execute(self, *, dry_run: bool = False) -> RefreshReport:  # noqa: ARG002 - the report is fixed
        self.ran.set()
        return self.report


def _scheduler(refresh_report: RefreshReport) -> tuple[Scheduler, FixedRefresh]:
    store, clock = InMemoryStore(), FixedClock(NOW)
    outbox = InMemoryOutboxStore(store)
    refresh = FixedRefresh(refresh_report, clock)
    scheduler = Scheduler(
        refresh=refresh,
        relay=RelayOutbox(outbox=outbox, sinks=[], clock=clock, holder="scheduler"),
        purge=PurgeDeliveredOutbox(outbox=outbox, sinks=[], clock=clock, retention=dt.timedelta(days=7)),
        outbox=outbox,
        metrics=Metrics(),
        clock=clock,
        tick_seconds=3600,
        relay_seconds=3600,
    )
    return scheduler, refresh


def _report(*transitions: AppliedTransition) -> RefreshReport:
    return RefreshReport(at=NOW, dry_run=False, opened=1, closed=1, deactivated=0, campaigns=list(transitions))


async def test_each_transition_is_logged_with_its_campaign_statuses_and_lateness() -> None:
    scheduler, _ = _scheduler(_report(OPENED, CLOSED))

    with capture_logs() as logs:
        await scheduler.tick()

    transitions = [entry for entry in logs if entry["event"] == "lifecycle_transition"]
    assert [
        (entry["campaign_id"], entry["from_status"], entry["to_status"], entry["lateness_seconds"])
        for entry in transitions
    ] == [("a" * 24, Status.PREVIEW, Status.OPEN, 90.0), ("b" * 24, Status.OPEN, Status.CLOSED, 0.0)]
    assert transitions[0]["domain"] == "alpha"


async def test_a_tick_with_nothing_due_logs_nothing() -> None:
    scheduler, _ = _scheduler(_report())

    with capture_logs() as logs:
        await scheduler.tick()

    assert logs == []


async def test_the_scheduler_logs_its_start_and_its_stop() -> None:
    scheduler, refresh = _scheduler(_report())

    with capture_logs() as logs:
        running = asyncio.create_task(scheduler.run())
        await refresh.ran.wait()
        scheduler.stop()
        await running

    events = [entry["event"] for entry in logs]
    assert events[0] == "scheduler_started"
    assert events[-1] == "scheduler_stopped"
