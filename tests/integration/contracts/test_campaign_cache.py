"""CampaignCache contract, over the in-memory fake, the in-process cache, and the in-process tier before real Redis.

`hold` gives the cache a copy the way its production writer does: `put` (the lookup, after reading
the store) for the in-process caches, the outbox sink's document for the Redis tier. The port's
promise under test is `evict`'s: once a change committed, no copy older than it is answered.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import msgspec
import pytest
from redis.asyncio import Redis as AsyncRedis

from campaigns.adapters.local.campaign_cache import InProcessCampaignCache
from campaigns.adapters.local.tiered_campaign_cache import TieredCampaignCache
from campaigns.adapters.redis.campaign_documents import RedisCampaignDocuments, domain_key
from campaigns.adapters.redis.connections import RedisHealth
from campaigns.application.caching import CampaignChange
from campaigns.application.ports.caches import CampaignCache
from campaigns.application.read_models import public_document
from campaigns.domain.campaign import Campaign
from tests.fakes.in_memory import InMemoryCampaignCache
from tests.integration.contracts.builders import campaign, next_version

Hold = Callable[[Campaign], Awaitable[None]]
Seen = tuple[str, int, str | None] | None
"""What an answer tells: the campaign's id, version and site (the Redis tier rebuilds it from its document)."""


@pytest.fixture(params=["in_memory", "in_process", "tiered_over_redis"])
async def cache_and_hold(request: pytest.FixtureRequest) -> AsyncIterator[tuple[CampaignCache, Hold]]:
    if request.param == "in_memory":
        fake = InMemoryCampaignCache()
        yield fake, fake.put
    elif request.param == "in_process":
        in_process = InProcessCampaignCache(ttl_seconds=3600)
        yield in_process, in_process.put
    else:
        async with AsyncRedis.from_url(request.getfixturevalue("redis_url")) as client:

            async def written_by_the_sink(held: Campaign) -> None:
                assert held.site is not None
                await client.set(domain_key(held.site), public_document(held))

            documents = RedisCampaignDocuments(
                client, primary=client, health=RedisHealth("contract"), on_degraded=lambda: None
            )
            yield TieredCampaignCache(InProcessCampaignCache(ttl_seconds=3600), documents), written_by_the_sink


@pytest.fixture
def cache(cache_and_hold: tuple[CampaignCache, Hold]) -> CampaignCache:
    return cache_and_hold[0]


@pytest.fixture
def hold(cache_and_hold: tuple[CampaignCache, Hold]) -> Hold:
    return cache_and_hold[1]


async def seen(cache: CampaignCache, site: str) -> Seen:
    found = await cache.get_by_site(site)
    return None if found is None else (found.id, found.version, found.site)


def change_of(before: Campaign, after: Campaign) -> list[CampaignChange]:
    return [CampaignChange.of(before, after)]


async def test_an_empty_cache_answers_nothing(cache: CampaignCache) -> None:
    assert await cache.get_by_site("nowhere") is None


async def test_a_held_campaign_is_answered_at_its_own_site_only(cache: CampaignCache, hold: Hold) -> None:
    held = campaign(1, site="eras")

    await hold(held)

    assert await seen(cache, "eras") == (held.id, 1, "eras")
    assert await seen(cache, "eras-2") is None


async def test_after_a_change_the_previous_copy_is_not_answered(cache: CampaignCache, hold: Hold) -> None:
    before = campaign(1, site="eras")
    await hold(before)
    assert await seen(cache, "eras") is not None  # read once, so every tier has it

    await cache.evict(change_of(before, next_version(before, name="Renamed")))

    assert await seen(cache, "eras") is None


async def test_after_a_move_no_copy_is_answered_at_either_site(cache: CampaignCache, hold: Hold) -> None:
    before = campaign(1, site="old")
    await hold(before)
    assert await seen(cache, "old") is not None

    moved = next_version(before, domain=msgspec.structs.replace(before.domain, site="new"))
    await cache.evict(change_of(before, moved))

    assert (await seen(cache, "old"), await seen(cache, "new")) == (None, None)


async def test_a_read_that_began_before_the_change_cannot_put_the_previous_copy_back(cache: CampaignCache) -> None:
    before = campaign(1, site="eras")
    after = next_version(before, name="Renamed")

    await cache.evict(change_of(before, after))
    await cache.put(before)  # the lookup read the store before the commit and caches what it read

    assert await seen(cache, "eras") is None


async def test_a_copy_as_new_as_the_change_is_answered_after_it(cache: CampaignCache, hold: Hold) -> None:
    before = campaign(1, site="eras")
    after = next_version(before, name="Renamed")
    await cache.evict(change_of(before, after))

    await hold(after)

    assert await seen(cache, "eras") == (after.id, 2, "eras")


async def test_a_change_leaves_other_campaigns_answered(cache: CampaignCache, hold: Hold) -> None:
    changed, untouched = campaign(1, site="eras"), campaign(2, site="reputation")
    await hold(changed)
    await hold(untouched)
    assert await seen(cache, "eras") is not None

    await cache.evict(change_of(changed, next_version(changed)))

    assert await seen(cache, "eras") is None
    assert await seen(cache, "reputation") == (untouched.id, 1, "reputation")


async def test_evicting_nothing_changes_nothing(cache: CampaignCache, hold: Hold) -> None:
    held = campaign(1, site="eras")
    await hold(held)

    await cache.evict([])

    assert await seen(cache, "eras") == (held.id, 1, "eras")
