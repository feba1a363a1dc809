"""What the market use cases share: finding a market under its campaign, adding some."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from campaigns.application.errors import CampaignNotFound, MarketNotFound
from campaigns.application.ports.store import CampaignReader, MarketReader, UnitOfWork
from campaigns.application.read_models import market_document
from campaigns.application.use_cases._event_mapping import market_event_mappings
from campaigns.domain.documents import ensure_within_body_limit
from campaigns.domain.market import Market
from campaigns.domain.writes import Change


async def require_campaign(campaigns: CampaignReader, campaign_id: str) -> None:
    if await campaigns.get(campaign_id) is None:
        raise CampaignNotFound


async def find_market(campaigns: CampaignReader, markets: MarketReader, campaign_id: str, market_id: str) -> Market:
    """The market, if it belongs to that campaign; a market of another campaign is not found here.

    Raises:
        CampaignNotFound: the campaign does not exist.
        MarketNotFound: it exists but has no market with this id.
    """
    market = await markets.get(market_id)
    if market is None or market.campaign_id != campaign_id:
        await require_campaign(campaigns, campaign_id)
        raise MarketNotFound
    return market


async def load_market(uow: UnitOfWork, campaign_id: str, market_id: str) -> Market:
    return await find_market(uow.campaigns, uow.markets, campaign_id, market_id)


def ensure_servable_market(market: Market) -> None:
    """The market as routes answer it fits in a request body (DocumentTooLarge otherwise)."""
    ensure_within_body_limit("market", len(market_document(market)))


async def add_markets(uow: UnitOfWork, created: Sequence[Change[Market]], now: dt.datetime) -> None:
    """Stage new markets, their events and their campaigns' `campaign.event-mapping`.

    The store raises MarketNameTaken on a clash; a market too large to be written back is refused.
    """
    markets = [change.document for change in created]
    for market in markets:
        ensure_servable_market(market)
    for market in markets:
        await uow.markets.add(market)
    uow.outbox.append([event for change in created for event in change.events])
    uow.outbox.append(await market_event_mappings(uow, [market.campaign_id for market in markets], now))
