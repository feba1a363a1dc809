"""Errors as MongoDB reports them, injected where the driver raises them: the session's `commit_transaction`.

The stand-in never sends MongoDB's transaction error labels on its own.
"""

from __future__ import annotations

import pytest
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import OperationFailure

TRANSIENT = "TransientTransactionError"
UNKNOWN_COMMIT = "UnknownTransactionCommitResult"


def labelled(label: str) -> OperationFailure:
    """An error carrying one of MongoDB's transaction error labels, as the driver raises it."""
    return OperationFailure(f"injected {label}", code=50, details={"errorLabels": [label], "code": 50})


def fail_commits(monkeypatch: pytest.MonkeyPatch, label: str, failures: int) -> list[str]:
    """The next `failures` commits raise an error labelled `label`, later ones commit.

    Returns the log of commits, "failed" or "committed", in order.
    """
    log: list[str] = []
    original = AsyncClientSession.commit_transaction

    async def commit_transaction(session: AsyncClientSession) -> None:
        if log.count("failed") < failures:
            log.append("failed")
            raise labelled(label)
        await original(session)
        log.append("committed")

    monkeypatch.setattr(AsyncClientSession, "commit_transaction", commit_transaction)
    return log
