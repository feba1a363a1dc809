"""The scheduler's loops over the in-memory fakes: relay, retention, and an orderly stop."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any

import stamina
from structlog.testing import capture_logs

from campaigns.adapters.local.clock import FixedClock
from campaigns.application.errors import DependencyUnavailable
from campaigns.application.outbox import OutboxEntry, OutboxStats, Rejection
from campaigns.application.use_cases.purge_outbox import PurgeDeliveredOutbox
from campaigns.application.use_cases.refresh_lifecycle import RefreshLifecycle
from campaigns.application.use_cases.relay_outbox import RelayOutbox
from campaigns.domain.campaign import Status
from campaigns.domain.events import CampaignCreated
from campaigns.entrypoints.metrics import Metrics
from campaigns.entrypoints.scheduler import Scheduler
from tests.fakes.in_memory import (
    InMemoryCampaignCache,
    InMemoryOutboxStore,
    InMemoryStore,
    InMemoryUnitOfWork,
    RecordingEventSink,
    SequentialIdFactory,
)

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
RETENTION = dt.timedelta(days=7)


class SignallingSink(RecordingEventSink):
    """Lets a test wait for the first delivery instead of guessing how long it takes."""

    def __init__(self) -> None:
        super().__init__("signalling")
        self.received = asyncio.Event()

    async def deliver(self, entries: Sequence[OutboxEntry]) -> list[Rejection]:
        rejected = await super().deliver(entries)
        self.received.set()
        return rejected


class SignallingPurge(PurgeDeliveredOutbox):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ran = asyncio.Event()

    async def execute(self, retention: dt.timedelta | None = None) -> int:
        purged = await super().execute(retention)
        self.ran.set()
        return purged


async def test_a_stopped_scheduler_has_relayed_purged_and_handed_the_lease_over() -> None:
    store, clock, metrics = InMemoryStore(), FixedClock(NOW), Metrics()
    uow = functools.partial(InMemoryUnitOfWork, store, SequentialIdFactory())
    outbox = InMemoryOutboxStore(store)
    sink = SignallingSink()
    long_ago = NOW - RETENTION - dt.timedelta(seconds=1)
    async with uow() as work:
        work.outbox.append([CampaignCreated(occurred_at=long_ago, campaign_id="a" * 24, status=Status.DRAFT)])
        await work.commit()
    [old] = await outbox.pending(sink.route, 10)
    await outbox.acknowledge(sink.route.name, [old])
    async with uow() as work:
        work.outbox.append([CampaignCreated(occurred_at=NOW, campaign_id="b" * 24, status=Status.DRAFT)])
        await work.commit()
    purge = SignallingPurge(outbox=outbox, sinks=[sink], clock=clock, retention=RETENTION)
    scheduler = Scheduler(
        refresh=RefreshLifecycle(uow=uow, clock=clock, cache=InMemoryCampaignCache()),
        relay=RelayOutbox(outbox=outbox, sinks=[sink], clock=clock, holder="scheduler"),
        purge=purge,
        outbox=outbox,
        metrics=metrics,
        clock=clock,
        tick_seconds=3600,
        relay_seconds=3600,
    )

    running = asyncio.create_task(scheduler.run())
    await sink.received.wait()
    await purge.ran.wait()
    scheduler.stop()
    await running

    assert [entry.event.aggregate_id for entry in sink.delivered] == ["b" * 24]
    assert old.sequence not in store.outbox, "delivered past retention: purged"
    assert await outbox.stats(sink.route) == OutboxStats(backlog=0, parked=0, oldest_pending_at=None)
    assert metrics.outbox_backlog.labels(sink.route.name)._value.get() == 0
    assert await outbox.hold_lease("relay:signalling", "another", now=NOW, until=NOW + dt.timedelta(minutes=1)), (
        "lease released"
    )


class OutageSink(RecordingEventSink):
    """Down until `restore()`; tells the test each time the relay has tried it."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.down = True
        self.attempts = asyncio.Queue[None]()

    def restore(self) -> None:
        self.down = False

    async def deliver(self, entries: Sequence[OutboxEntry]) -> list[Rejection]:
        self.attempts.put_nowait(None)
        if self.down:
            raise DependencyUnavailable(f"{self.route.name} is down")
        return await super().deliver(entries)


async def test_a_sink_that_is_down_delays_only_itself_and_its_gauges_show_the_outage() -> None:
    store, clock, metrics = InMemoryStore(), FixedClock(NOW), Metrics()
    uow = functools.partial(InMemoryUnitOfWork, store, SequentialIdFactory())
    outbox = InMemoryOutboxStore(store)
    async with uow() as work:
        work.outbox.append([CampaignCreated(occurred_at=NOW, campaign_id="a" * 24, status=Status.DRAFT)])
        await work.commit()
    clock.advance(dt.timedelta(seconds=30))
    broken, healthy = OutageSink("kinesis"), SignallingSink()
    scheduler = Scheduler(
        refresh=RefreshLifecycle(uow=uow, clock=clock, cache=InMemoryCampaignCache()),
        relay=RelayOutbox(outbox=outbox, sinks=[broken, healthy], clock=clock, holder="scheduler"),
        purge=PurgeDeliveredOutbox(outbox=outbox, sinks=[broken, healthy], clock=clock, retention=RETENTION),
        outbox=outbox,
        metrics=metrics,
        clock=clock,
        tick_seconds=3600,
        relay_seconds=0.01,
    )

    def gauge(name: str, sink: str) -> float:
        value = metrics.registry.get_sample_value(name, {"sink": sink})
        assert value is not None
        return value

    with capture_logs() as logs, stamina.set_testing(True, attempts=1_000):  # retries at once, one at a time
        running = asyncio.create_task(scheduler.run())
        await healthy.received.wait()
        for _ in range(2):
            await broken.attempts.get()
        await broken.attempts.get()  # a third attempt: the gauges were read after the second failed

        assert [entry.event.aggregate_id for entry in healthy.delivered] == ["a" * 24]
        assert broken.delivered == []
        assert gauge("outbox_backlog", "kinesis") == 1
        assert gauge("outbox_lag_seconds", "kinesis") == 30
        assert gauge("outbox_backlog", "signalling") == 0

        broken.restore()
        while not broken.delivered:
            await broken.attempts.get()
        scheduler.stop()
        await running

    assert [entry.event.aggregate_id for entry in broken.delivered] == ["a" * 24]
    sink_lines = [(line["event"], line["sink"]) for line in logs if line["event"].startswith("sink_")]
    assert sink_lines == [("sink_failed", "kinesis"), ("sink_recovered", "kinesis")], "once each way"
    assert gauge("outbox_backlog", "kinesis") == 0
    assert gauge("outbox_lag_seconds", "kinesis") == 0
