"""Committed changes told to every process over Redis pub/sub, so no worker keeps answering a previous version.

The committing process publishes each change (`RedisCampaignDocuments.evict`, right after it deletes
the changed domain keys); every API process runs one `CacheInvalidationListener`, which evicts the
change from its in-process cache. See the ADR on fresh reads across processes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Protocol

import msgspec
import structlog
from redis.asyncio import Redis

from campaigns.adapters.redis.connections import REDIS_ERRORS, RedisHealth
from campaigns.application.caching import CampaignChange

log = structlog.get_logger("campaigns.redis")

CHANNEL = "campaigns:changed"
WAIT_SECONDS = 1.0
"""How long one read of the subscription waits for a message (below the client's socket timeout)."""
FIRST_RETRY_SECONDS = 0.1
LAST_RETRY_SECONDS = 5.0
"""Reconnection backoff bounds: doubled after each failure, back to the first once subscribed."""

_decode = msgspec.json.Decoder(list[CampaignChange])


class ProcessCache(Protocol):
    """The cache of this process that the listener keeps fresh (the in-process campaign cache)."""

    async def evict(self, changes: Sequence[CampaignChange]) -> None: ...

    def clear(self) -> None: ...


def invalidation_message(changes: Sequence[CampaignChange]) -> bytes:
    return msgspec.json.encode(list(changes))


class CacheInvalidationListener:
    """Evicts the changes other processes publish from this process's in-process cache.

    - Subscribes through `client`: the replica the lookups read, when there is one. The primary
      sends the deletion of a changed document's domain key and then the message down one
      replication stream, so once a change is evicted here a lookup reads the new document or none.
    - Every subscription (the first, and each one after a reconnection, redis-py's included) clears
      the cache: changes published while nobody listened here are unknown.
    - Redis unreachable: logged once when it starts and once when it ends (`health`), retried with
      backoff; meanwhile entries live at most the cache TTL, the staleness bound without Redis.
    """

    def __init__(self, client: Redis, cache: ProcessCache, *, health: RedisHealth) -> None:
        self._client = client
        self._cache = cache
        self._health = health

    async def run(self) -> None:
        """Listen until cancelled."""
        retry = FIRST_RETRY_SECONDS
        while True:
            try:
                async with self._client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    while True:
                        if (message := await pubsub.get_message(timeout=WAIT_SECONDS)) is not None:
                            await self._take(message)
                            retry = FIRST_RETRY_SECONDS
            except REDIS_ERRORS as error:
                self._health.failed(error)
            await asyncio.sleep(retry)
            retry = min(retry * 2, LAST_RETRY_SECONDS)

    async def _take(self, message: dict[str, Any]) -> None:
        if message["type"] == "subscribe":
            self._cache.clear()
            self._health.succeeded()
        elif message["type"] == "message":
            try:
                changes = _decode.decode(message["data"])
            except msgspec.DecodeError as error:
                log.warning("cache_invalidation_unreadable", channel=CHANNEL, error=str(error))
                return
            await self._cache.evict(changes)
