"""Bounded retries with exponential backoff and jitter (stamina), shared by the adapters that call out."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Protocol

import stamina


class Backoff(Protocol):
    """How hard to retry (times in seconds): a policy struct of the adapter's own."""

    @property
    def attempts(self) -> int: ...
    @property
    def wait_initial(self) -> float: ...
    @property
    def wait_max(self) -> float: ...
    @property
    def wait_jitter(self) -> float: ...
    @property
    def deadline(self) -> float | None:
        """No new try starts after this long since the first one."""


def attempts(
    policy: Backoff, on: type[Exception] | Callable[[Exception], bool | float]
) -> AsyncIterator[stamina.Attempt]:
    """Tries as `policy` says, retrying what `on` accepts: `async for attempt in ...: with attempt: ...`."""
    return stamina.retry_context(
        on=on,
        attempts=policy.attempts,
        timeout=policy.deadline,
        wait_initial=policy.wait_initial,
        wait_max=policy.wait_max,
        wait_jitter=policy.wait_jitter,
    )
