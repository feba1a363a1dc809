"""A use case whose unit of work the store aborted runs again from the start, a bounded number of times."""

from __future__ import annotations

import pytest

from campaigns.application.errors import ConcurrentUpdate, TransactionAborted
from campaigns.application.transactions import TRANSACTION_ATTEMPTS, reruns_aborted_transactions


class Flaky:
    """A use case whose first `aborted` runs lose their transaction, and which raises `then` afterwards (if any)."""

    def __init__(self, aborted: int, then: Exception | None = None) -> None:
        self.runs: list[str] = []
        self._aborted = aborted
        self._then = then

    @reruns_aborted_transactions
    async def execute(self, name: str) -> str:
        self.runs.append(name)
        if len(self.runs) <= self._aborted:
            raise TransactionAborted
        if self._then is not None:
            raise self._then
        return f"stored {name}"


async def test_an_aborted_unit_of_work_is_run_again_with_the_same_arguments() -> None:
    use_case = Flaky(aborted=TRANSACTION_ATTEMPTS - 1)

    assert await use_case.execute("paris") == "stored paris"
    assert use_case.runs == ["paris"] * TRANSACTION_ATTEMPTS


async def test_the_last_abort_reaches_the_caller_once_the_attempts_are_spent() -> None:
    use_case = Flaky(aborted=TRANSACTION_ATTEMPTS)

    with pytest.raises(TransactionAborted):
        await use_case.execute("paris")
    assert len(use_case.runs) == TRANSACTION_ATTEMPTS


async def test_other_errors_are_not_retried_not_even_a_lost_compare_and_set() -> None:
    use_case = Flaky(aborted=0, then=ConcurrentUpdate())

    with pytest.raises(ConcurrentUpdate):
        await use_case.execute("paris")
    assert use_case.runs == ["paris"]
