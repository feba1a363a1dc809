"""Redis clients for the process (one pool per server, closed at shutdown) and how their outages are told."""

from __future__ import annotations

import enum
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Final, TypeVar

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger("campaigns.redis")

T = TypeVar("T")

CONNECT_TIMEOUT_SECONDS = 0.5
COMMAND_TIMEOUT_SECONDS = 1.0
"""Short on purpose: a lookup that cannot reach Redis falls back to the store rather than wait."""

REDIS_ERRORS = (RedisError, OSError)
"""What a Redis command raises when the server cannot answer (refused, reset, timed out, read-only…)."""


async def redis_client(url: str | None) -> AsyncIterator[Redis | None]:
    """One connection pool for `url` (None when Redis is not configured), closed at shutdown.

    Fits `providers.Resource`. Nothing connects before the first command.
    """
    if url is None:
        yield None
        return
    client = Redis.from_url(
        url,
        socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
        socket_timeout=COMMAND_TIMEOUT_SECONDS,
        health_check_interval=30,
    )
    try:
        yield client
    finally:
        await client.aclose()


class Unavailable(enum.Enum):
    UNAVAILABLE = "unavailable"


UNAVAILABLE: Final = Unavailable.UNAVAILABLE
"""What `RedisHealth.call` answers instead of a result when Redis could not be asked."""


class RedisHealth:
    """Tracks whether one use of Redis works, logging one line when it stops and one when it is back.

    After a failure, `usable()` is False for `retry_seconds`: callers skip Redis (and answer another
    way) instead of paying a timeout on every request while it is down. `now` is injectable for tests.
    """

    def __init__(self, purpose: str, *, retry_seconds: float = 1.0, now: Callable[[], float] = time.monotonic) -> None:
        self._purpose = purpose
        self._retry_seconds = retry_seconds
        self._now = now
        self._down_since: float | None = None
        self._retry_at = 0.0

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def usable(self) -> bool:
        return self._down_since is None or self._now() >= self._retry_at

    def failed(self, error: BaseException) -> None:
        now = self._now()
        self._retry_at = now + self._retry_seconds
        if self._down_since is None:
            self._down_since = now
            log.warning("redis unavailable", purpose=self._purpose, error=f"{type(error).__name__}: {error}")

    def succeeded(self) -> None:
        if self._down_since is not None:
            log.info("redis recovered", purpose=self._purpose, down_seconds=round(self._now() - self._down_since, 3))
            self._down_since = None

    async def call(self, command: Callable[[], Awaitable[T]]) -> T | Unavailable:
        """`command`'s result, or UNAVAILABLE when Redis is being skipped or the command failed (recorded)."""
        if not self.usable():
            return UNAVAILABLE
        try:
            result = await command()
        except REDIS_ERRORS as error:
            self.failed(error)
            return UNAVAILABLE
        self.succeeded()
        return result
