"""The lifecycle agenda agrees with the tick: what it lists as due by T is exactly what a tick at T applies."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaigns.adapters.local.clock import FixedClock
from campaigns.application.ports.store import UnitOfWork
from campaigns.application.use_cases.list_scheduled_transitions import ListScheduledTransitions
from campaigns.application.use_cases.refresh_lifecycle import RefreshLifecycle
from campaigns.domain.campaign import Campaign, CampaignDates, CampaignDomain, Status
from campaigns.domain.errors import InvalidQuery, SupremeUserRequired
from campaigns.domain.permissions import Principal
from tests.fakes.in_memory import (
    InMemoryCampaignCache,
    InMemoryStore,
    InMemoryStoreReader,
    InMemoryUnitOfWork,
    SequentialIdFactory,
)

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
SUPREME = Principal(user_id="ops", supreme=True)
WINDOW = dt.timedelta(days=29)
"""Under the 30 days a close waits for its deactivation: one tick at T and a scheduler ticking all along
(which the agenda describes) then apply the same transitions by T."""

offsets = st.one_of(st.none(), st.integers(min_value=-3 * 86_400, max_value=35 * 86_400))


@st.composite
def campaigns(draw: st.DrawFn, number: int) -> Campaign:
    status = draw(st.sampled_from(list(Status)))
    opens, closes = draw(offsets), draw(offsets)
    if opens is not None and closes is not None and closes <= opens:  # the validation rule: close after open
        closes = opens + draw(st.integers(min_value=1, max_value=86_400))
    closed = draw(st.integers(min_value=-40 * 86_400, max_value=0)) if status is Status.CLOSED else None

    def at(seconds: int | None) -> dt.datetime | None:
        return NOW + dt.timedelta(seconds=seconds) if seconds is not None else None

    return Campaign(
        id=f"{number:024x}",
        status=status,
        domain=CampaignDomain(site=f"site{number}" if status is not Status.INACTIVE else None),
        date=CampaignDates(open=at(opens), close=at(closes), closed=at(closed)),
        version=1,
    )


def stored(items: list[Campaign]) -> InMemoryStore:
    store = InMemoryStore()
    for item in items:
        store.campaigns[item.id] = item
    return store


@settings(max_examples=150, deadline=None)
@given(
    items=st.integers(min_value=0, max_value=8).flatmap(
        lambda n: st.tuples(*(campaigns(number) for number in range(1, n + 1)))
    ),
    tick_after=st.integers(min_value=0, max_value=int(WINDOW.total_seconds())),
)
def test_the_agenda_lists_by_t_exactly_what_a_tick_at_t_applies(items: tuple[Campaign, ...], tick_after: int) -> None:
    store = stored(list(items))
    clock = FixedClock(NOW)
    agenda = ListScheduledTransitions(reads=InMemoryStoreReader(store), clock=clock)
    ids = SequentialIdFactory(start=1 << 40)

    def uow() -> UnitOfWork:
        return InMemoryUnitOfWork(store, ids)

    tick = RefreshLifecycle(uow=uow, clock=clock, cache=InMemoryCampaignCache())
    t = NOW + dt.timedelta(seconds=tick_after)

    listed = asyncio.run(agenda.execute(SUPREME, None, NOW + WINDOW))
    clock.advance(t - NOW)
    report = asyncio.run(tick.execute())

    due_by_t = sorted((e.id, e.from_, e.to) for e in listed.transitions if e.due_at <= t)
    assert due_by_t == sorted((c.id, c.from_, c.to) for c in report.campaigns)


async def test_only_supreme_users_read_the_agenda() -> None:
    agenda = ListScheduledTransitions(reads=InMemoryStoreReader(InMemoryStore()), clock=FixedClock(NOW))

    with pytest.raises(SupremeUserRequired):
        await agenda.execute(Principal(user_id="manager", grants={}), None, None)


@pytest.mark.parametrize(
    ("start", "end"),
    [(NOW, NOW - dt.timedelta(seconds=1)), (NOW, NOW + dt.timedelta(days=31, microseconds=1))],
    ids=["backwards", "too-long"],
)
async def test_a_bad_window_names_to(start: dt.datetime, end: dt.datetime) -> None:
    agenda = ListScheduledTransitions(reads=InMemoryStoreReader(InMemoryStore()), clock=FixedClock(NOW))

    with pytest.raises(InvalidQuery) as raised:
        await agenda.execute(SUPREME, start, end)

    assert [error.field for error in raised.value.errors] == ["to"]
