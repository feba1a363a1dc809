"""Discovery answers cached in Redis (`discovery:artists:<q>…`, `discovery:artist:<id>`, …), shared by every process."""

from __future__ import annotations

from redis.asyncio import Redis

from campaigns.adapters.redis.connections import RedisHealth
from campaigns.application.ports.discovery import DiscoveryCache


class RedisDiscoveryCache(DiscoveryCache):
    """Each answer is stored for `ttl_seconds` or less (Redis expires it); a TTL of 0 stores nothing.

    Redis failing is a miss and a dropped put, never an error: search then asks Discovery. The
    outage is logged when it starts and when it ends (`RedisHealth`), and Redis is skipped while
    its retry interval runs.
    """

    def __init__(self, client: Redis, *, ttl_seconds: float, health: RedisHealth) -> None:
        self._client = client
        self._ttl_ms = round(ttl_seconds * 1000)
        self._health = health

    async def get(self, key: str) -> bytes | None:
        value = await self._health.call(lambda: self._client.get(key))
        return value if isinstance(value, bytes) else None

    async def put(self, key: str, value: bytes, *, ttl_seconds: float | None = None) -> None:
        ttl_ms = self._ttl_ms if ttl_seconds is None else min(self._ttl_ms, round(ttl_seconds * 1000))
        if ttl_ms > 0:
            await self._health.call(lambda: self._client.set(key, value, px=ttl_ms))
