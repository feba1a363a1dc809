"""Record that the reminder of some markets went out."""

from __future__ import annotations

from collections.abc import Sequence

from campaigns.application.ports.caches import CampaignCache
from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.ports.system import Clock
from campaigns.application.transactions import reruns_aborted_transactions
from campaigns.application.use_cases._market_notifications import load_markets, save_changes
from campaigns.domain.market import Market
from campaigns.domain.market_validation import ensure_valid_market_ids
from campaigns.domain.market_writes import mark_notified
from campaigns.domain.permissions import Principal


class MarkMarketsNotified:
    """Set `notification.notified` to now on the markets named in `marketIds`.

    - Supreme users only.
    - `marketIds` holds at least one 24-hex market id (400 `INVALID_MARKET_SCHEMA` naming `marketIds`).
    - Every id must name a market: otherwise 404 `MARKET_NOT_FOUND` listing the unknown ids, and
      nothing changes (all or nothing, one commit).
    - Idempotent: a market already notified keeps its first instant and emits nothing.
    - Each market marked gets `date.updated` and emits `market.updated` with its full document.
    - The answer is `{markets: [...]}`: every market named, as stored afterwards, in request order.
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, cache: CampaignCache) -> None:
        self._uow = uow
        self._cache = cache
        self._clock = clock

    @reruns_aborted_transactions
    async def execute(self, principal: Principal, market_ids: Sequence[str]) -> list[Market]:
        principal.ensure_supreme()
        ensure_valid_market_ids(market_ids)
        async with self._uow() as uow:
            markets = await load_markets(uow.markets, market_ids)
            now = self._clock.now()
            return await save_changes(uow, self._cache, [mark_notified(market, now=now) for market in markets], now)
