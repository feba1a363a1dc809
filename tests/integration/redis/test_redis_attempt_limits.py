"""The attempt limiter's contract, counted in this process and in a real Redis; the Redis count shared and its outage.

The `limits` storages read the wall clock (`time.time()`) themselves, the Redis one too (it sends the
time to its script): `wall_clock` freezes it and `.shift()` moves it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
import structlog
import time_machine
from redis.asyncio import Redis as AsyncRedis

from campaigns.adapters.local.clock import FixedClock
from campaigns.adapters.redis.attempt_limiter import LimitsAttemptLimiter
from campaigns.adapters.redis.connections import RedisHealth
from tests.bootstrap import START
from tests.integration.http.support import bearer, valid_campaign_body
from tests.integration.redis.servers import RedisPair, RedisServer, redis_server
from tests.integration.redis.service import Service, service

pytestmark = pytest.mark.integration

LimiterOf = Callable[[int], LimitsAttemptLimiter]
"""A limiter allowing that many attempts in 60 s, counted where the parameter says."""


@pytest.fixture
def wall_clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(time.time(), tick=False) as traveller:
        yield traveller


@pytest.fixture(params=["process", "redis"])
async def limiter_of(request: pytest.FixtureRequest) -> AsyncIterator[LimiterOf]:
    if request.param == "process":
        yield lambda attempts: LimitsAttemptLimiter(attempts=attempts, window_seconds=60)
        return
    servers: RedisPair = request.getfixturevalue("servers")
    async with AsyncRedis.from_url(servers.primary.url) as client:
        yield lambda attempts: LimitsAttemptLimiter(attempts=attempts, window_seconds=60, redis=client)


@pytest.mark.usefixtures("wall_clock")
async def test_attempts_are_taken_until_the_limit_and_a_refusal_takes_none(limiter_of: LimiterOf) -> None:
    limiter = limiter_of(3)

    taken = [await limiter.acquire("fan", "site") for _ in range(3)]
    refused = [await limiter.acquire("fan", "site") for _ in range(5)]
    await limiter.give_back("fan", "site")

    assert taken == [None, None, None]
    assert refused == [60] * 5
    assert await limiter.acquire("fan", "site") is None  # the refusals took nothing: one given back, one free
    assert await limiter.acquire("fan", "site") == 60


async def test_the_limit_holds_until_the_window_frees(
    limiter_of: LimiterOf, wall_clock: time_machine.Traveller
) -> None:
    limiter = limiter_of(3)
    for _ in range(2):
        await limiter.acquire("fan", "site")
    assert await limiter.retry_after("fan", "site") is None

    await limiter.acquire("fan", "site")
    assert await limiter.retry_after("fan", "site") == 60
    wall_clock.shift(45)
    assert await limiter.retry_after("fan", "site") == 15
    wall_clock.shift(16)
    assert await limiter.retry_after("fan", "site") is None


async def test_the_window_moves_one_attempt_at_a_time(
    limiter_of: LimiterOf, wall_clock: time_machine.Traveller
) -> None:
    limiter = limiter_of(2)
    await limiter.acquire("fan", "site")
    wall_clock.shift(30)
    await limiter.acquire("fan", "site")
    assert await limiter.retry_after("fan", "site") == 30

    wall_clock.shift(31)  # the first attempt has left the window, the second has not
    assert await limiter.acquire("fan", "site") is None
    assert await limiter.retry_after("fan", "site") == 29


@pytest.mark.usefixtures("wall_clock")
async def test_callers_and_targets_are_kept_apart(limiter_of: LimiterOf) -> None:
    limiter = limiter_of(1)

    await limiter.acquire("a/b", "c")

    assert await limiter.retry_after("a/b", "c") is not None
    for caller, target in (("a", "b/c"), ("a/b", "d"), ("a/b/c", ""), ("other", "c")):
        assert await limiter.retry_after(caller, target) is None, (caller, target)
    await limiter.give_back("other", "c")  # nothing to give back: nothing changes
    assert await limiter.retry_after("a/b", "c") is not None


@pytest.mark.usefixtures("wall_clock")
async def test_concurrent_attempts_cannot_outrun_the_limit(limiter_of: LimiterOf) -> None:
    limiter = limiter_of(10)

    answers = await asyncio.gather(*(limiter.acquire("fan", "site") for _ in range(100)))

    assert answers.count(None) == 10


# --------------------------------------------------------------------------- one count for the fleet


@pytest.mark.usefixtures("wall_clock")
async def test_every_limiter_on_one_redis_shares_the_count(servers: RedisPair) -> None:
    """Two limiters on their own connections, as two workers or instances are: one count, concurrent or not."""
    async with AsyncRedis.from_url(servers.primary.url) as one, AsyncRedis.from_url(servers.primary.url) as two:
        first = LimitsAttemptLimiter(attempts=10, window_seconds=60, redis=one)
        second = LimitsAttemptLimiter(attempts=10, window_seconds=60, redis=two)

        answers = await asyncio.gather(
            *(limiter.acquire("fan", "site") for limiter in (first, second) for _ in range(50))
        )
        assert answers.count(None) == 10
        assert await first.retry_after("fan", "site") == await second.retry_after("fan", "site") == 60

        await second.give_back("fan", "site")
        assert await first.acquire("fan", "site") is None
        assert await second.acquire("fan", "site") == 60


# --------------------------------------------------------------------------- Redis down


@pytest.fixture
def lone_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A server of this test's own, which the test stops and restarts (empty: it keeps nothing)."""
    with redis_server(tmp_path / "redis") as server:
        yield server


@pytest.mark.usefixtures("wall_clock")
async def test_with_redis_down_the_process_counts_and_the_shared_count_resumes_after(lone_server: RedisServer) -> None:
    async with AsyncRedis.from_url(lone_server.url, socket_connect_timeout=0.5, socket_timeout=1) as client:
        health = RedisHealth("password attempts", retry_seconds=0)
        limiter = LimitsAttemptLimiter(attempts=2, window_seconds=60, redis=client, health=health)
        other_worker = LimitsAttemptLimiter(attempts=2, window_seconds=60, redis=client)
        assert await limiter.acquire("fan", "site") is None

        lone_server.stop()
        with structlog.testing.capture_logs() as logs:
            during = [await limiter.acquire("fan", "site") for _ in range(3)]
            await limiter.give_back("fan", "site")
            given_back = await limiter.acquire("fan", "site")

            lone_server.start()
            after = [await limiter.acquire("fan", "site") for _ in range(2)]
            shared = await other_worker.acquire("fan", "site")

    assert during == [None, None, 60]  # this process's own count: limited, not lifted
    assert given_back is None
    assert after == [None, None]  # Redis again (restarted empty)
    assert shared == 60  # and the other worker sees that count
    assert [line["event"] for line in logs if line["event"].startswith("redis ")] == [
        "redis unavailable",
        "redis recovered",
    ]


# --------------------------------------------------------------------------- two apps, as two workers


async def test_two_apps_on_one_redis_hold_one_limit_for_a_caller(tmp_path: Path, servers: RedisPair) -> None:
    """Wrong guesses spread over two apps (two workers' containers on one store and one Redis) count once."""
    async with (
        service(tmp_path, FixedClock(START), redis_url=servers.primary.url) as one,
        service(tmp_path, FixedClock(START), redis_url=servers.primary.url) as two,
    ):
        created = await one.api.create(valid_campaign_body("secret-site", password="s3cret!"))
        await one.api.update(created["id"], {"status": "OPEN"})
        fan = bearer(one.api.tokens.mint({"userId": "fan", "supreme": False}))

        async def guess(app: Service, password: str) -> int:
            response = await app.client.get(
                "/campaigns", params={"domain": "secret-site", "password": password}, headers=fan
            )
            return response.status_code

        right = [await guess(app, "s3cret!") for app in (one, two)]
        wrong = [await guess(app, f"wrong-{n}") for n in range(5) for app in (one, two)]
        after = [await guess(app, password) for app in (one, two) for password in ("wrong-again", "s3cret!")]

    assert right == [200, 200]  # right passwords take nothing
    assert wrong == [401] * 10
    assert after == [429] * 4
