"""OutboxStore contract: commit order, acknowledgement, failures, parking and the backlog report."""

from __future__ import annotations

from campaigns.application.ports import OutboxStats, OutboxStore, UnitOfWorkFactory
from campaigns.domain.campaign import Status
from campaigns.domain.events import CampaignCreated
from tests.integration.contracts.builders import HOUR, NOW, doc_id


def event(n: int, *, hours_ago: int = 0) -> CampaignCreated:
    return CampaignCreated(occurred_at=NOW - hours_ago * HOUR, campaign_id=doc_id(n), status=Status.DRAFT)


async def commit_events(uow_factory: UnitOfWorkFactory, *events: CampaignCreated) -> None:
    async with uow_factory() as uow:
        uow.outbox.append(events)
        await uow.commit()


async def test_pending_is_in_commit_order(uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore) -> None:
    await commit_events(uow_factory, event(3), event(1))
    await commit_events(uow_factory, event(2))

    pending = await outbox_store.pending(10)

    assert [entry.event for entry in pending] == [event(3), event(1), event(2)]
    assert [entry.sequence for entry in pending] == sorted(entry.sequence for entry in pending)
    assert len({entry.id for entry in pending}) == 3
    assert await outbox_store.pending(2) == pending[:2]


async def test_delivered_entries_leave_the_backlog(uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore) -> None:
    await commit_events(uow_factory, event(1), event(2), event(3))
    first, second, third = await outbox_store.pending(10)

    await outbox_store.mark_delivered([first.id, third.id, "f" * 24])

    assert await outbox_store.pending(10) == [second]


async def test_failures_count_attempts_and_parking_hides_an_entry(
    uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore
) -> None:
    await commit_events(uow_factory, event(1), event(2))
    first, second = await outbox_store.pending(10)

    await outbox_store.record_failure(first.id, error="sink down", park=False)
    await outbox_store.record_failure(first.id, error="sink down", park=False)
    [retried, _] = await outbox_store.pending(10)
    await outbox_store.record_failure(second.id, error="poison", park=True)

    assert retried.id == first.id
    assert retried.attempts == 2
    assert [entry.id for entry in await outbox_store.pending(10)] == [first.id]


async def test_stats_report_backlog_parked_and_oldest(
    uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore
) -> None:
    assert await outbox_store.stats() == OutboxStats(backlog=0, parked=0, oldest_pending_at=None)
    await commit_events(uow_factory, event(1, hours_ago=5), event(2, hours_ago=3), event(3, hours_ago=1), event(4))
    oldest, middle, newer, newest = await outbox_store.pending(10)

    await outbox_store.record_failure(oldest.id, error="poison", park=True)
    await outbox_store.mark_delivered([middle.id])

    assert await outbox_store.stats() == OutboxStats(backlog=2, parked=1, oldest_pending_at=NOW - HOUR)
    await outbox_store.mark_delivered([newer.id, newest.id])
    assert await outbox_store.stats() == OutboxStats(backlog=0, parked=1, oldest_pending_at=None)
