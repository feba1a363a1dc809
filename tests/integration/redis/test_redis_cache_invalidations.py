"""Committed changes reach every process's in-process cache through Redis pub/sub, and survive an outage."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import structlog
from redis.asyncio import Redis

from campaigns.adapters.local.campaign_cache import InProcessCampaignCache
from campaigns.adapters.redis.cache_invalidations import CHANNEL, CacheInvalidationListener, invalidation_message
from campaigns.adapters.redis.campaign_documents import RedisCampaignDocuments
from campaigns.adapters.redis.connections import REDIS_ERRORS, RedisHealth
from campaigns.application.caching import CampaignChange
from campaigns.domain.campaign import Campaign, CampaignDomain, Status
from tests.integration.redis.servers import RedisPair, RedisServer, redis_server

pytestmark = pytest.mark.integration

WITHIN = 20.0
"""A generous deadline: an eviction takes milliseconds, redis-py's own reconnection attempts seconds."""
CHANGE = CampaignChange(id="c" * 24, version=2, sites=("fresh",))


def campaign(version: int, site: str = "fresh") -> Campaign:
    return Campaign(
        id=CHANGE.id, name=f"v{version}", status=Status.OPEN, domain=CampaignDomain(site=site), version=version
    )


def client(url: str) -> Redis:
    """Timeouts as the service's own clients have them (adapters/redis/connections.py)."""
    return Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=1.0)


async def eventually(what: str, check: Callable[[], Awaitable[bool]]) -> None:
    deadline = asyncio.get_running_loop().time() + WITHIN
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"not within {WITHIN}s: {what}")
        await asyncio.sleep(0.01)


class Process:
    """What one API process holds: its in-process cache, kept fresh by its own listener and connection."""

    def __init__(self, url: str) -> None:
        self.client = client(url)
        self.cache = InProcessCampaignCache(ttl_seconds=3600)
        self.health = RedisHealth("cache invalidations")
        self.listener = CacheInvalidationListener(self.client, self.cache, health=self.health)

    async def holds(self, item: Campaign) -> bool:
        assert item.site is not None
        return await self.cache.get_by_site(item.site) == item

    async def lacks(self, item: Campaign) -> bool:
        return not await self.holds(item)


@asynccontextmanager
async def listening(*processes: Process) -> AsyncIterator[None]:
    tasks = [asyncio.create_task(process.listener.run()) for process in processes]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for process in processes:
            await process.client.aclose()


def subscribed(server: Redis, count: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        try:
            ((_, listeners),) = await server.pubsub_numsub(CHANNEL)
        except REDIS_ERRORS:  # restarting
            return False
        return int(listeners) >= count

    return check


async def test_a_change_published_at_commit_is_evicted_from_every_other_process(servers: RedisPair) -> None:
    primary, replica = client(servers.primary.url), client(servers.replica.url)
    committer = RedisCampaignDocuments(
        replica, primary=primary, health=RedisHealth("lookups"), on_degraded=lambda: None
    )
    first, second = Process(servers.replica.url), Process(servers.replica.url)
    try:
        async with listening(first, second):
            await eventually("both listening on the replica", subscribed(replica, 2))
            for process in (first, second):
                await process.cache.put(campaign(1))
            await primary.set("campaign:domain:fresh", b"the previous document")

            await committer.evict([CHANGE])

            for process in (first, second):
                await eventually("the previous version evicted", functools.partial(process.lacks, campaign(1)))
                assert await replica.get("campaign:domain:fresh") is None, "the message came before the deletion"
                await process.cache.put(campaign(1))  # a read begun before the change, ending after it
                assert await process.lacks(campaign(1)), "the previous version was put back"
                await process.cache.put(campaign(2))
                assert await process.holds(campaign(2))
    finally:
        await primary.aclose()
        await replica.aclose()


@pytest.fixture
def lone_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis of this test's own, which the test stops and restarts."""
    with redis_server(tmp_path / "redis") as server:
        yield server


async def test_a_listener_rides_out_an_outage_logged_once_each_way_and_forgets_what_it_may_have_missed(
    lone_server: RedisServer,
) -> None:
    process, probe = Process(lone_server.url), client(lone_server.url)
    with structlog.testing.capture_logs() as logs:
        async with listening(process):
            await eventually("listening", subscribed(probe, 1))

            lone_server.stop()
            await eventually("the outage noticed", lambda: _now(process.health.down))
            await process.cache.put(campaign(1))  # a change to it now would go unheard here
            lone_server.start()

            await eventually("listening again", subscribed(probe, 1))
            await eventually("the entries it may have missed changes of dropped", lambda: process.lacks(campaign(1)))
            await process.cache.put(campaign(1))
            await probe.publish(CHANNEL, invalidation_message([CHANGE]))
            await eventually("changes heard again", lambda: process.lacks(campaign(1)))
    await probe.aclose()

    assert [line["event"] for line in logs if line.get("purpose") == "cache invalidations"] == [
        "redis unavailable",
        "redis recovered",
    ]


async def _now(value: bool) -> bool:
    return value
