"""Set when the reminder of some markets goes out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from campaigns.application.ports.caches import CampaignCache
from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.ports.system import Clock
from campaigns.application.transactions import reruns_aborted_transactions
from campaigns.application.use_cases._market_notifications import load_markets, save_changes
from campaigns.domain.market import Market
from campaigns.domain.market_validation import ensure_notification_before_presales, ensure_valid_notification_schedule
from campaigns.domain.market_writes import schedule_notification
from campaigns.domain.permissions import Principal


class ScheduleMarketNotifications:
    """Set `notification.date` of the markets named in `marketIds` to `notificationDate`.

    - Supreme users only.
    - `marketIds` holds at least one 24-hex market id (400 `INVALID_MARKET_SCHEMA` naming `marketIds`).
    - `notificationDate` must be in the future and before the presale (`event.presaleDateTime`) of
      every market named; a market without a presale cannot take one (400 naming `notificationDate`).
    - Every id must name a market: otherwise 404 `MARKET_NOT_FOUND` listing the unknown ids.
    - All or nothing: any failure changes no market. `notification.notified` is left as it is.
    - Each market whose notification date changes gets `date.updated` and emits `market.updated`
      with its full document, in the same commit; one already at that date is left untouched.
    - The answer is `{markets: [...]}`: every market named, as stored afterwards, in request order.
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, cache: CampaignCache) -> None:
        self._uow = uow
        self._cache = cache
        self._clock = clock

    @reruns_aborted_transactions
    async def execute(
        self, principal: Principal, market_ids: Sequence[str], notification_date: dt.datetime
    ) -> list[Market]:
        principal.ensure_supreme()
        now = self._clock.now()
        ensure_valid_notification_schedule(market_ids, notification_date, now)
        date = notification_date.astimezone(dt.UTC)
        async with self._uow() as uow:
            markets = await load_markets(uow.markets, market_ids)
            ensure_notification_before_presales(markets, date)
            changes = [schedule_notification(market, date, now=now) for market in markets]
            return await save_changes(uow, self._cache, changes, now)
