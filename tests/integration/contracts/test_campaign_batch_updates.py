"""CampaignRepository.update_many and the batched lifecycle tick: the same answers from every store."""

from __future__ import annotations

import asyncio
import datetime as dt
from types import TracebackType

import pytest

from campaigns.adapters.local.clock import FixedClock
from campaigns.application.ports.store import StoreReader, UnitOfWork, UnitOfWorkFactory
from campaigns.application.queries import GuardedUpdate
from campaigns.application.use_cases.refresh_lifecycle import RefreshLifecycle
from campaigns.domain.campaign import CampaignDates, CampaignDomain, Status
from campaigns.domain.errors import DomainAlreadyClaimed
from tests.fakes.in_memory import InMemoryCampaignCache
from tests.integration.contracts.builders import HOUR, NOW, add_all, campaign, doc_id, next_version, stored


async def test_update_many_stores_the_fresh_updates_and_skips_the_stale_ones(uow_factory: UnitOfWorkFactory) -> None:
    fresh = campaign(1, site="fresh", status=Status.OPEN)
    moved_on = next_version(campaign(2, site="moved", status=Status.OPEN))  # at version 2 already
    other_status = campaign(3, site="other", status=Status.CLOSED)
    await add_all(uow_factory, fresh, campaign(2, site="moved", status=Status.OPEN), other_status)
    async with uow_factory() as uow:
        await uow.campaigns.update(moved_on)
        await uow.commit()

    updates = [
        GuardedUpdate(campaign=next_version(fresh, status=Status.CLOSED), expected_status=Status.OPEN),
        GuardedUpdate(
            campaign=next_version(campaign(2, status=Status.OPEN), name="stale"), expected_status=Status.OPEN
        ),
        GuardedUpdate(campaign=next_version(other_status, name="wrong status"), expected_status=Status.OPEN),
        GuardedUpdate(campaign=next_version(campaign(4), name="never stored"), expected_status=Status.DRAFT),
    ]
    async with uow_factory() as uow:
        applied = await uow.campaigns.update_many(updates)
        await uow.commit()

    assert applied == {fresh.id}
    assert await stored(uow_factory, fresh.id) == updates[0].campaign
    assert await stored(uow_factory, moved_on.id) == moved_on
    assert await stored(uow_factory, other_status.id) == other_status
    assert await stored(uow_factory, doc_id(4)) is None


async def test_update_many_of_nothing_stores_nothing(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.campaigns.update_many([]) == set()


async def test_update_many_is_undone_when_the_unit_of_work_is_not_committed(uow_factory: UnitOfWorkFactory) -> None:
    original = campaign(1, site="kept", status=Status.OPEN)
    await add_all(uow_factory, original)

    async with uow_factory() as uow:
        update = GuardedUpdate(campaign=next_version(original, status=Status.CLOSED), expected_status=Status.OPEN)
        assert await uow.campaigns.update_many([update]) == {original.id}

    assert await stored(uow_factory, original.id) == original


async def test_update_many_keeps_the_due_query_in_step(uow_factory: UnitOfWorkFactory) -> None:
    window = CampaignDates(presaleWindowStart=NOW, presaleWindowEnd=NOW + HOUR, close=NOW - HOUR)
    original = campaign(1, site="linked", status=Status.OPEN, eventIds=["E1"], date=window)
    await add_all(uow_factory, original)
    changed = next_version(original, eventIds=["E2"], date=CampaignDates(presaleWindowStart=NOW, presaleWindowEnd=NOW))

    async with uow_factory() as uow:
        await uow.campaigns.update_many([GuardedUpdate(campaign=changed, expected_status=Status.OPEN)])
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.campaigns.find_due(NOW, after=None, limit=10) == []


async def test_update_many_refuses_a_held_domain(uow_factory: UnitOfWorkFactory) -> None:
    holder, claimant = campaign(1, site="taken"), campaign(2, site="mine")
    await add_all(uow_factory, holder, claimant)

    claim = GuardedUpdate(
        campaign=next_version(claimant, domain=CampaignDomain(site="taken")), expected_status=Status.DRAFT
    )
    async with uow_factory() as uow:
        with pytest.raises(DomainAlreadyClaimed):
            await uow.campaigns.update_many([claim])

    assert await stored(uow_factory, claimant.id) == claimant


async def test_the_reader_finds_what_falls_due_by_a_later_instant(
    uow_factory: UnitOfWorkFactory, reader: StoreReader
) -> None:
    soon, later = campaign(1, date=CampaignDates(open=NOW + HOUR)), campaign(2, date=CampaignDates(open=NOW + 3 * HOUR))
    await add_all(uow_factory, later, soon)

    assert await reader.campaigns.find_due(NOW, after=None, limit=10) == []
    assert await reader.campaigns.find_due(NOW + 2 * HOUR, after=None, limit=10) == [soon]
    assert await reader.campaigns.find_due(NOW + 3 * HOUR, after=(NOW + HOUR, soon.id), limit=10) == [later]


# --------------------------------------------------------------------------- the tick on every store


class AfterBarrier:
    """A unit of work that waits at `barrier` before it begins, so two schedulers read before either writes."""

    def __init__(self, inner: UnitOfWork, barrier: asyncio.Barrier) -> None:
        self._inner = inner
        self._barrier = barrier

    async def __aenter__(self) -> UnitOfWork:
        await self._barrier.wait()
        return await self._inner.__aenter__()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._inner.__aexit__(exc_type, exc, tb)


def scheduler(uow_factory: UnitOfWorkFactory, barrier: asyncio.Barrier) -> RefreshLifecycle:
    """A tick whose first write (its second unit of work, after the first page is read) waits at `barrier`."""
    calls = 0

    def uow() -> UnitOfWork:
        nonlocal calls
        calls += 1
        inner = uow_factory()
        return AfterBarrier(inner, barrier) if calls == 2 else inner  # type: ignore[return-value]

    return RefreshLifecycle(uow=uow, clock=FixedClock(NOW), cache=InMemoryCampaignCache())


async def test_two_ticks_at_once_apply_each_transition_once(uow_factory: UnitOfWorkFactory) -> None:
    due = [
        campaign(n, site=f"due{n}", date=CampaignDates(open=NOW - HOUR * n, close=NOW - HOUR + dt.timedelta(minutes=n)))
        for n in range(1, 6)
    ]
    closing = [campaign(n, site=f"closing{n}", status=Status.OPEN, date=CampaignDates(close=NOW)) for n in range(6, 9)]
    not_due = campaign(9, site="later", date=CampaignDates(open=NOW + HOUR))
    await add_all(uow_factory, *due, *closing, not_due)
    barrier = asyncio.Barrier(2)

    first, second = await asyncio.gather(
        scheduler(uow_factory, barrier).execute(), scheduler(uow_factory, barrier).execute()
    )

    applied = [(c.id, c.from_, c.to) for report in (first, second) for c in report.campaigns]
    expected = [(c.id, Status.DRAFT, Status.OPEN) for c in due] + [(c.id, Status.OPEN, Status.CLOSED) for c in due]
    expected += [(c.id, Status.OPEN, Status.CLOSED) for c in closing]
    assert sorted(applied) == sorted(expected)
    assert [] in ([c.id for c in first.campaigns], [c.id for c in second.campaigns])  # one of them lost every race
    for original in [*due, *closing]:
        after = await stored(uow_factory, original.id)
        assert after is not None
        assert after.status is Status.CLOSED
        assert after.version == original.version + 1
        steps = [entry.status for entry in after.statusHistory]
        assert steps == ([Status.OPEN, Status.CLOSED] if original in due else [Status.CLOSED])
    assert await stored(uow_factory, not_due.id) == not_due


async def test_a_tick_reports_each_transition_with_its_due_and_applied_instants(
    uow_factory: UnitOfWorkFactory,
) -> None:
    late = campaign(1, site="late", status=Status.OPEN, date=CampaignDates(close=NOW - 90 * dt.timedelta(seconds=1)))
    await add_all(uow_factory, late)

    report = await RefreshLifecycle(uow=uow_factory, clock=FixedClock(NOW), cache=InMemoryCampaignCache()).execute()

    [entry] = report.campaigns
    assert (entry.id, entry.from_, entry.to, entry.domain) == (late.id, Status.OPEN, Status.CLOSED, "late")
    assert (entry.due_at, entry.applied_at) == (NOW - dt.timedelta(seconds=90), NOW)
