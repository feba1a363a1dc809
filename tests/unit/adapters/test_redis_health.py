"""How an outage of Redis is noticed, skipped for a while, logged once each way, and recovered from."""

from __future__ import annotations

import pytest
import structlog
from redis.exceptions import ConnectionError as RedisConnectionError

from campaigns.adapters.redis.connections import UNAVAILABLE, RedisHealth


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_a_failure_skips_redis_until_the_retry_interval_passes_then_it_recovers() -> None:
    clock = Clock()
    health = RedisHealth("test", retry_seconds=1.0, now=clock)
    calls: list[str] = []

    async def failing() -> str:
        calls.append("failing")
        raise RedisConnectionError("refused")

    async def working() -> str:
        calls.append("working")
        return "value"

    with structlog.testing.capture_logs() as logs:
        first = await health.call(failing)
        skipped = await health.call(working)
        clock.now += 1.0
        retried = await health.call(failing)
        clock.now += 1.0
        recovered = await health.call(working)
        again = await health.call(working)

    assert (first, skipped, retried, recovered, again) == (UNAVAILABLE, UNAVAILABLE, UNAVAILABLE, "value", "value")
    assert calls == ["failing", "failing", "working", "working"]
    assert [line["event"] for line in logs] == ["redis unavailable", "redis recovered"]
    assert logs[1]["down_seconds"] == 2.0
    assert not health.down


async def test_an_error_that_is_not_redis_failing_is_not_swallowed() -> None:
    health = RedisHealth("test")

    async def broken() -> None:
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        await health.call(broken)
    assert not health.down
