"""MarketRepository contract."""

from __future__ import annotations

import msgspec
import pytest

from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.domain.errors import MarketNameTaken
from campaigns.domain.market import GeoPoint, MarketEventInfo, Notification, Venue
from tests.integration.contracts.builders import NOW, doc_id, market

CAMPAIGN, OTHER_CAMPAIGN = doc_id(100), doc_id(200)


async def test_markets_round_trip_update_and_delete(uow_factory: UnitOfWorkFactory) -> None:
    first = msgspec.structs.replace(
        market(1, CAMPAIGN),
        point=GeoPoint(coordinates=(2.35, 48.85)),
        notification=Notification(date=NOW),
        event=MarketEventInfo(ids=["E1"], presaleDateTime=NOW, category_ids=["c1"], venue=Venue(id="v1", name="Arena")),
        promoterIds=["p1"],
    )
    second = market(2, CAMPAIGN)
    elsewhere = market(3, OTHER_CAMPAIGN)
    async with uow_factory() as uow:
        for item in (second, elsewhere, first):
            await uow.markets.add(item)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.markets.get(first.id) == first
        assert await uow.markets.get(doc_id(404)) is None
        assert await uow.markets.list_for_campaign(CAMPAIGN) == [first, second]
        renamed = msgspec.structs.replace(first, name="Renamed", event=None)
        await uow.markets.update(renamed)
        await uow.markets.delete(second.id)
        await uow.markets.delete(doc_id(404))
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.markets.list_for_campaign(CAMPAIGN) == [renamed]
        assert await uow.markets.list_for_campaign(doc_id(404)) == []


async def test_markets_of_many_campaigns_come_in_one_read_by_campaign_then_id(
    uow_factory: UnitOfWorkFactory,
) -> None:
    items = [market(3, OTHER_CAMPAIGN), market(2, CAMPAIGN), market(1, CAMPAIGN), market(4, doc_id(77))]
    async with uow_factory() as uow:
        for item in items:
            await uow.markets.add(item)
        await uow.commit()

    async with uow_factory() as uow:
        both = await uow.markets.list_for_campaigns([OTHER_CAMPAIGN, CAMPAIGN])
        assert both == sorted(items[:3], key=lambda m: (m.campaign_id, m.id))
        assert await uow.markets.list_for_campaigns([doc_id(404)]) == []
        assert await uow.markets.list_for_campaigns([]) == []


async def test_updating_an_absent_market_does_nothing(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.markets.update(market(1, CAMPAIGN))
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.markets.get(doc_id(1)) is None


async def test_market_names_are_unique_within_a_campaign(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.markets.add(market(1, CAMPAIGN, name="Paris"))
        await uow.markets.add(market(2, CAMPAIGN, name="Lyon"))
        await uow.markets.add(market(3, OTHER_CAMPAIGN, name="Paris"))
        await uow.commit()

    async with uow_factory() as uow:
        with pytest.raises(MarketNameTaken):
            await uow.markets.add(market(4, CAMPAIGN, name="Paris"))
        with pytest.raises(MarketNameTaken):
            await uow.markets.update(market(2, CAMPAIGN, name="Paris"))
        await uow.commit()

    async with uow_factory() as uow:
        assert [m.name for m in await uow.markets.list_for_campaign(CAMPAIGN)] == ["Paris", "Lyon"]
