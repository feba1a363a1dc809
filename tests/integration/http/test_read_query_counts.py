"""The query-count guard: each read route costs the same number of store reads with 10 campaigns as with 1,000.

The app runs over a store reader that counts every call of its repositories (each one query, or a
fixed few: `search` counts and pages), on both profiles' stores. The data grows between the two
rounds of requests, and so do the answers (every campaign covers the event and sits in the window),
but no route may read once per campaign or per market.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dependency_injector import providers

from campaigns.adapters.local.clock import FixedClock
from campaigns.application.ports.store import StoreReader, UnitOfWorkFactory
from campaigns.config import Settings
from campaigns.domain.campaign import CampaignDates, Status
from campaigns.domain.event_mapping import event_mappings
from campaigns.main.container import Container, resolve
from tests.bootstrap import running
from tests.integration.contracts.builders import campaign, doc_id, market

WINDOW_START = dt.datetime(2030, 2, 1, tzinfo=dt.UTC)
MARKETS_PER_CAMPAIGN = 2
READERS = ("campaigns", "markets", "promoters", "contacts", "event_statuses", "event_maps")


class CountingRepository:
    """Forwards every method of a repository, recording `<repository>.<method>` for each call."""

    def __init__(self, inner: object, name: str, calls: list[str]) -> None:
        self._inner, self._name, self._calls = inner, name, calls

    def __getattr__(self, method: str) -> Any:
        target = getattr(self._inner, method)

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self._calls.append(f"{self._name}.{method}")
            return await target(*args, **kwargs)

        return counted


class CountingReader:
    """A StoreReader whose repositories count their calls in `calls`."""

    def __init__(self, inner: StoreReader) -> None:
        self.calls: list[str] = []
        for name in READERS:
            setattr(self, name, CountingRepository(getattr(inner, name), name, self.calls))


async def load(uow_factory: UnitOfWorkFactory, numbers: range) -> None:
    """Campaigns `numbers`, OPEN in one presale window, with markets covering event `EV`, mapped as writes map them."""
    window = CampaignDates(presaleWindowStart=WINDOW_START, presaleWindowEnd=WINDOW_START + dt.timedelta(days=1))
    campaigns = [campaign(n, status=Status.OPEN, eventIds=[f"C{n}"], categoryId="cat-1", date=window) for n in numbers]
    markets = [
        market(10_000 + n * MARKETS_PER_CAMPAIGN + k, doc_id(n), event_ids=("EV", f"M{n}-{k}"))
        for n in numbers
        for k in range(MARKETS_PER_CAMPAIGN)
    ]
    async with uow_factory() as uow:
        for item in campaigns:
            await uow.campaigns.add(item)
        for each in markets:
            await uow.markets.add(each)
        await uow.event_maps.put(event_mappings(campaigns, markets))
        await uow.commit()


ROUTES = {
    "by id": (f"/campaigns/{doc_id(1)}", {}),
    "markets": (f"/campaigns/{doc_id(1)}/markets", {}),
    "by event": ("/campaigns/events", {"eventId": "EV"}),
    "eventIds": (
        "/campaigns/eventIds",
        {"presaleQueryStartDate": "2030-02-01T06:00:00Z", "presaleQueryEndDate": "2030-02-01T07:00:00Z"},
    ),
    "categoryIds": (
        "/campaigns/categoryIds",
        {"presaleQueryStartDate": "2030-02-01T06:00:00Z", "presaleQueryEndDate": "2030-02-01T07:00:00Z"},
    ),
    "ids": ("/campaigns/ids", {"categoryIds": "cat-1"}),
    "list": ("/campaigns/list", {"pageSize": "10"}),
    "search": ("/campaigns/list", {"q": "campaign 1", "pageSize": "10"}),
}
"""Every read route internal services call, as they call it (the lookup by domain has its own guard: the fast lane)."""

EXPECTED = {
    "by id": ["campaigns.get"],
    "markets": ["campaigns.get", "markets.list_for_campaign"],
    "by event": ["event_maps.campaign_ids_for_event", "campaigns.get_many"],
    "eventIds": ["event_maps.event_ids_in_window"],
    "categoryIds": ["event_maps.category_ids_in_window"],
    "ids": ["event_maps.campaign_ids_with_categories"],
    "list": ["campaigns.search"],
    "search": ["campaigns.search"],
}


def _counting_reads(container: Container) -> None:
    store_reads = container.store.overridden[-1]().reads  # the profile's own reader, wrapped
    container.store.reads.override(providers.Singleton(CountingReader, store_reads))


async def test_each_read_route_reads_the_store_as_often_with_1000_campaigns_as_with_10(
    settings: Settings, clock: FixedClock, supreme: dict[str, str]
) -> None:
    calls: dict[int, dict[str, list[str]]] = {}
    sizes: dict[int, dict[str, int]] = {}
    async with running(settings, clock, _counting_reads) as app:
        client, container = app.client, app.container
        counting = client.blocking_portal.call(resolve, container.store.reads)
        assert isinstance(counting, CountingReader)
        uow_factory = client.blocking_portal.call(resolve, container.store.unit_of_work)
        for stored, numbers in ((10, range(1, 11)), (1_000, range(11, 1_001))):
            client.blocking_portal.call(load, uow_factory, numbers)  # on the app's own event loop
            container.caches.cache().clear()  # loaded past the use cases, which evict what a commit changes
            calls[stored], sizes[stored] = {}, {}
            for route, (path, params) in ROUTES.items():
                counting.calls.clear()
                response = await client.get(path, params=params, headers=supreme)
                assert response.status_code == 200, (route, response.text)
                calls[stored][route] = list(counting.calls)
                body = response.json()
                sizes[stored][route] = len(
                    body["campaigns"] if isinstance(body, dict) and "campaigns" in body else body
                )

    assert calls[10] == calls[1_000] == EXPECTED
    assert sizes[10]["by event"] == 10
    assert sizes[1_000]["by event"] == 1_000, "the answers grew with the data, the reads did not"
    assert sizes[1_000]["eventIds"] == 1_000 * (1 + MARKETS_PER_CAMPAIGN) + 1
