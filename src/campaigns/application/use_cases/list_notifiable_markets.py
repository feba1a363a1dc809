"""Markets whose reminder is due."""

from __future__ import annotations

from campaigns.application.ports.store import StoreReader
from campaigns.application.ports.system import Clock
from campaigns.domain.market import Market
from campaigns.domain.permissions import Principal


class ListNotifiableMarkets:
    """Markets whose `notification.date` is at or before now and that were not yet notified.

    - Supreme users only.
    - A market leaves the list once `POST /markets/notified` sets its `notification.notified`.
    - In notification date order (then id). The answer is `{markets: [...]}`.
    """

    def __init__(self, *, reads: StoreReader, clock: Clock) -> None:
        self._reads = reads
        self._clock = clock

    async def execute(self, principal: Principal) -> list[Market]:
        principal.ensure_supreme()
        return await self._reads.markets.notifiable(self._clock.now())
