"""What the market use cases share: loading a market of a campaign the caller may write."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from campaigns.application.errors import MarketNotFound
from campaigns.application.ports import UnitOfWork
from campaigns.domain.documents import convert_document
from campaigns.domain.errors import InvalidMarket
from campaigns.domain.market import Market
from campaigns.domain.validation import ensure_valid_market


async def load_market(uow: UnitOfWork, campaign_id: str, market_id: str) -> Market:
    market = await uow.markets.get(market_id)
    if market is None or market.campaign_id != campaign_id:
        raise MarketNotFound
    return market


def build_market(document: Mapping[str, Any]) -> Market:
    market = convert_document(document, Market, error=InvalidMarket)
    ensure_valid_market(market)
    return market
