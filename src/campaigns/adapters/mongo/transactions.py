"""Driver errors as the application's, and the options and retry labels of MongoDB's transactions."""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from typing import Any, ParamSpec, TypeVar

from pymongo.errors import ConnectionFailure, ExecutionTimeout, PyMongoError, WTimeoutError
from pymongo.read_preferences import Primary
from pymongo.write_concern import WriteConcern

from campaigns.application.errors import DependencyUnavailable, TransactionAborted

P = ParamSpec("P")
R = TypeVar("R")
C = TypeVar("C", bound=type[Any])


TRANSACTION: dict[str, Any] = {"write_concern": WriteConcern("majority"), "read_preference": Primary()}
"""The read concern is the URL's (`readConcernLevel`): the stand-in stores a transaction's explicit read
concern as a document when the first statement is an insert (docs/adr/0008)."""


_OUTAGES: tuple[type[PyMongoError], ...] = (ConnectionFailure, WTimeoutError, ExecutionTimeout)
"""Server unreachable, no primary, timed out, or no majority in time: the caller may retry later.

`ConnectionFailure` covers ServerSelectionTimeoutError, AutoReconnect, NetworkTimeout and NotPrimaryError.
"""


TRANSIENT_TRANSACTION_ERROR = "TransientTransactionError"
UNKNOWN_COMMIT_RESULT = "UnknownTransactionCommitResult"
"""The error labels of MongoDB's transaction retry rules: rerun the whole transaction; commit again."""
UNCONFIRMED_COMMIT = "MongoDB did not confirm the write; it was stored whole or not at all, so it is safe to retry."


@contextlib.contextmanager
def driver_errors() -> Iterator[None]:
    """Driver errors as the application's.

    An outage or an unconfirmed commit is DependencyUnavailable; a transaction the server aborted is
    TransactionAborted (a ConcurrentUpdate the use case may run again).
    """
    try:
        yield
    except _OUTAGES as error:
        raise DependencyUnavailable("MongoDB is unavailable.") from error
    except PyMongoError as error:
        # A write conflict with a concurrent transaction, or a transaction the server already aborted:
        # nothing of this unit was stored, and running it again may succeed.
        if error.has_error_label(TRANSIENT_TRANSACTION_ERROR):
            raise TransactionAborted from error
        if error.has_error_label(UNKNOWN_COMMIT_RESULT):
            raise DependencyUnavailable(UNCONFIRMED_COMMIT) from error
        raise


def _translating(method: Callable[P, Awaitable[R]]) -> Callable[P, Coroutine[Any, Any, R]]:
    @functools.wraps(method)
    async def translated(*args: P.args, **kwargs: P.kwargs) -> R:
        with driver_errors():
            return await method(*args, **kwargs)

    return translated


def translate_driver_errors(cls: C) -> C:
    """Class decorator: every public coroutine method (and `__aenter__`/`__aexit__`) raises through `driver_errors`."""
    for name, member in list(vars(cls).items()):
        if inspect.iscoroutinefunction(member) and (not name.startswith("_") or name in {"__aenter__", "__aexit__"}):
            setattr(cls, name, _translating(member))
    return cls
