"""OutboxStore contract: commit order, acknowledgement, failures, parking, the backlog report and the relay lease."""

from __future__ import annotations

import datetime as dt

from campaigns.application.ports import OutboxStats, OutboxStore, UnitOfWorkFactory
from campaigns.domain.campaign import Status
from campaigns.domain.events import CampaignCreated
from tests.integration.contracts.builders import HOUR, NOW, doc_id

SECOND = dt.timedelta(seconds=1)


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

    await outbox_store.mark_delivered([first.id, third.id, "f" * 24], at=NOW)

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
    await outbox_store.mark_delivered([middle.id], at=NOW)

    assert await outbox_store.stats() == OutboxStats(backlog=2, parked=1, oldest_pending_at=NOW - HOUR)
    await outbox_store.mark_delivered([newer.id, newest.id], at=NOW)
    assert await outbox_store.stats() == OutboxStats(backlog=0, parked=1, oldest_pending_at=None)


async def test_requeue_puts_parked_entries_back_in_line_in_commit_order(
    uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore
) -> None:
    await commit_events(uow_factory, event(1), event(2), event(3))
    first, second, third = await outbox_store.pending(10)
    await outbox_store.record_failure(first.id, error="poison", park=True)
    await outbox_store.record_failure(third.id, error="poison", park=True)

    assert await outbox_store.requeue_parked() == 2

    assert [entry.id for entry in await outbox_store.pending(10)] == [first.id, second.id, third.id]
    assert await outbox_store.stats() == OutboxStats(backlog=3, parked=0, oldest_pending_at=NOW)
    assert await outbox_store.requeue_parked() == 0


async def test_purge_deletes_only_entries_delivered_before_the_cutoff(
    uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore
) -> None:
    await commit_events(uow_factory, event(1, hours_ago=300), event(2), event(3), event(4, hours_ago=300))
    old, recent, undelivered, parked = await outbox_store.pending(10)
    await outbox_store.mark_delivered([old.id], at=NOW - 200 * HOUR)
    await outbox_store.mark_delivered([recent.id], at=NOW - HOUR)
    await outbox_store.record_failure(parked.id, error="poison", park=True)

    assert await outbox_store.purge_delivered(before=NOW - 168 * HOUR) == 1
    assert await outbox_store.purge_delivered(before=NOW - 168 * HOUR) == 0

    assert await outbox_store.purge_delivered(before=NOW) == 1
    assert [entry.id for entry in await outbox_store.pending(10)] == [undelivered.id]
    assert (await outbox_store.stats()).parked == 1, "parked entries are never purged"


async def test_one_holder_at_a_time_until_its_lease_runs_out(outbox_store: OutboxStore) -> None:
    lease = 60 * SECOND

    assert await outbox_store.hold_lease("a", now=NOW, until=NOW + lease)
    assert not await outbox_store.hold_lease("b", now=NOW + 59 * SECOND, until=NOW + 119 * SECOND)
    assert await outbox_store.hold_lease("a", now=NOW + 30 * SECOND, until=NOW + 90 * SECOND), "renewed"
    assert not await outbox_store.hold_lease("b", now=NOW + 89 * SECOND, until=NOW + 149 * SECOND)

    assert await outbox_store.hold_lease("b", now=NOW + 90 * SECOND, until=NOW + 150 * SECOND), "a's ran out"
    assert not await outbox_store.hold_lease("a", now=NOW + 91 * SECOND, until=NOW + 151 * SECOND), "taken over"


async def test_a_released_lease_is_free_at_once_and_only_its_holder_may_release_it(outbox_store: OutboxStore) -> None:
    assert await outbox_store.hold_lease("a", now=NOW, until=NOW + HOUR)

    await outbox_store.release_lease("b")
    assert not await outbox_store.hold_lease("b", now=NOW, until=NOW + HOUR), "b cannot release a's lease"

    await outbox_store.release_lease("a")
    assert await outbox_store.hold_lease("b", now=NOW, until=NOW + HOUR)
