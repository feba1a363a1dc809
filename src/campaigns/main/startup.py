"""What a command checks of its store before it starts, each failure one line saying what to do."""

from __future__ import annotations

from campaigns.application.errors import DependencyUnavailable
from campaigns.config import Settings
from campaigns.container import StoreDatabase

SHOWN_MISSING = 5
"""How many missing index names the start-up line shows."""


class NotReady(Exception):
    """The store cannot serve: one line naming what is wrong and what to do about it."""


async def check_store(database: StoreDatabase, settings: Settings, *, in_service: bool = True) -> None:
    """The store answers; `in_service` (every command but `db init`): it has its indexes and runs transactions.

    Indexes come first: they tell an empty database (run `campaigns db init`) from a working one.

    Raises:
        NotReady: the first check that failed.
    """
    try:
        await database.ping()
    except DependencyUnavailable as error:
        raise unavailable(settings, error) from error
    if not in_service:
        return
    if missing := await database.check_indexes():
        shown = ", ".join(missing[:SHOWN_MISSING]) + (", …" if len(missing) > SHOWN_MISSING else "")
        raise NotReady(
            f"store not initialised: {settings.store_description} lacks {len(missing)} collection(s) or index(es)"
            f" ({shown}); run `campaigns db init`"
        )
    if not await database.supports_transactions():
        raise NotReady(
            f"store without transactions: {settings.store_description} is a standalone server; a change and its"
            " events must commit together, so run a replica set (one member is enough: mongod --replSet rs0,"
            " then rs.initiate())"
        )


def unavailable(settings: Settings, error: DependencyUnavailable) -> NotReady:
    """The line for a store that does not answer (at start, or while opening it)."""
    reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
    waited = f" within {settings.mongo_timeout_seconds:g} s (CAMPAIGNS_MONGO_TIMEOUT_SECONDS)"
    return NotReady(
        f"store unavailable: {settings.store_description} did not answer"
        f"{waited if settings.store_kind == 'mongo' else ''}: {reason}"
    )
