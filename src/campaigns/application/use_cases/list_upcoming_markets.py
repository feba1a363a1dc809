"""Markets whose presale is near enough for an automated reminder."""

from __future__ import annotations

import datetime as dt

from campaigns.application.ports.store import StoreReader
from campaigns.application.ports.system import Clock
from campaigns.domain.market import Market
from campaigns.domain.permissions import Principal

UPCOMING_FROM = dt.timedelta(hours=2)
UPCOMING_UNTIL = dt.timedelta(hours=27)


class ListUpcomingMarkets:
    """Markets whose presale is between now+2h and now+27h and whose campaign sends automated reminders.

    - Supreme users only.
    - Both ends of the window are included; `event.presaleDateTime` decides.
    - Only markets of campaigns with `options.automatedReminders` true are listed.
    - In presale order (then id). The answer is `{markets: [...]}`.
    """

    def __init__(self, *, reads: StoreReader, clock: Clock) -> None:
        self._reads = reads
        self._clock = clock

    async def execute(self, principal: Principal) -> list[Market]:
        principal.ensure_supreme()
        now = self._clock.now()
        markets = await self._reads.markets.presales_between(now + UPCOMING_FROM, now + UPCOMING_UNTIL)
        reminding: set[str] = set()
        for campaign_id in {market.campaign_id for market in markets}:
            campaign = await self._reads.campaigns.get(campaign_id)
            if campaign is not None and campaign.options is not None and campaign.options.automatedReminders:
                reminding.add(campaign_id)
        return [market for market in markets if market.campaign_id in reminding]
