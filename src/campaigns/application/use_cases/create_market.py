"""Add a market to a campaign."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from campaigns.application.errors import CampaignNotFound
from campaigns.application.ports import Clock, IdFactory, UnitOfWorkFactory
from campaigns.application.use_cases._market_writes import build_market
from campaigns.domain.documents import deep_merge
from campaigns.domain.events import MarketCreated
from campaigns.domain.market import Market
from campaigns.domain.permissions import Operation, Principal


class CreateMarket:
    """Create a market in a campaign.

    - Needs `write` on the campaign, which must exist.
    - Names are unique within a campaign; the store's unique index settles races.
    - The market and its `market.created` event are committed together.
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, ids: IdFactory) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids

    async def execute(self, principal: Principal, campaign_id: str, body: Mapping[str, Any]) -> Market:
        principal.ensure(Operation.WRITE, campaign_id)
        now = self._clock.now()
        fields = {key: value for key, value in body.items() if key not in {"id", "date"}}
        market = build_market(
            deep_merge(
                fields, {"id": self._ids.new_id(), "campaign_id": campaign_id, "date": {"created": now, "updated": now}}
            )
        )
        async with self._uow() as uow:
            if await uow.campaigns.get(campaign_id) is None:
                raise CampaignNotFound
            await uow.markets.add(market)
            uow.outbox.append([MarketCreated(occurred_at=now, market=market)])
            await uow.commit()
        return market
