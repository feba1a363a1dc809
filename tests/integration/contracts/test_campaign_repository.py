"""CampaignRepository contract: the same answers from every store."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest
from msgspec import UNSET

from campaigns.application.errors import ConcurrentUpdate
from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.queries import CampaignQuery, CampaignSort, SortDirection
from campaigns.domain.campaign import Artist, CampaignDates, CampaignDomain, CampaignType, SchemaInfo, Status
from campaigns.domain.errors import DomainAlreadyClaimed
from campaigns.domain.lifecycle import INACTIVITY_GRACE
from tests.integration.contracts.builders import (
    DAY,
    HOUR,
    NOW,
    add_all,
    campaign,
    doc_id,
    next_version,
    rich_campaign,
    stored,
)


async def test_a_campaign_reads_back_exactly_as_written(uow_factory: UnitOfWorkFactory) -> None:
    original = rich_campaign(1)
    await add_all(uow_factory, original)

    async with uow_factory() as uow:
        by_id = await uow.campaigns.get(original.id)
        by_site = await uow.campaigns.get_by_site("taylorswift")

    assert by_id == original
    assert by_site == original
    assert msgspec.json.encode(by_id) == msgspec.json.encode(original)
    assert by_id is not None
    # In UTC and to the millisecond (the builder gave +02:00 and microseconds): ADR 0008.
    assert by_id.date.created == dt.datetime(2026, 1, 2, 8, 30, 15, 123000, tzinfo=dt.UTC)
    assert all(entry.at.tzinfo is dt.UTC for entry in by_id.statusHistory)


async def test_never_set_and_cleared_fields_stay_told_apart(uow_factory: UnitOfWorkFactory) -> None:
    cleared = campaign(1, domain=CampaignDomain(site=None, preview=None), date=CampaignDates(open=None, close=None))
    never_set = campaign(2, domain=CampaignDomain())
    await add_all(uow_factory, cleared, never_set)

    first, second = await stored(uow_factory, cleared.id), await stored(uow_factory, never_set.id)

    assert first is not None
    assert second is not None
    assert (first.domain.site, first.domain.preview, first.date.open, first.date.close) == (None, None, None, None)
    assert (second.domain.site, second.domain.preview, second.date.open, second.date.close) == (UNSET,) * 4
    assert msgspec.json.encode(first) == msgspec.json.encode(cleared)
    assert msgspec.json.encode(second) == msgspec.json.encode(never_set)


async def test_opaque_legacy_content_reads_back_as_given(uow_factory: UnitOfWorkFactory) -> None:
    content: dict[str, Any] = {
        "big": 2**53 + 1,
        "negative": -(2**62),
        "float": 0.1,
        "whole": 3.0,
        "text": "2026-01-02T10:30:15+02:00",
        "unicode": "Ünïcødé \u2603",
        "nothing": None,
        "list": [[], {}, [1, [2, [3]]], False],
    }
    original = campaign(1, limit=content, stores=[content, 2**40], groups=[None])
    await add_all(uow_factory, original)

    back = await stored(uow_factory, original.id)

    assert back is not None
    assert (back.limit, back.stores, back.groups) == (content, [content, 2**40], [None])
    assert msgspec.json.encode(back) == msgspec.json.encode(original)


async def test_absent_campaigns_are_none(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.campaigns.get(doc_id(404)) is None
        assert await uow.campaigns.get_by_site("nowhere") is None


async def test_adding_a_held_domain_fails_and_writes_nothing(uow_factory: UnitOfWorkFactory) -> None:
    await add_all(uow_factory, campaign(1, site="taken"))

    async with uow_factory() as uow:
        with pytest.raises(DomainAlreadyClaimed):
            await uow.campaigns.add(campaign(2, site="taken"))
        await uow.commit()

    assert await stored(uow_factory, doc_id(2)) is None
    async with uow_factory() as uow:
        holder = await uow.campaigns.get_by_site("taken")
    assert holder is not None
    assert holder.id == doc_id(1)


async def test_updating_to_a_held_domain_fails_and_writes_nothing(uow_factory: UnitOfWorkFactory) -> None:
    second = campaign(2, site="mine")
    await add_all(uow_factory, campaign(1, site="taken"), second)

    async with uow_factory() as uow:
        with pytest.raises(DomainAlreadyClaimed):
            await uow.campaigns.update(next_version(second, domain=CampaignDomain(site="taken")))
        await uow.commit()

    assert await stored(uow_factory, second.id) == second


async def test_campaigns_without_a_domain_never_conflict(uow_factory: UnitOfWorkFactory) -> None:
    await add_all(uow_factory, campaign(1), campaign(2))

    assert await stored(uow_factory, doc_id(1)) is not None
    assert await stored(uow_factory, doc_id(2)) is not None


async def test_a_released_domain_can_be_claimed_again(uow_factory: UnitOfWorkFactory) -> None:
    holder = campaign(1, site="shared")
    await add_all(uow_factory, holder)
    async with uow_factory() as uow:
        await uow.campaigns.update(next_version(holder, status=Status.INACTIVE, domain=CampaignDomain()))
        await uow.campaigns.add(campaign(2, site="shared"))
        await uow.commit()

    async with uow_factory() as uow:
        claimant = await uow.campaigns.get_by_site("shared")
    assert claimant is not None
    assert claimant.id == doc_id(2)


async def test_update_is_compare_and_set_on_the_version(uow_factory: UnitOfWorkFactory) -> None:
    original = campaign(1, site="cas")
    await add_all(uow_factory, original)
    winner = next_version(original, name="winner")
    async with uow_factory() as uow:
        await uow.campaigns.update(winner)
        await uow.commit()

    async with uow_factory() as uow:
        with pytest.raises(ConcurrentUpdate):
            await uow.campaigns.update(next_version(original, name="stale"))
        with pytest.raises(ConcurrentUpdate):
            await uow.campaigns.update(next_version(campaign(2), name="never stored"))
        await uow.commit()

    assert await stored(uow_factory, original.id) == winner
    assert await stored(uow_factory, doc_id(2)) is None


async def test_find_due_returns_due_campaigns_in_due_order_and_pages(uow_factory: UnitOfWorkFactory) -> None:
    opening = campaign(1, date=CampaignDates(open=NOW - HOUR))
    closing = campaign(2, status=Status.OPEN, date=CampaignDates(close=NOW - 2 * HOUR))
    same_instant = campaign(3, status=Status.PREVIEW, date=CampaignDates(open=NOW - HOUR))
    deactivating = campaign(4, status=Status.CLOSED, date=CampaignDates(closed=NOW - INACTIVITY_GRACE - DAY))
    due_exactly_now = campaign(5, status=Status.OPEN, date=CampaignDates(close=NOW))
    not_yet = campaign(6, date=CampaignDates(open=NOW + HOUR))
    unscheduled = campaign(7)
    inactive = campaign(8, status=Status.INACTIVE, date=CampaignDates(open=NOW - DAY))
    closed_recently = campaign(9, status=Status.CLOSED, date=CampaignDates(closed=NOW - DAY))
    await add_all(
        uow_factory,
        not_yet,
        inactive,
        due_exactly_now,
        same_instant,
        opening,
        unscheduled,
        deactivating,
        closing,
        closed_recently,
    )
    expected = [deactivating, closing, opening, same_instant, due_exactly_now]

    async with uow_factory() as uow:
        everything = await uow.campaigns.find_due(NOW, after=None, limit=10)
        first = await uow.campaigns.find_due(NOW, after=None, limit=2)
        second = await uow.campaigns.find_due(NOW, after=(NOW - 2 * HOUR, closing.id), limit=2)
        third = await uow.campaigns.find_due(NOW, after=(NOW - HOUR, same_instant.id), limit=2)

    assert everything == expected
    assert first == expected[:2]
    assert second == expected[2:4]
    assert third == expected[4:]


async def test_find_due_tells_apart_instants_a_millisecond_apart(uow_factory: UnitOfWorkFactory) -> None:
    """Due at x.100 s: not at x.0995, due at x.100 and x.1005; none past (x.100, its id), itself past (x.0995, it)."""
    millisecond = dt.timedelta(milliseconds=1)
    at = NOW + 100 * millisecond
    due = campaign(1, date=CampaignDates(open=at))
    await add_all(uow_factory, due, campaign(2, date=CampaignDates(open=at + millisecond)))
    half = millisecond / 2

    async with uow_factory() as uow:
        assert await uow.campaigns.find_due(at - half, after=None, limit=10) == []
        assert await uow.campaigns.find_due(at, after=None, limit=10) == [due]
        assert await uow.campaigns.find_due(at + half, after=None, limit=10) == [due]
        assert await uow.campaigns.find_due(at + half, after=(at, due.id), limit=10) == []
        assert await uow.campaigns.find_due(at + half, after=(at - half, due.id), limit=10) == [due]


async def test_search_filters_and_counts(uow_factory: UnitOfWorkFactory) -> None:
    await add_all(
        uow_factory,
        campaign(1, name="Rock Night", artist=Artist(id="a1", name="The Band")),
        campaign(2, name="Jazz", identifier="ROCK-festival", type=CampaignType.FANLIST, status=Status.OPEN),
        campaign(3, name="Pop", artist=Artist(id="a2", name="Rockers"), schema=SchemaInfo(version="1")),
        campaign(4, name="Classical", artist=Artist(id="a1", name="Orchestra"), status=Status.OPEN),
    )

    async def ids(query: CampaignQuery) -> tuple[list[str], int]:
        async with uow_factory() as uow:
            page = await uow.campaigns.search(msgspec.structs.replace(query, sort_by=CampaignSort.NAME))
        return sorted(c.id for c in page.campaigns), page.total

    assert await ids(CampaignQuery()) == ([doc_id(n) for n in (1, 2, 3, 4)], 4)
    assert await ids(CampaignQuery(text="rOcK")) == ([doc_id(n) for n in (1, 2, 3)], 3)
    assert await ids(CampaignQuery(text="band")) == ([doc_id(1)], 1)
    assert await ids(CampaignQuery(text="%")) == ([], 0)
    assert await ids(CampaignQuery(text="rO")) == ([doc_id(n) for n in (1, 2, 3)], 3)  # too short for trigrams
    assert await ids(CampaignQuery(text="k n")) == ([doc_id(1)], 1)
    assert await ids(CampaignQuery(text='k" n')) == ([], 0)
    assert await ids(CampaignQuery(text="ROCK-F")) == ([doc_id(2)], 1)
    assert await ids(CampaignQuery(type=CampaignType.FANLIST)) == ([doc_id(2)], 1)
    assert await ids(CampaignQuery(schema_version="1")) == ([doc_id(3)], 1)
    assert await ids(CampaignQuery(artist_id="a1")) == ([doc_id(1), doc_id(4)], 2)
    assert await ids(CampaignQuery(status=Status.OPEN, artist_id="a1")) == ([doc_id(4)], 1)
    assert await ids(CampaignQuery(readable_ids=frozenset({doc_id(2), doc_id(3), doc_id(99)}))) == (
        [doc_id(2), doc_id(3)],
        2,
    )
    assert await ids(CampaignQuery(readable_ids=frozenset())) == ([], 0)

    async with uow_factory() as uow:
        current = await uow.campaigns.get(doc_id(4))
        assert current is not None
        renamed = next_version(current, name="Rock Classics")
        await uow.campaigns.update(renamed)
        await uow.commit()
    assert await ids(CampaignQuery(text="rock c")) == ([doc_id(4)], 1)
    assert await ids(CampaignQuery(text="classical")) == ([], 0)
    assert await ids(CampaignQuery()) == ([doc_id(n) for n in (1, 2, 3, 4)], 4)


async def test_search_sorts_and_paginates(uow_factory: UnitOfWorkFactory) -> None:
    await add_all(
        uow_factory,
        campaign(1, name="b", date=CampaignDates(created=NOW - DAY)),
        campaign(2, name="a", date=CampaignDates(created=NOW)),
        campaign(3, name=None, date=CampaignDates(created=NOW - 2 * DAY)),
        campaign(4, name="b", date=CampaignDates()),
        campaign(5, name="C", date=CampaignDates(created=NOW - DAY)),
    )

    async def ordered(sort_by: CampaignSort, direction: SortDirection, page: int = 0, size: int = 10) -> list[int]:
        query = CampaignQuery(sort_by=sort_by, direction=direction, page=page, page_size=size)
        async with uow_factory() as uow:
            result = await uow.campaigns.search(query)
        assert result.total == 5
        return [int(c.id, 16) for c in result.campaigns]

    # Missing values sort first ascending and last descending; equal values fall back to the id.
    assert await ordered(CampaignSort.NAME, SortDirection.ASC) == [3, 5, 2, 1, 4]
    assert await ordered(CampaignSort.NAME, SortDirection.DESC) == [4, 1, 2, 5, 3]
    assert await ordered(CampaignSort.CREATED, SortDirection.DESC) == [2, 5, 1, 3, 4]
    assert await ordered(CampaignSort.CREATED, SortDirection.DESC, page=1, size=2) == [1, 3]
    assert await ordered(CampaignSort.CREATED, SortDirection.DESC, page=2, size=2) == [4]
    assert await ordered(CampaignSort.CREATED, SortDirection.DESC, page=3, size=2) == []


async def test_search_sorts_on_every_sort_key(uow_factory: UnitOfWorkFactory) -> None:
    await add_all(
        uow_factory,
        campaign(1, status=Status.OPEN, date=CampaignDates(updated=NOW, open=NOW + DAY, close=NOW)),
        campaign(2, status=Status.CLOSED, date=CampaignDates(updated=NOW - DAY, open=NOW, close=NOW + DAY)),
    )

    for sort_by, ascending in [
        (CampaignSort.UPDATED, [2, 1]),
        (CampaignSort.STATUS, [2, 1]),
        (CampaignSort.OPEN, [2, 1]),
        (CampaignSort.CLOSE, [1, 2]),
    ]:
        async with uow_factory() as uow:
            page = await uow.campaigns.search(CampaignQuery(sort_by=sort_by, direction=SortDirection.ASC))
        assert [int(c.id, 16) for c in page.campaigns] == ascending, sort_by


async def test_ping_answers(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.campaigns.ping()
