"""The scheduler's loops over the in-memory fakes: relay, retention, and an orderly stop."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any

from campaigns.adapters.in_memory import (
    FixedClock,
    InMemoryCampaignCache,
    InMemoryOutboxStore,
    InMemoryStore,
    InMemoryUnitOfWork,
    RecordingEventSink,
    SequentialIdFactory,
)
from campaigns.application.ports import OutboxEntry, OutboxStats
from campaigns.application.use_cases.purge_outbox import PurgeDeliveredOutbox
from campaigns.application.use_cases.refresh_lifecycle import RefreshLifecycle
from campaigns.application.use_cases.relay_outbox import RelayOutbox
from campaigns.domain.campaign import Status
from campaigns.domain.events import CampaignCreated
from campaigns.entrypoints.metrics import Metrics
from campaigns.entrypoints.scheduler import Scheduler

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
RETENTION = dt.timedelta(days=7)


class SignallingSink(RecordingEventSink):
    """Lets a test wait for the first delivery instead of guessing how long it takes."""

    def __init__(self) -> None:
        super().__init__("signalling")
        self.received = asyncio.Event()

    async def deliver(self, entries: Sequence[OutboxEntry]) -> None:
        await super().deliver(entries)
        self.received.set()


class SignallingPurge(PurgeDeliveredOutbox):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ran = asyncio.Event()

    async def execute(self, retention: dt.timedelta | None = None) -> int:
        purged = await super().execute(retention)
        self.ran.set()
        return purged


async def test_a_stopped_scheduler_has_relayed_purged_and_handed_the_lease_over() -> None:
    store, clock = InMemoryStore(), FixedClock(NOW)
    uow = functools.partial(InMemoryUnitOfWork, store, SequentialIdFactory())
    outbox = InMemoryOutboxStore(store)
    async with uow() as work:
        work.outbox.append([CampaignCreated(occurred_at=NOW, campaign_id="a" * 24, status=Status.DRAFT)])
        await work.commit()
    [old] = await outbox.pending(10)
    await outbox.mark_delivered([old.id], at=NOW - RETENTION - dt.timedelta(seconds=1))
    async with uow() as work:
        work.outbox.append([CampaignCreated(occurred_at=NOW, campaign_id="b" * 24, status=Status.DRAFT)])
        await work.commit()
    sink = SignallingSink()
    purge = SignallingPurge(outbox=outbox, clock=clock, retention=RETENTION)
    scheduler = Scheduler(
        refresh=RefreshLifecycle(uow=uow, clock=clock, cache=InMemoryCampaignCache()),
        relay=RelayOutbox(outbox=outbox, sinks=[sink], clock=clock, holder="scheduler"),
        purge=purge,
        outbox=outbox,
        metrics=Metrics(),
        tick_seconds=3600,
        relay_seconds=3600,
    )

    running = asyncio.create_task(scheduler.run())
    await sink.received.wait()
    await purge.ran.wait()
    scheduler.stop()
    await running

    assert [entry.event.aggregate_id for entry in sink.delivered] == ["b" * 24]
    assert old.id not in store.outbox, "delivered past retention: purged"
    assert await outbox.stats() == OutboxStats(backlog=0, parked=0, oldest_pending_at=None)
    assert await outbox.hold_lease("another", now=NOW, until=NOW + dt.timedelta(minutes=1)), "lease released"
