"""DiscoveryCache contract, over the in-memory fake, the in-process cache and a real Redis.

Expiry is checked by polling with a deadline against each adapter's own clock (Redis expires keys
itself), never by a fixed sleep.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import pytest
from redis.asyncio import Redis as AsyncRedis

from campaigns.adapters.local.discovery_cache import InProcessDiscoveryCache
from campaigns.adapters.redis.connections import RedisHealth
from campaigns.adapters.redis.discovery_cache import RedisDiscoveryCache
from campaigns.application.ports.discovery import DiscoveryCache
from tests.fakes.in_memory import InMemoryDiscoveryCache

CacheOf = Callable[[float], DiscoveryCache]
"""A cache whose own TTL is that many seconds."""

BRIEF = 0.2
EXPIRED_WITHIN = 3.0


@pytest.fixture(params=["in_memory", "in_process", "redis"])
async def cache_of(request: pytest.FixtureRequest) -> AsyncIterator[CacheOf]:
    if request.param == "in_memory":
        yield lambda ttl: InMemoryDiscoveryCache(ttl_seconds=ttl)
    elif request.param == "in_process":
        yield lambda ttl: InProcessDiscoveryCache(ttl_seconds=ttl)
    else:
        async with AsyncRedis.from_url(request.getfixturevalue("redis_url")) as client:
            yield lambda ttl: RedisDiscoveryCache(client, ttl_seconds=ttl, health=RedisHealth("contract"))


async def expired(cache: DiscoveryCache, key: str) -> bool:
    """Polls until `key` is a miss; False if it is still answered after `EXPIRED_WITHIN` seconds."""
    deadline = time.monotonic() + EXPIRED_WITHIN
    while await cache.get(key) is not None:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def test_an_unknown_key_is_a_miss(cache_of: CacheOf) -> None:
    assert await cache_of(3600).get("discovery:artists:taylor:0:20") is None


async def test_an_answer_is_kept_as_bytes_under_its_own_key(cache_of: CacheOf) -> None:
    cache = cache_of(3600)

    await cache.put("discovery:artist:K8vZ917", b'{"name":"Taylor Swift","id":"\\u00e9"}')
    await cache.put("discovery:artist:K8vZ918", b"null")

    assert await cache.get("discovery:artist:K8vZ917") == b'{"name":"Taylor Swift","id":"\\u00e9"}'
    assert await cache.get("discovery:artist:K8vZ918") == b"null"
    assert await cache.get("discovery:artist:K8vZ91") is None


async def test_a_later_put_replaces_the_answer(cache_of: CacheOf) -> None:
    cache = cache_of(3600)

    await cache.put("discovery:venue:KovZ1", b'{"name":"before"}')
    await cache.put("discovery:venue:KovZ1", b'{"name":"after"}')

    assert await cache.get("discovery:venue:KovZ1") == b'{"name":"after"}'


async def test_an_answer_expires_after_the_caches_ttl_whatever_the_put_asks(cache_of: CacheOf) -> None:
    cache = cache_of(BRIEF)

    await cache.put("discovery:artist:capped", b"{}", ttl_seconds=3600)

    assert await expired(cache, "discovery:artist:capped")


async def test_a_shorter_ttl_asked_by_a_put_expires_first(cache_of: CacheOf) -> None:
    cache = cache_of(3600)

    await cache.put("discovery:artist:brief", b"null", ttl_seconds=BRIEF)
    await cache.put("discovery:artist:kept", b"{}")

    assert await expired(cache, "discovery:artist:brief")
    assert await cache.get("discovery:artist:kept") == b"{}"


@pytest.mark.parametrize(("cache_ttl", "put_ttl"), [(3600, 0), (0, None)])
async def test_a_zero_ttl_stores_nothing(cache_of: CacheOf, cache_ttl: float, put_ttl: float | None) -> None:
    cache = cache_of(cache_ttl)

    await cache.put("discovery:artist:off", b"{}", ttl_seconds=put_ttl)

    assert await cache.get("discovery:artist:off") is None
