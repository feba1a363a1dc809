"""MongoDB's rule for a transaction the server aborted: run the whole unit of work again, a bounded number of times."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

import stamina

from campaigns.application.errors import TransactionAborted

P = ParamSpec("P")
R = TypeVar("R")

TRANSACTION_ATTEMPTS = 4
"""Runs of a use case whose unit of work keeps being aborted; the last TransactionAborted reaches the caller."""


def reruns_aborted_transactions(execute: Callable[P, Awaitable[R]]) -> Callable[P, Coroutine[Any, Any, R]]:
    """Decorate a use case's `execute`: when the store aborts its unit of work, run the use case again from the start.

    A rerun reads the state afresh, so it decides on what the other writer committed (retrying only the commit
    would write what the aborted transaction read). Waits a few jittered milliseconds between runs, so two
    writers that conflicted do not collide again at once.
    """

    @functools.wraps(execute)
    async def execute_with_reruns(*args: P.args, **kwargs: P.kwargs) -> R:
        async for attempt in stamina.retry_context(
            on=TransactionAborted, attempts=TRANSACTION_ATTEMPTS, wait_initial=0.01, wait_max=0.2, wait_jitter=0.05
        ):
            with attempt:
                return await execute(*args, **kwargs)
        raise AssertionError("stamina makes at least one attempt")

    return execute_with_reruns
