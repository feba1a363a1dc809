"""Password checks on threads of their own, off the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from campaigns.application.ports.security import PasswordVerifier
from campaigns.domain.permissions import password_matches


class ThreadPoolPasswordVerifier(PasswordVerifier):
    """Runs the domain's PBKDF2 check (`password_matches`) in a small pool of dedicated threads.

    hashlib releases the GIL while it hashes, so the event loop keeps answering other requests
    meanwhile. The pool is separate from the loop's default executor and small (one worker by
    default) so a flood of guesses takes at most that many cores and queues behind them, leaving
    the rest of the machine to everyone else; its threads also run at a lower scheduling priority
    (`nice`, where the OS has per-thread priorities) so that on a busy machine the kernel gives the
    event loop the core first.
    """

    def __init__(self, *, workers: int = 1, niceness: int = 10) -> None:
        self._executor = ThreadPoolExecutor(
            max_workers=workers,
            thread_name_prefix="password-check",
            initializer=_lower_priority,
            initargs=(niceness,),
        )

    async def matches(self, stored_hash: str, password: str) -> bool:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, password_matches, stored_hash, password)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _lower_priority(niceness: int) -> None:
    """Raise this thread's nice value (Linux: a thread id is a valid PRIO_PROCESS target); a no-op elsewhere."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
