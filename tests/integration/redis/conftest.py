"""A Redis primary and its replica for the session; every test starts from empty servers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis

from campaigns.adapters.local.clock import FixedClock
from tests.bootstrap import START
from tests.integration.redis.servers import RedisPair, redis_pair
from tests.integration.redis.service import Service, service


@pytest.fixture(scope="session")
def redis_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisPair]:
    """Skipped, saying why, only when `redis-server` is not installed."""
    with redis_pair(tmp_path_factory.mktemp("redis")) as pair:
        yield pair


@pytest.fixture
def servers(redis_servers: RedisPair) -> RedisPair:
    """The session's pair, emptied (the flush reaches the replica before the test starts)."""
    with redis_servers.primary.client() as client:
        client.flushall()
    redis_servers.replicated()
    return redis_servers


@pytest.fixture
def primary(servers: RedisPair) -> Iterator[redis.Redis]:
    with servers.primary.client() as client:
        yield client


@pytest.fixture
def replica(servers: RedisPair) -> Iterator[redis.Redis]:
    with servers.replica.client() as client:
        yield client


@pytest.fixture
async def app(tmp_path: Path, servers: RedisPair) -> AsyncIterator[Service]:
    """The app on SQLite, writing to the primary and reading lookups from the replica."""
    async with service(
        tmp_path, FixedClock(START), redis_url=servers.primary.url, redis_replica_url=servers.replica.url
    ) as running:
        yield running
