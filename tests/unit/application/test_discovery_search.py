"""Artist and venue search through the Discovery cache, over the in-memory catalog and caches."""

from __future__ import annotations

import msgspec
import pytest

from campaigns.adapters.discovery.unconfigured_catalog import UnconfiguredDiscoveryCatalog
from campaigns.adapters.local.discovery_cache import InProcessDiscoveryCache
from campaigns.application.discovery import ArtistSummary, DiscoveryPage, VenueSummary
from campaigns.application.errors import DependencyUnavailable
from campaigns.application.use_cases.search_artists import SearchArtists
from campaigns.application.use_cases.search_venues import SearchVenues
from campaigns.domain.errors import InvalidQuery
from tests.fakes.in_memory import InMemoryDiscoveryCache, InMemoryDiscoveryCatalog

ARTISTS = [
    ArtistSummary(id=f"K{n}", name=f"Taylor Tribute {n}", discovery_id=f"K{n}", image_url=f"https://img.test/{n}.jpg")
    for n in range(25)
]
VENUES = [
    VenueSummary(id="KovZ1", name="Taylor Hall", city="Austin", state="TX", country="US", timezone="America/Chicago"),
    VenueSummary(id="KovZ2", name="Madison Square Garden", city="New York", state="NY", country="US"),
]


@pytest.fixture
def catalog() -> InMemoryDiscoveryCatalog:
    return InMemoryDiscoveryCatalog(ARTISTS, VENUES)


@pytest.fixture
def cache() -> InMemoryDiscoveryCache:
    return InMemoryDiscoveryCache()


async def test_a_second_identical_search_is_served_from_the_cache(
    catalog: InMemoryDiscoveryCatalog, cache: InMemoryDiscoveryCache
) -> None:
    search = SearchArtists(catalog=catalog, cache=cache)

    first = await search.execute("taylor", page=0, page_size=10)
    second = await search.execute("taylor", page=0, page_size=10)

    assert second == first
    assert first.total == 25
    assert [a.id for a in first.items] == [f"K{n}" for n in range(10)]
    assert catalog.calls == [("artists", "taylor", 0, 10)]
    assert list(cache.entries) == ["discovery:artists:taylor:0:10"]


async def test_another_page_or_page_size_is_another_entry(
    catalog: InMemoryDiscoveryCatalog, cache: InMemoryDiscoveryCache
) -> None:
    search = SearchArtists(catalog=catalog, cache=cache)

    page_one = await search.execute("taylor", page=1, page_size=10)
    await search.execute("taylor", page=0, page_size=10)
    await search.execute("taylor", page=0, page_size=20)
    await search.execute("taylor", page=1, page_size=10)

    assert [a.id for a in page_one.items] == [f"K{n}" for n in range(10, 20)]
    assert len(catalog.calls) == 3
    assert set(cache.entries) == {
        "discovery:artists:taylor:1:10",
        "discovery:artists:taylor:0:10",
        "discovery:artists:taylor:0:20",
    }


async def test_venues_have_keys_of_their_own(catalog: InMemoryDiscoveryCatalog, cache: InMemoryDiscoveryCache) -> None:
    await SearchArtists(catalog=catalog, cache=cache).execute("taylor", page=0, page_size=10)

    venues = await SearchVenues(catalog=catalog, cache=cache).execute("taylor", page=0, page_size=10)
    again = await SearchVenues(catalog=catalog, cache=cache).execute("taylor", page=0, page_size=10)

    assert venues == again == DiscoveryPage(items=[VENUES[0]], total=1)
    assert catalog.calls == [("artists", "taylor", 0, 10), ("venues", "taylor", 0, 10)]
    assert "discovery:venues:taylor:0:10" in cache.entries


async def test_a_failing_catalog_caches_nothing_and_the_next_search_asks_again(
    catalog: InMemoryDiscoveryCatalog, cache: InMemoryDiscoveryCache
) -> None:
    search = SearchVenues(catalog=catalog, cache=cache)
    catalog.available = False

    with pytest.raises(DependencyUnavailable):
        await search.execute("garden", page=0, page_size=10)
    assert cache.entries == {}

    catalog.available = True
    found = await search.execute("garden", page=0, page_size=10)

    assert [v.id for v in found.items] == ["KovZ2"]


async def test_an_unreadable_cache_entry_is_a_miss(
    catalog: InMemoryDiscoveryCatalog, cache: InMemoryDiscoveryCache
) -> None:
    cache.entries["discovery:artists:taylor:0:10"] = b'{"artists": "an older shape"}'

    found = await SearchArtists(catalog=catalog, cache=cache).execute("taylor", page=0, page_size=10)

    assert found.total == 25
    assert len(catalog.calls) == 1
    stored = msgspec.json.decode(cache.entries["discovery:artists:taylor:0:10"], type=DiscoveryPage[ArtistSummary])
    assert stored == found


@pytest.mark.parametrize(("page", "page_size"), [(10, 100), (1000, 1), (500, 2)])
async def test_pages_past_discoverys_depth_limit_are_refused_without_asking_it(
    catalog: InMemoryDiscoveryCatalog, cache: InMemoryDiscoveryCache, page: int, page_size: int
) -> None:
    with pytest.raises(InvalidQuery) as raised:
        await SearchArtists(catalog=catalog, cache=cache).execute("taylor", page=page, page_size=page_size)

    assert [e.field for e in raised.value.errors] == ["page"]
    assert catalog.calls == []


async def test_the_deepest_page_discovery_serves_is_asked_for(
    catalog: InMemoryDiscoveryCatalog, cache: InMemoryDiscoveryCache
) -> None:
    found = await SearchArtists(catalog=catalog, cache=cache).execute("taylor", page=9, page_size=100)

    assert found == DiscoveryPage(items=[], total=25)


async def test_without_a_key_every_search_says_which_setting_is_missing() -> None:
    search = SearchArtists(catalog=UnconfiguredDiscoveryCatalog(), cache=InMemoryDiscoveryCache())

    with pytest.raises(DependencyUnavailable) as raised:
        await search.execute("taylor", page=0, page_size=10)

    assert raised.value.message == (
        "Artist and venue search needs CAMPAIGNS_DISCOVERY_API_KEY (and optionally CAMPAIGNS_DISCOVERY_URL); "
        "it is not set."
    )
    with pytest.raises(DependencyUnavailable):
        await UnconfiguredDiscoveryCatalog().get_venue("KovZ1")


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


async def test_in_process_entries_expire_after_the_ttl() -> None:
    clock = FakeMonotonic()
    cache = InProcessDiscoveryCache(ttl_seconds=300, now=clock)
    await cache.put("discovery:artists:a:0:10", b"page")

    clock.now += 299.9
    assert await cache.get("discovery:artists:a:0:10") == b"page"
    clock.now += 0.1
    assert await cache.get("discovery:artists:a:0:10") is None
    assert len(cache) == 0


async def test_the_in_process_cache_is_bounded_and_forgets_the_oldest_first() -> None:
    cache = InProcessDiscoveryCache(ttl_seconds=300, max_entries=2, now=FakeMonotonic())
    await cache.put("a", b"1")
    await cache.put("b", b"2")
    await cache.put("a", b"1 again")  # rewritten: now the newest
    await cache.put("c", b"3")

    assert len(cache) == 2
    assert await cache.get("b") is None
    assert (await cache.get("a"), await cache.get("c")) == (b"1 again", b"3")


async def test_a_zero_ttl_turns_the_in_process_cache_off() -> None:
    cache = InProcessDiscoveryCache(ttl_seconds=0, now=FakeMonotonic())
    await cache.put("a", b"1")

    assert await cache.get("a") is None
    assert len(cache) == 0


async def test_search_reads_through_the_in_process_cache(catalog: InMemoryDiscoveryCatalog) -> None:
    search = SearchVenues(catalog=catalog, cache=InProcessDiscoveryCache(ttl_seconds=300))

    first = await search.execute("hall", page=0, page_size=5)
    second = await search.execute("hall", page=0, page_size=5)

    assert first == second == DiscoveryPage(items=[VENUES[0]], total=1)
    assert len(catalog.calls) == 1
