"""EventMapRepository contract: the event-mapping read model answers the same from every store."""

from __future__ import annotations

import datetime as dt

from campaigns.application.ports.store import StoreReader, UnitOfWorkFactory
from campaigns.domain.campaign import CampaignDates, Status
from campaigns.domain.event_mapping import EventMapping, event_mappings
from tests.integration.contracts.builders import DAY, HOUR, NOW, add_all, campaign, doc_id, market


def mapping(
    n: int,
    *,
    status: Status = Status.OPEN,
    event_ids: tuple[str, ...] = (),
    category_ids: tuple[str, ...] = (),
    window: tuple[dt.datetime, dt.datetime] | None = (NOW, NOW + DAY),
) -> EventMapping:
    start, end = window or (None, None)
    return EventMapping(
        campaign_id=doc_id(n),
        status=status,
        event_ids=list(event_ids),
        category_ids=list(category_ids),
        presale_start=start,
        presale_end=end,
    )


async def put(uow_factory: UnitOfWorkFactory, *mappings: EventMapping) -> None:
    async with uow_factory() as uow:
        await uow.event_maps.put(mappings)
        await uow.commit()


async def test_campaigns_for_an_event_are_the_listed_ones_covering_it(
    uow_factory: UnitOfWorkFactory, reader: StoreReader
) -> None:
    await put(
        uow_factory,
        mapping(6, event_ids=("E9",)),
        mapping(5, event_ids=("E1",), window=None),
        mapping(4, status=Status.PREVIEW, event_ids=("E1",)),
        mapping(3, status=Status.DRAFT, event_ids=("E1",)),
        mapping(2, status=Status.CLOSED, event_ids=("E1", "E3")),
        mapping(1, status=Status.OPEN, event_ids=("E1", "E2")),
    )

    assert await reader.event_maps.campaign_ids_for_event("E1") == [doc_id(1), doc_id(2)]
    assert await reader.event_maps.campaign_ids_for_event("E2") == [doc_id(1)]
    assert await reader.event_maps.campaign_ids_for_event("E404") == []


async def test_a_mapping_replaces_the_previous_one_of_its_campaign(
    uow_factory: UnitOfWorkFactory, reader: StoreReader
) -> None:
    await put(uow_factory, mapping(1, event_ids=("E1", "E2"), category_ids=("c1",)), mapping(2, event_ids=("E1",)))

    await put(uow_factory, mapping(1, event_ids=("E3",), category_ids=("c2",), window=(NOW + DAY, NOW + 2 * DAY)))

    assert await reader.event_maps.campaign_ids_for_event("E1") == [doc_id(2)]
    assert await reader.event_maps.campaign_ids_for_event("E3") == [doc_id(1)]
    assert await reader.event_maps.campaign_ids_with_categories(["c1"]) == []
    assert await reader.event_maps.campaign_ids_with_categories(["c2"]) == [doc_id(1)]
    assert await reader.event_maps.event_ids_in_window(NOW - HOUR, NOW) == ["E1"]
    assert await reader.event_maps.event_ids_in_window(NOW + 2 * DAY, NOW + 3 * DAY) == ["E3"]


async def test_an_uncommitted_mapping_is_not_read(uow_factory: UnitOfWorkFactory, reader: StoreReader) -> None:
    async with uow_factory() as uow:
        await uow.event_maps.put([mapping(1, event_ids=("E1",))])

    assert await reader.event_maps.campaign_ids_for_event("E1") == []


async def test_ids_of_windows_overlapping_a_range_bounds_included(
    uow_factory: UnitOfWorkFactory, reader: StoreReader
) -> None:
    await put(
        uow_factory,
        mapping(1, event_ids=("E1",), category_ids=("c1",), window=(NOW - 2 * DAY, NOW - DAY)),
        mapping(2, event_ids=("E2", "E9"), category_ids=("c2",), window=(NOW - DAY, NOW)),
        mapping(3, event_ids=("E3",), category_ids=("c3",), window=(NOW + HOUR, NOW + 2 * HOUR)),
        mapping(4, status=Status.DRAFT, event_ids=("E4", "E9"), category_ids=("c2",), window=(NOW + DAY, NOW + DAY)),
        mapping(5, event_ids=("E5",), category_ids=("c5",), window=(NOW + 3 * DAY, NOW + 4 * DAY)),
        mapping(6, event_ids=("E6",), category_ids=("c6",), window=None),
        mapping(7, window=(NOW - 10 * DAY, NOW + 10 * DAY)),
    )

    assert await reader.event_maps.event_ids_in_window(NOW, NOW + DAY) == ["E2", "E3", "E4", "E9"]
    assert await reader.event_maps.category_ids_in_window(NOW, NOW + DAY) == ["c2", "c3"]
    assert await reader.event_maps.event_ids_in_window(NOW + 5 * DAY, NOW + 6 * DAY) == []


async def test_window_bounds_between_two_milliseconds(uow_factory: UnitOfWorkFactory, reader: StoreReader) -> None:
    """Bounds are not truncated blindly: x.0005 excludes a window ending at x.000 and includes one starting at x.001.

    MongoDB holds the window as integer milliseconds, which the stand-in compares right too.
    """
    at = NOW + 100 * dt.timedelta(milliseconds=1)
    half = dt.timedelta(microseconds=500)
    await put(uow_factory, mapping(1, event_ids=("E1",), window=(at, at + dt.timedelta(milliseconds=1))))

    assert await reader.event_maps.event_ids_in_window(at + dt.timedelta(milliseconds=1) + half, NOW + DAY) == []
    assert await reader.event_maps.event_ids_in_window(at - DAY, at - half) == []
    assert await reader.event_maps.event_ids_in_window(at - half, at) == ["E1"]
    assert await reader.event_maps.event_ids_in_window(at + half, at + half) == ["E1"]


async def test_a_window_of_years_is_found_from_any_minute_of_it(
    uow_factory: UnitOfWorkFactory, reader: StoreReader
) -> None:
    far = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
    await put(uow_factory, mapping(1, event_ids=("E1",), window=(dt.datetime(1900, 1, 1, tzinfo=dt.UTC), far)))

    assert await reader.event_maps.event_ids_in_window(NOW, NOW) == ["E1"]
    assert await reader.event_maps.event_ids_in_window(far, far) == ["E1"]


async def test_campaign_ids_with_categories(uow_factory: UnitOfWorkFactory, reader: StoreReader) -> None:
    await put(
        uow_factory,
        mapping(3, category_ids=("c1",)),
        mapping(1, category_ids=("c2",)),
        mapping(2, category_ids=("c3",), window=None),
        mapping(4),
    )

    assert await reader.event_maps.campaign_ids_with_categories(["c1", "c2", "c9"]) == [doc_id(1), doc_id(3)]
    assert await reader.event_maps.campaign_ids_with_categories(["c3", "c3"]) == [doc_id(2)]
    assert await reader.event_maps.campaign_ids_with_categories([]) == []


async def test_the_mapping_of_stored_campaigns_and_markets(uow_factory: UnitOfWorkFactory, reader: StoreReader) -> None:
    """The rule over what a store holds: the campaign's and its markets' event ids, its category, its window."""
    window = CampaignDates(presaleWindowStart=NOW, presaleWindowEnd=NOW + DAY)
    first = campaign(1, status=Status.OPEN, eventIds=["E2", "E1"], categoryId="c1", date=window)
    second = campaign(2, status=Status.DRAFT)
    await add_all(uow_factory, first, second)
    async with uow_factory() as uow:
        await uow.markets.add(market(11, first.id, event_ids=("E3", "E1")))
        await uow.markets.add(market(12, second.id, event_ids=("E4",)))
        stored_campaigns = await uow.campaigns.get_many([second.id, first.id, doc_id(404)])
        markets = await uow.markets.list_for_campaigns([first.id, second.id])
        await uow.event_maps.put(event_mappings(stored_campaigns, markets))
        await uow.commit()

    assert [c.id for c in stored_campaigns] == [first.id, second.id]
    assert await reader.event_maps.campaign_ids_for_event("E3") == [first.id]
    assert await reader.event_maps.campaign_ids_for_event("E4") == []
    assert await reader.event_maps.event_ids_in_window(NOW, NOW) == ["E1", "E2", "E3"]
    assert await reader.event_maps.campaign_ids_with_categories(["c1"]) == [first.id]
    assert [c.id for c in await reader.campaigns.get_many([first.id, first.id])] == [first.id]
    assert await reader.campaigns.get_many([]) == []
