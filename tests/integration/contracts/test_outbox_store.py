"""OutboxStore contract: per-sink positions, types, parking, stats, replay, retention and leases."""

from __future__ import annotations

import datetime as dt

from campaigns.application.outbox import OutboxEntry, OutboxStats, SinkRoute
from campaigns.application.ports.outbox import OutboxStore
from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.domain.campaign import Status
from campaigns.domain.events import AnyEvent, CampaignCreated, PromoterCreated
from tests.integration.contracts.builders import HOUR, NOW, doc_id

SECOND = dt.timedelta(seconds=1)
STREAM = SinkRoute(name="stream", event_types=frozenset({"campaign.created"}))
DIRECTORY = SinkRoute(name="directory", event_types=frozenset({"promoter.created"}))
EVERYTHING = SinkRoute(name="everything", event_types=frozenset({"campaign.created", "promoter.created"}))


def campaign_event(n: int, *, hours_ago: int = 0) -> CampaignCreated:
    return CampaignCreated(occurred_at=NOW - hours_ago * HOUR, campaign_id=doc_id(n), status=Status.DRAFT)


def promoter_event(n: int, *, hours_ago: int = 0) -> PromoterCreated:
    return PromoterCreated(occurred_at=NOW - hours_ago * HOUR, promoter_id=doc_id(n), name=f"promoter {n}")


async def commit_events(uow_factory: UnitOfWorkFactory, *events: AnyEvent) -> None:
    async with uow_factory() as uow:
        uow.outbox.append(events)
        await uow.commit()


def ids(entries: list[OutboxEntry]) -> list[str]:
    return [entry.id for entry in entries]


async def test_pending_is_in_commit_order_and_ids_are_stable(
    uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore
) -> None:
    await commit_events(uow_factory, campaign_event(3), campaign_event(1))
    await commit_events(uow_factory, campaign_event(2))

    pending = await outbox_store.pending(STREAM, 10)

    assert [entry.event.aggregate_id for entry in pending] == [doc_id(3), doc_id(1), doc_id(2)]
    assert [entry.sequence for entry in pending] == sorted(entry.sequence for entry in pending)
    assert len(set(ids(pending))) == 3
    assert await outbox_store.pending(STREAM, 10) == pending, "reading does not consume"
    assert await outbox_store.pending(STREAM, 2) == pending[:2]


async def test_each_sink_sees_only_its_types(uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore) -> None:
    await commit_events(uow_factory, campaign_event(1), promoter_event(2), campaign_event(3))

    assert [e.event.aggregate_id for e in await outbox_store.pending(STREAM, 10)] == [doc_id(1), doc_id(3)]
    assert [e.event.aggregate_id for e in await outbox_store.pending(DIRECTORY, 10)] == [doc_id(2)]
    assert len(await outbox_store.pending(EVERYTHING, 10)) == 3


async def test_an_acknowledgement_moves_only_that_sinks_position(
    uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore
) -> None:
    await commit_events(uow_factory, campaign_event(1), promoter_event(2), campaign_event(3))
    first, second, third = await outbox_store.pending(EVERYTHING, 10)

    await outbox_store.acknowledge(EVERYTHING.name, [first, second])

    assert await outbox_store.pending(EVERYTHING, 10) == [third]
    assert len(await outbox_store.pending(STREAM, 10)) == 2, "another sink's position did not move"
    await outbox_store.acknowledge(EVERYTHING.name, [first])
    assert await outbox_store.pending(EVERYTHING, 10) == [third], "a position never moves back"
    await outbox_store.acknowledge(EVERYTHING.name, [])
    assert await outbox_store.pending(EVERYTHING, 10) == [third]


async def test_entries_committed_after_an_acknowledgement_are_pending(
    uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore
) -> None:
    await commit_events(uow_factory, campaign_event(1))
    await outbox_store.acknowledge(STREAM.name, await outbox_store.pending(STREAM, 10))

    await commit_events(uow_factory, campaign_event(2))

    assert [e.event.aggregate_id for e in await outbox_store.pending(STREAM, 10)] == [doc_id(2)]


async def test_a_parked_entry_is_held_for_its_sink_only_until_requeued(
    uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore
) -> None:
    await commit_events(uow_factory, campaign_event(1), campaign_event(2), campaign_event(3))
    first, second, third = await outbox_store.pending(STREAM, 10)

    await outbox_store.park(STREAM.name, second, error="too large", at=NOW)
    await outbox_store.acknowledge(STREAM.name, [first, second, third])

    assert await outbox_store.pending(STREAM, 10) == []
    assert len(await outbox_store.pending(EVERYTHING, 10)) == 3, "parked for one sink only"
    [parked] = await outbox_store.parked()
    assert (parked.sink, parked.entry_id, parked.type, parked.subject) == (
        STREAM.name,
        second.id,
        "campaign.created",
        doc_id(2),
    )
    assert (parked.error, parked.parked_at, parked.requeued) == ("too large", NOW, False)
    assert await outbox_store.stats(STREAM) == OutboxStats(backlog=0, parked=1, oldest_pending_at=None)

    assert await outbox_store.requeue_parked(DIRECTORY.name) == 0, "another sink has nothing parked"
    assert await outbox_store.requeue_parked(STREAM.name) == 1
    assert await outbox_store.requeue_parked() == 0, "already requeued"

    assert await outbox_store.pending(STREAM, 10) == [second]
    assert await outbox_store.stats(STREAM) == OutboxStats(backlog=1, parked=0, oldest_pending_at=NOW)
    await outbox_store.acknowledge(STREAM.name, [second])
    assert await outbox_store.pending(STREAM, 10) == []
    assert await outbox_store.parked() == []


async def test_requeued_entries_come_first_then_fresh_ones(
    uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore
) -> None:
    await commit_events(uow_factory, campaign_event(1), campaign_event(2))
    first, second = await outbox_store.pending(STREAM, 10)
    await outbox_store.park(STREAM.name, first, error="refused", at=NOW)
    await outbox_store.acknowledge(STREAM.name, [first, second])
    await commit_events(uow_factory, campaign_event(3))
    await outbox_store.requeue_parked()

    pending = await outbox_store.pending(STREAM, 10)

    assert [e.event.aggregate_id for e in pending] == [doc_id(1), doc_id(3)]
    assert await outbox_store.pending(STREAM, 1) == pending[:1]


async def test_parking_a_requeued_entry_again_keeps_it_parked(
    uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore
) -> None:
    await commit_events(uow_factory, campaign_event(1))
    [entry] = await outbox_store.pending(STREAM, 10)
    await outbox_store.park(STREAM.name, entry, error="first", at=NOW)
    await outbox_store.acknowledge(STREAM.name, [entry])
    await outbox_store.requeue_parked(STREAM.name)

    await outbox_store.park(STREAM.name, entry, error="second", at=NOW + HOUR)
    await outbox_store.acknowledge(STREAM.name, [entry])

    [parked] = await outbox_store.parked(STREAM.name)
    assert (parked.error, parked.parked_at, parked.requeued) == ("second", NOW + HOUR, False)
    assert await outbox_store.pending(STREAM, 10) == []


async def test_stats_count_each_sinks_backlog_and_its_oldest_event(
    uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore
) -> None:
    assert await outbox_store.stats(STREAM) == OutboxStats(backlog=0, parked=0, oldest_pending_at=None)
    await commit_events(uow_factory, campaign_event(1, hours_ago=3), promoter_event(2, hours_ago=2))
    await commit_events(uow_factory, campaign_event(3, hours_ago=1))

    assert await outbox_store.stats(STREAM) == OutboxStats(backlog=2, parked=0, oldest_pending_at=NOW - 3 * HOUR)
    assert await outbox_store.stats(DIRECTORY) == OutboxStats(backlog=1, parked=0, oldest_pending_at=NOW - 2 * HOUR)
    oldest, _ = await outbox_store.pending(STREAM, 10)
    await outbox_store.acknowledge(STREAM.name, [oldest])
    assert await outbox_store.stats(STREAM) == OutboxStats(backlog=1, parked=0, oldest_pending_at=NOW - HOUR)


async def test_delivered_since_returns_only_what_the_sink_has_from_that_instant(
    uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore
) -> None:
    await commit_events(
        uow_factory, campaign_event(1, hours_ago=5), campaign_event(2, hours_ago=3), promoter_event(3, hours_ago=2)
    )
    await commit_events(uow_factory, campaign_event(4, hours_ago=1), campaign_event(5))
    old, middle, recent, newest = await outbox_store.pending(STREAM, 10)
    await outbox_store.acknowledge(STREAM.name, [old, middle, recent])

    replay = await outbox_store.delivered_since(STREAM, NOW - 4 * HOUR, after_sequence=0, limit=10)

    assert replay == [middle, recent], "not before the instant, not past the position, only the sink's types"
    assert await outbox_store.delivered_since(STREAM, NOW - 4 * HOUR, after_sequence=middle.sequence, limit=10) == [
        recent
    ]
    assert await outbox_store.delivered_since(STREAM, NOW - 4 * HOUR, after_sequence=0, limit=1) == [middle]
    assert await outbox_store.delivered_since(DIRECTORY, NOW - 9 * HOUR, after_sequence=0, limit=10) == []
    assert newest not in replay


async def test_purge_keeps_only_entries_of_types_no_sink_takes_when_nothing_else_holds_them(
    uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore
) -> None:
    await commit_events(uow_factory, promoter_event(1, hours_ago=300), campaign_event(2, hours_ago=300))

    assert await outbox_store.purge_delivered(before=NOW, sinks=[STREAM]) == 1
    assert [e.event.aggregate_id for e in await outbox_store.pending(EVERYTHING, 10)] == [doc_id(2)]
    assert await outbox_store.purge_delivered(before=NOW, sinks=[]) == 1, "no sink at all: nothing is waited for"


async def test_purge_keeps_what_any_sink_still_needs_or_holds_parked(
    uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore
) -> None:
    await commit_events(
        uow_factory,
        campaign_event(1, hours_ago=300),
        campaign_event(2, hours_ago=300),
        campaign_event(3, hours_ago=300),
        campaign_event(4, hours_ago=1),
    )
    old, parked, behind, recent = await outbox_store.pending(EVERYTHING, 10)
    await outbox_store.acknowledge(EVERYTHING.name, [old, parked, behind, recent])
    await outbox_store.park(EVERYTHING.name, parked, error="refused", at=NOW)
    await outbox_store.acknowledge(STREAM.name, [old, parked])

    sinks = [EVERYTHING, STREAM, DIRECTORY]
    assert await outbox_store.purge_delivered(before=NOW - 168 * HOUR, sinks=sinks) == 1, "the directory takes none"
    assert await outbox_store.purge_delivered(before=NOW - 168 * HOUR, sinks=sinks) == 0
    assert ids(await outbox_store.pending(STREAM, 10)) == [behind.id, recent.id], "the stream still needs them"
    assert len(await outbox_store.parked()) == 1, "parked entries are never purged"
    assert (
        await outbox_store.purge_delivered(
            before=NOW, sinks=[*sinks, SinkRoute(name="new", event_types=STREAM.event_types)]
        )
        == 0
    ), "a new sink has nothing yet"


async def test_one_holder_per_lease_until_it_runs_out(outbox_store: OutboxStore) -> None:
    lease = 5 * SECOND

    assert await outbox_store.hold_lease("relay:stream", "a", now=NOW, until=NOW + lease)
    assert not await outbox_store.hold_lease("relay:stream", "b", now=NOW + 4 * SECOND, until=NOW + 9 * SECOND)
    assert await outbox_store.hold_lease("relay:directory", "b", now=NOW, until=NOW + lease), "leases are per sink"
    assert await outbox_store.hold_lease("relay:stream", "a", now=NOW + 3 * SECOND, until=NOW + 8 * SECOND), "renewed"
    assert not await outbox_store.hold_lease("relay:stream", "b", now=NOW + 7 * SECOND, until=NOW + 12 * SECOND)

    assert await outbox_store.hold_lease("relay:stream", "b", now=NOW + 8 * SECOND, until=NOW + 13 * SECOND)
    assert not await outbox_store.hold_lease("relay:stream", "a", now=NOW + 9 * SECOND, until=NOW + 14 * SECOND)


async def test_a_released_lease_is_free_at_once_and_only_its_holder_may_release_it(outbox_store: OutboxStore) -> None:
    assert await outbox_store.hold_lease("relay:stream", "a", now=NOW, until=NOW + HOUR)

    await outbox_store.release_lease("relay:stream", "b")
    assert not await outbox_store.hold_lease("relay:stream", "b", now=NOW, until=NOW + HOUR), "b cannot release it"

    await outbox_store.release_lease("relay:stream", "a")
    assert await outbox_store.hold_lease("relay:stream", "b", now=NOW, until=NOW + HOUR)
