"""The adapters behind the password rule: the hash runs off the event loop, failures are limited per key."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest
import time_machine

from campaigns.adapters import thread_pool_password_verifier
from campaigns.adapters.limits_attempt_limiter import LimitsAttemptLimiter
from campaigns.adapters.thread_pool_password_verifier import ThreadPoolPasswordVerifier
from campaigns.domain.permissions import hash_password, password_matches

STORED = hash_password("letmein", bytes(16), iterations=1_000)


async def test_the_verifier_checks_on_a_thread_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[str] = []

    def recording(stored: str, password: str) -> bool:
        threads.append(threading.current_thread().name)
        return password_matches(stored, password)

    monkeypatch.setattr(thread_pool_password_verifier, "password_matches", recording)
    verifier = ThreadPoolPasswordVerifier()
    try:
        assert await verifier.matches(STORED, "letmein")
        assert not await verifier.matches(STORED, "LETMEIN")
    finally:
        verifier.close()

    assert len(threads) == 2
    assert all(name.startswith("password-check") for name in threads), threads
    assert threading.main_thread().name not in threads


async def test_the_event_loop_keeps_running_while_a_check_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A check that takes its time (here: until released) leaves the loop free to run other tasks.

    Were the hash run on the loop, the task would block it until released and be done by the time
    this test runs again.
    """
    release = threading.Event()

    def slow(*_: str) -> bool:
        release.wait(timeout=10)
        return True

    monkeypatch.setattr(thread_pool_password_verifier, "password_matches", slow)
    verifier = ThreadPoolPasswordVerifier()
    try:
        check = asyncio.create_task(verifier.matches(STORED, "letmein"))
        await asyncio.sleep(0)
        assert not check.done()
        release.set()
        assert await check
    finally:
        verifier.close()


@pytest.fixture
def wall_clock() -> Iterator[time_machine.Traveller]:
    """The clock `limits` storages read (`time.time()`), frozen; `.shift()` moves it."""
    with time_machine.travel(time.time(), tick=False) as traveller:
        yield traveller


async def test_the_limiter_refuses_after_the_limit_until_the_window_frees(
    wall_clock: time_machine.Traveller,
) -> None:
    limiter = LimitsAttemptLimiter(attempts=3, window_seconds=60)
    for _ in range(2):
        await limiter.record_failure("fan", "site")
    assert await limiter.retry_after("fan", "site") is None

    await limiter.record_failure("fan", "site")
    assert await limiter.retry_after("fan", "site") == 60
    wall_clock.shift(45)
    assert await limiter.retry_after("fan", "site") == 15
    wall_clock.shift(16)
    assert await limiter.retry_after("fan", "site") is None


async def test_the_window_moves_one_failure_at_a_time(wall_clock: time_machine.Traveller) -> None:
    limiter = LimitsAttemptLimiter(attempts=2, window_seconds=60)
    await limiter.record_failure("fan", "site")
    wall_clock.shift(30)
    await limiter.record_failure("fan", "site")
    assert await limiter.retry_after("fan", "site") == 30

    wall_clock.shift(31)  # the first failure has left the window, the second has not
    assert await limiter.retry_after("fan", "site") is None
    await limiter.record_failure("fan", "site")
    assert await limiter.retry_after("fan", "site") == 29


@pytest.mark.usefixtures("wall_clock")
async def test_the_limiter_keeps_callers_and_targets_apart() -> None:
    limiter = LimitsAttemptLimiter(attempts=1, window_seconds=60)

    await limiter.record_failure("a/b", "c")

    assert await limiter.retry_after("a/b", "c") is not None
    for caller, target in (("a", "b/c"), ("a/b", "d"), ("a/b/c", ""), ("other", "c")):
        assert await limiter.retry_after(caller, target) is None, (caller, target)
