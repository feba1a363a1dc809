"""Attempt limits through the `limits` library: counted in this process, or in Redis for the whole fleet."""

from __future__ import annotations

import abc
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import quote

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis

from campaigns.adapters.redis.connections import UNAVAILABLE, RedisHealth
from campaigns.application.ports.security import AttemptLimiter

T = TypeVar("T")

REDIS_KEY_PREFIX = "attempts"
"""Where the counts live in Redis: `attempts:<namespace>/<caller>/<target>/<limit>/<seconds>/second`."""

_TIME_ROUNDING = 0.001
"""The Redis storage's script reports times to 14 significant digits (about 0.1 ms today): a wait that
long past a whole second is that rounding, not one more second."""


class LimitsAttemptLimiter(AttemptLimiter):
    """At most `attempts` per (caller, target) in any `window_seconds`: a moving window.

    Without `redis` the count is this process's own: each worker of `serve --workers N` counts apart.
    With it, the count lives in Redis (the `limits` Redis storage, one atomic script per attempt),
    shared by every worker and instance. While Redis cannot be asked (`health`), this process's own
    count stands in: an outage loosens the limit to one per process, never lifts it, and never fails
    a request. An attempt taken just before an outage starts or ends is given back to the count in
    use after it, so that count may be off by the attempts in flight at that moment.

    The storages read the wall clock (`time.time()`) themselves; tests move it with time-machine.
    """

    def __init__(
        self,
        *,
        attempts: int = 10,
        window_seconds: int = 60,
        redis: Redis | None = None,
        health: RedisHealth | None = None,
        namespace: str = "password",
    ) -> None:
        item = RateLimitItemPerSecond(attempts, window_seconds, namespace=namespace)
        self._local: _Window = _ProcessWindow(item)
        self._shared: _Window | None = _RedisWindow(item, redis) if redis is not None else None
        self._health = health or RedisHealth("attempt limits")

    async def retry_after(self, caller: str, target: str) -> int | None:
        key = _key(caller, target)
        return await self._counted(lambda window: window.retry_after(key))

    async def acquire(self, caller: str, target: str) -> int | None:
        key = _key(caller, target)
        return await self._counted(lambda window: window.acquire(key))

    async def give_back(self, caller: str, target: str) -> None:
        key = _key(caller, target)
        await self._counted(lambda window: window.give_back(key))

    async def _counted(self, use: Callable[[_Window], Awaitable[T]]) -> T:
        """`use` on the shared count when there is one and Redis answers, else on this process's count."""
        if (shared := self._shared) is not None:
            answer = await self._health.call(lambda: use(shared))
            if answer is not UNAVAILABLE:
                return answer
        return await use(self._local)


class _Window(abc.ABC):
    """One `limits` storage's moving window, with a way to give an attempt back (`limits` has none)."""

    def __init__(self, item: RateLimitItem, storage: MemoryStorage | RedisStorage) -> None:
        self.item = item
        self._limiter = MovingWindowRateLimiter(storage)

    async def retry_after(self, key: tuple[str, str]) -> int | None:
        stats = await self._limiter.get_window_stats(self.item, *key)
        return None if stats.remaining > 0 else max(1, math.ceil(stats.reset_time - time.time() - _TIME_ROUNDING))

    async def acquire(self, key: tuple[str, str]) -> int | None:
        if await self._limiter.hit(self.item, *key):
            return None
        return await self.retry_after(key) or 1  # an attempt given back meanwhile: the next try may pass

    @abc.abstractmethod
    async def give_back(self, key: tuple[str, str]) -> None:
        """Remove the newest attempt of `key`.

        It may be a later attempt than the one given back (both within the window): the count is exact,
        and the window frees at most the length of that attempt's check early.
        """


class _ProcessWindow(_Window):
    def __init__(self, item: RateLimitItem) -> None:
        self._storage = MemoryStorage()
        super().__init__(item, self._storage)

    async def give_back(self, key: tuple[str, str]) -> None:
        stored_key = self.item.key_for(*key)
        async with self._storage.locks[stored_key]:
            if attempts := self._storage.events.get(stored_key):
                del attempts[0]  # newest first


class _RedisWindow(_Window):
    def __init__(self, item: RateLimitItem, redis: Redis) -> None:
        self._redis = redis
        # The process's own pool (its timeouts, closed at shutdown); `limits` types its options as scalars.
        pool: dict[str, Any] = {"connection_pool": redis.connection_pool}
        super().__init__(
            item, RedisStorage("async+redis://", implementation="redispy", key_prefix=REDIS_KEY_PREFIX, **pool)
        )

    async def give_back(self, key: tuple[str, str]) -> None:
        await self._redis.lpop(f"{REDIS_KEY_PREFIX}:{self.item.key_for(*key)}")  # a list, newest first


def _key(caller: str, target: str) -> tuple[str, str]:
    """`limits` joins identifiers with `/`: quoting them keeps ("a/b", "c") and ("a", "b/c") apart."""
    return quote(caller, safe=""), quote(target, safe="")
