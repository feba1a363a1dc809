"""The deep heartbeat: can the store answer?"""

from __future__ import annotations

from campaigns.application.ports import UnitOfWorkFactory


class CheckHealth:
    """Ask the store to answer a trivial query; raises DependencyUnavailable when it cannot."""

    def __init__(self, *, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self) -> None:
        async with self._uow() as uow:
            await uow.campaigns.ping()
