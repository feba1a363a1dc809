"""Discovery answers cached in a real Redis: hit, miss, the TTL set on each key, and an outage acting as a miss."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis
import structlog
from redis.asyncio import Redis as AsyncRedis

from campaigns.adapters.in_process_discovery_cache import InProcessDiscoveryCache
from campaigns.adapters.redis_connections import RedisHealth
from campaigns.adapters.redis_discovery_cache import RedisDiscoveryCache
from campaigns.application.use_cases._discovery_search import cache_key
from campaigns.config import load_settings
from campaigns.container import build_container, opened, resolve
from tests.integration.processes import free_port
from tests.integration.redis.servers import RedisPair

pytestmark = pytest.mark.integration

KEY = cache_key("artists", "taylor", 0, 20)


@pytest.fixture
async def client(servers: RedisPair) -> AsyncIterator[AsyncRedis]:
    async with AsyncRedis.from_url(servers.primary.url) as connection:
        yield connection


async def test_a_stored_answer_is_a_hit_under_its_discovery_key_with_the_ttl(
    client: AsyncRedis, primary: redis.Redis
) -> None:
    cache = RedisDiscoveryCache(client, ttl_seconds=300, health=RedisHealth("test"))

    missed = await cache.get(KEY)
    await cache.put(KEY, b'{"items":[],"total":0}')

    assert missed is None
    assert await cache.get(KEY) == b'{"items":[],"total":0}'
    assert KEY.startswith("discovery:artists:taylor")
    assert 0 < primary.pttl(KEY) <= 300_000


async def test_a_zero_ttl_stores_nothing(client: AsyncRedis, primary: redis.Redis) -> None:
    cache = RedisDiscoveryCache(client, ttl_seconds=0, health=RedisHealth("test"))

    await cache.put(KEY, b"{}")

    assert primary.exists(KEY) == 0
    assert await cache.get(KEY) is None


async def test_redis_unreachable_is_a_miss_and_a_dropped_put_logged_once() -> None:
    async with AsyncRedis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=1) as nowhere:
        cache = RedisDiscoveryCache(nowhere, ttl_seconds=300, health=RedisHealth("test", retry_seconds=0))

        with structlog.testing.capture_logs() as logs:
            await cache.put(KEY, b"{}")
            found = await cache.get(KEY)

    assert found is None
    assert [line["event"] for line in logs] == ["redis unavailable"]


@pytest.mark.parametrize(("configured", "expected"), [(True, RedisDiscoveryCache), (False, InProcessDiscoveryCache)])
async def test_the_container_caches_discovery_in_redis_when_it_is_configured(
    tmp_path: Path, servers: RedisPair, configured: bool, expected: type[object]
) -> None:
    environ = {"CAMPAIGNS_DATA_DIR": str(tmp_path)}
    if configured:
        environ["CAMPAIGNS_REDIS_URL"] = servers.primary.url
    async with opened(build_container(load_settings(environ=environ))) as container:
        assert isinstance(await resolve(container.discovery_cache), expected)
