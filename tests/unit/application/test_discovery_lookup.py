"""Artists and venues read by Discovery id through the Discovery cache, over the in-memory catalog and caches."""

from __future__ import annotations

import msgspec
import pytest

from campaigns.adapters.discovery.unconfigured_catalog import UnconfiguredDiscoveryCatalog
from campaigns.adapters.local.discovery_cache import InProcessDiscoveryCache
from campaigns.application.discovery import ArtistSummary, VenueSummary
from campaigns.application.errors import DependencyUnavailable, NotFound
from campaigns.application.use_cases.get_artist import GetArtist
from campaigns.application.use_cases.get_venue import GetVenue
from campaigns.application.use_cases.search_artists import SearchArtists
from tests.fakes.in_memory import InMemoryDiscoveryCache, InMemoryDiscoveryCatalog
from tests.unit.application.test_discovery_search import FakeMonotonic

NOT_FOUND_TTL = 30.0
JONAS = ArtistSummary(id="K8vZ9175T17", name="Jonas Brothers", discovery_id="K8vZ9175T17", image_url=None)
HALL = VenueSummary(id="KovZ1", name="Taylor Hall", city="Austin", state="TX", country="US")


@pytest.fixture
def catalog() -> InMemoryDiscoveryCatalog:
    return InMemoryDiscoveryCatalog([JONAS], [HALL])


@pytest.fixture
def cache() -> InMemoryDiscoveryCache:
    return InMemoryDiscoveryCache()


def get_artist(catalog: InMemoryDiscoveryCatalog, cache: InMemoryDiscoveryCache) -> GetArtist:
    return GetArtist(catalog=catalog, cache=cache, not_found_ttl_seconds=NOT_FOUND_TTL)


async def test_a_found_artist_is_kept_for_the_caches_own_ttl_and_read_from_it_again(
    catalog: InMemoryDiscoveryCatalog, cache: InMemoryDiscoveryCache
) -> None:
    first = await get_artist(catalog, cache).execute("K8vZ9175T17")
    second = await get_artist(catalog, cache).execute("K8vZ9175T17")

    assert first == second == JONAS
    assert catalog.lookups == [("artist", "K8vZ9175T17")]
    assert msgspec.json.decode(cache.entries["discovery:artist:K8vZ9175T17"], type=ArtistSummary) == JONAS
    assert cache.ttls == {"discovery:artist:K8vZ9175T17": None}


async def test_an_unknown_id_is_not_found_and_remembered_briefly(
    catalog: InMemoryDiscoveryCatalog, cache: InMemoryDiscoveryCache
) -> None:
    for _ in range(2):
        with pytest.raises(NotFound) as raised:
            await GetVenue(catalog=catalog, cache=cache, not_found_ttl_seconds=NOT_FOUND_TTL).execute("KovZnope")
        assert raised.value.code == "NOT_FOUND"
        assert raised.value.message == "Discovery has no venue with the id 'KovZnope'."

    assert catalog.lookups == [("venue", "KovZnope")]
    assert cache.entries == {"discovery:venue:KovZnope": b"null"}
    assert cache.ttls == {"discovery:venue:KovZnope": NOT_FOUND_TTL}


async def test_lookups_and_searches_have_keys_of_their_own(
    catalog: InMemoryDiscoveryCatalog, cache: InMemoryDiscoveryCache
) -> None:
    await SearchArtists(catalog=catalog, cache=cache).execute("KovZ1", page=0, page_size=10)
    with pytest.raises(NotFound):
        await get_artist(catalog, cache).execute("KovZ1")
    venue = await GetVenue(catalog=catalog, cache=cache, not_found_ttl_seconds=NOT_FOUND_TTL).execute("KovZ1")

    assert venue == HALL
    assert set(cache.entries) == {"discovery:artists:KovZ1:0:10", "discovery:artist:KovZ1", "discovery:venue:KovZ1"}


async def test_a_failing_catalog_caches_nothing_and_the_next_lookup_asks_again(
    catalog: InMemoryDiscoveryCatalog, cache: InMemoryDiscoveryCache
) -> None:
    catalog.available = False
    with pytest.raises(DependencyUnavailable):
        await get_artist(catalog, cache).execute("K8vZ9175T17")
    assert cache.entries == {}

    catalog.available = True
    assert await get_artist(catalog, cache).execute("K8vZ9175T17") == JONAS


async def test_an_unreadable_cache_entry_is_a_miss(
    catalog: InMemoryDiscoveryCatalog, cache: InMemoryDiscoveryCache
) -> None:
    cache.entries["discovery:artist:K8vZ9175T17"] = b'{"artist": "an older shape"}'

    assert await get_artist(catalog, cache).execute("K8vZ9175T17") == JONAS
    assert catalog.lookups == [("artist", "K8vZ9175T17")]


async def test_without_a_key_a_lookup_says_which_setting_is_missing(cache: InMemoryDiscoveryCache) -> None:
    lookup = GetArtist(catalog=UnconfiguredDiscoveryCatalog(), cache=cache, not_found_ttl_seconds=NOT_FOUND_TTL)

    with pytest.raises(DependencyUnavailable) as raised:
        await lookup.execute("K8vZ9175T17")

    assert "CAMPAIGNS_DISCOVERY_API_KEY" in raised.value.message
    assert cache.entries == {}


async def test_the_in_process_cache_keeps_a_put_for_its_shorter_ttl_never_a_longer_one() -> None:
    clock = FakeMonotonic()
    cache = InProcessDiscoveryCache(ttl_seconds=300, now=clock)
    await cache.put("brief", b"null", ttl_seconds=30)
    await cache.put("capped", b"{}", ttl_seconds=3_000)
    await cache.put("off", b"null", ttl_seconds=0)

    clock.now += 29.9
    assert (await cache.get("brief"), await cache.get("off")) == (b"null", None)
    clock.now += 0.1
    assert await cache.get("brief") is None
    clock.now += 269.9
    assert await cache.get("capped") == b"{}"
    clock.now += 0.1
    assert await cache.get("capped") is None


async def test_a_not_found_answer_expires_from_the_in_process_cache_and_is_asked_again(
    catalog: InMemoryDiscoveryCatalog,
) -> None:
    clock = FakeMonotonic()
    lookup = GetArtist(
        catalog=catalog, cache=InProcessDiscoveryCache(ttl_seconds=300, now=clock), not_found_ttl_seconds=30
    )
    with pytest.raises(NotFound):
        await lookup.execute("K2")
    catalog.artists.append(ArtistSummary(id="K2", name="Newly listed", discovery_id="K2"))

    clock.now += 29
    with pytest.raises(NotFound):
        await lookup.execute("K2")
    clock.now += 1

    assert (await lookup.execute("K2")).name == "Newly listed"
    assert catalog.lookups == [("artist", "K2"), ("artist", "K2")]
