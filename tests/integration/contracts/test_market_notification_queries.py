"""MarketReader contract for the notification routes: markets by id, by presale window, due reminders."""

from __future__ import annotations

import datetime as dt

import msgspec

from campaigns.application.ports.store import StoreReader, UnitOfWorkFactory
from campaigns.domain.market import Market, MarketEventInfo, Notification
from tests.integration.contracts.builders import DAY, HOUR, NOW, doc_id, market

CAMPAIGN = doc_id(100)
SECOND = dt.timedelta(seconds=1)


def presale_market(n: int, presale: dt.datetime | None) -> Market:
    event = MarketEventInfo(ids=["E1"], presaleDateTime=presale) if presale is not None else None
    return msgspec.structs.replace(market(n, CAMPAIGN), event=event)


def notified_market(n: int, date: dt.datetime | None, notified: dt.datetime | None = None) -> Market:
    return msgspec.structs.replace(market(n, CAMPAIGN), notification=Notification(date=date, notified=notified))


async def add_markets(uow_factory: UnitOfWorkFactory, *markets: Market) -> None:
    async with uow_factory() as uow:
        for item in markets:
            await uow.markets.add(item)
        await uow.commit()


async def test_get_many_returns_the_known_markets_once_each_in_id_order(
    uow_factory: UnitOfWorkFactory, reader: StoreReader
) -> None:
    first, second, third = market(1, CAMPAIGN), market(2, CAMPAIGN), market(3, doc_id(200))
    await add_markets(uow_factory, third, first, second)

    assert await reader.markets.get_many([third.id, doc_id(404), first.id, third.id]) == [first, third]
    assert await reader.markets.get_many([doc_id(404)]) == []
    assert await reader.markets.get_many([]) == []
    async with uow_factory() as uow:
        assert await uow.markets.get_many([second.id]) == [second]


async def test_presales_between_includes_both_ends_in_presale_order(
    uow_factory: UnitOfWorkFactory, reader: StoreReader
) -> None:
    start, end = NOW + 2 * HOUR, NOW + 27 * HOUR
    at_start = presale_market(5, start)
    at_end = presale_market(2, end)
    inside = presale_market(3, start + HOUR)
    tied = presale_market(1, start + HOUR)
    # An offset other than UTC and a fraction of a second: order is by instant, not by text.
    paris = dt.timezone(dt.timedelta(hours=2))
    fractional = presale_market(4, (start + 500 * dt.timedelta(milliseconds=1)).astimezone(paris))
    await add_markets(
        uow_factory,
        at_start,
        at_end,
        inside,
        tied,
        fractional,
        presale_market(6, start - SECOND),
        presale_market(7, end + SECOND),
        presale_market(8, None),
    )

    found = await reader.markets.presales_between(start, end)

    assert [m.id for m in found] == [at_start.id, fractional.id, tied.id, inside.id, at_end.id]
    assert found[1] == fractional
    assert await reader.markets.presales_between(end + SECOND, end + DAY) == [presale_market(7, end + SECOND)]


async def test_presales_between_follows_updates_and_deletes(
    uow_factory: UnitOfWorkFactory, reader: StoreReader
) -> None:
    moved, removed = presale_market(1, NOW + HOUR), presale_market(2, NOW + HOUR)
    await add_markets(uow_factory, moved, removed)

    async with uow_factory() as uow:
        await uow.markets.update(presale_market(1, NOW + 3 * DAY))
        await uow.markets.delete(removed.id)
        await uow.commit()

    assert await reader.markets.presales_between(NOW, NOW + DAY) == []
    assert await reader.markets.presales_between(NOW + 2 * DAY, NOW + 4 * DAY) == [presale_market(1, NOW + 3 * DAY)]
    async with uow_factory() as uow:
        await uow.markets.update(presale_market(1, None))
        await uow.commit()
    assert await reader.markets.presales_between(NOW - DAY, NOW + 4 * DAY) == []


async def test_notifiable_markets_are_due_and_not_yet_notified(
    uow_factory: UnitOfWorkFactory, reader: StoreReader
) -> None:
    due_now = notified_market(3, NOW)
    due_earlier = notified_market(2, NOW - DAY)
    tied = notified_market(1, NOW - DAY)
    await add_markets(
        uow_factory,
        due_now,
        due_earlier,
        tied,
        notified_market(4, NOW + SECOND),
        notified_market(5, NOW - DAY, notified=NOW - HOUR),
        notified_market(6, None),
        market(7, CAMPAIGN),
    )

    assert await reader.markets.notifiable(NOW) == [tied, due_earlier, due_now]
    assert [m.id for m in await reader.markets.notifiable(NOW - DAY)] == [tied.id, due_earlier.id]
    assert await reader.markets.notifiable(NOW - 2 * DAY) == []


async def test_a_market_leaves_the_notifiable_list_once_notified(
    uow_factory: UnitOfWorkFactory, reader: StoreReader
) -> None:
    await add_markets(uow_factory, notified_market(1, NOW - HOUR), notified_market(2, NOW + DAY))

    async with uow_factory() as uow:
        await uow.markets.update(notified_market(1, NOW - HOUR, notified=NOW))
        await uow.markets.update(notified_market(2, NOW - HOUR))
        await uow.commit()

    assert await reader.markets.notifiable(NOW) == [notified_market(2, NOW - HOUR)]
