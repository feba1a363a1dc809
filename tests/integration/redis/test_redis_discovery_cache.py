"""Discovery answers cached in a real Redis: hit, miss, the TTL set on each key, and an outage acting as a miss."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest
import redis
import structlog
from redis.asyncio import Redis as AsyncRedis

from campaigns.adapters.local.clock import FixedClock
from campaigns.adapters.local.discovery_cache import InProcessDiscoveryCache
from campaigns.adapters.redis.connections import RedisHealth
from campaigns.adapters.redis.discovery_cache import RedisDiscoveryCache
from campaigns.application.use_cases._discovery_search import cache_key
from campaigns.main.container import resolve
from tests.bootstrap import START, composed, settings_for
from tests.integration.discovery.stub import JONAS, Answer, attraction_path, running_stub
from tests.integration.http.support import bearer
from tests.integration.processes import free_port
from tests.integration.redis.servers import RedisPair
from tests.integration.redis.service import service

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


async def test_a_put_is_kept_for_its_shorter_ttl_never_a_longer_one(client: AsyncRedis, primary: redis.Redis) -> None:
    cache = RedisDiscoveryCache(client, ttl_seconds=300, health=RedisHealth("test"))

    await cache.put("discovery:artist:brief", b"null", ttl_seconds=30)
    await cache.put("discovery:artist:capped", b"{}", ttl_seconds=3_000)
    await cache.put("discovery:artist:off", b"null", ttl_seconds=0)

    assert 0 < primary.pttl("discovery:artist:brief") <= 30_000
    assert 30_000 < primary.pttl("discovery:artist:capped") <= 300_000
    assert primary.exists("discovery:artist:off") == 0


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
    redis_url = servers.primary.url if configured else ""
    async with composed(settings_for(tmp_path, redis_url=redis_url)) as container:
        assert isinstance(await resolve(container.discovery.cache), expected)


async def test_the_app_keeps_artists_by_id_in_redis_and_unknown_ids_briefly(
    tmp_path: Path, servers: RedisPair, primary: redis.Redis
) -> None:
    with running_stub() as stub:
        stub.script(attraction_path("K8vZ9175T17"), Answer.json(JONAS))
        async with service(
            tmp_path,
            FixedClock(START),
            redis_url=servers.primary.url,
            discovery_api_key="redis-test-key",
            discovery_url=stub.url,
            discovery_not_found_ttl_seconds="20",
        ) as app:
            fan = bearer(app.api.tokens.nobody())
            answers = [
                (await app.client.get(path, headers=fan)).status_code
                for path in ["/artists/K8vZ9175T17", "/artists/K8vZnope"] * 2
            ]

    assert answers == [200, 404, 200, 404]
    assert [r.path for r in stub.requests] == [attraction_path("K8vZ9175T17"), attraction_path("K8vZnope")]
    assert msgspec.json.decode(primary.get("discovery:artist:K8vZ9175T17") or b"null")["name"] == "Jonas Brothers"
    assert 20_000 < primary.pttl("discovery:artist:K8vZ9175T17") <= 300_000
    assert primary.get("discovery:artist:K8vZnope") == b"null"
    assert 0 < primary.pttl("discovery:artist:K8vZnope") <= 20_000
