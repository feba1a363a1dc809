"""The deep heartbeat: can the store answer?"""

from __future__ import annotations

from campaigns.application.ports.store import StoreReader


class CheckHealth:
    """Ask the store to answer a trivial query; raises DependencyUnavailable when it cannot."""

    def __init__(self, *, reads: StoreReader) -> None:
        self._reads = reads

    async def execute(self) -> None:
        await self._reads.campaigns.ping()
