"""The verifier behind the password rule: the hash runs off the event loop (the limiter: tests/integration/redis)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from campaigns.adapters.local import password_verifier as thread_pool_password_verifier
from campaigns.adapters.local.password_verifier import ThreadPoolPasswordVerifier
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
