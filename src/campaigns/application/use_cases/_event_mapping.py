"""The `campaign.event-mapping` every campaign or market write commits (spec §5, Kinesis data stream).

Consumers of the campaign data stream learn from it which Ticketmaster events a campaign covers:
its own `eventIds` plus the event ids of every one of its markets. It is computed inside the unit
of work that makes the change, after the change is staged, so it describes the state that commits.
Every write of a campaign or of a market appends it, even when the ids did not move: one rule,
no case to miss, and a consumer that lost a record is repaired by the next one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from campaigns.application.ports import UnitOfWork
from campaigns.domain.campaign import Campaign
from campaigns.domain.events import CampaignEventIdsMapped
from campaigns.domain.market import Market


def covered_event_ids(campaign: Campaign, markets: Iterable[Market]) -> list[str]:
    """The campaign's `eventIds` and its markets' `event.ids`: each once, sorted."""
    return sorted({*campaign.eventIds, *(event_id for market in markets for event_id in market.event_ids)})


async def event_mappings(
    uow: UnitOfWork, campaigns: Iterable[Campaign], now: dt.datetime
) -> list[CampaignEventIdsMapped]:
    """One mapping per campaign, as written in `uow` (call it after staging the campaign and market writes).

    The markets of every campaign are read at once, so a page of lifecycle transitions costs one query.
    """
    campaigns = list(campaigns)
    markets: dict[str, list[Market]] = {campaign.id: [] for campaign in campaigns}
    for market in await uow.markets.list_for_campaigns(list(markets)) if campaigns else []:
        markets[market.campaign_id].append(market)
    return [
        CampaignEventIdsMapped(
            occurred_at=now,
            campaign_id=campaign.id,
            domain_site=campaign.site,
            event_ids=covered_event_ids(campaign, markets[campaign.id]),
        )
        for campaign in campaigns
    ]


async def market_event_mappings(
    uow: UnitOfWork, campaign_ids: Iterable[str], now: dt.datetime
) -> list[CampaignEventIdsMapped]:
    """For market writes: one mapping per campaign named (each once, in the order first named).

    A campaign that is not stored (a market always has one) has nothing to map and is left out.
    """
    campaigns = [await uow.campaigns.get(campaign_id) for campaign_id in dict.fromkeys(campaign_ids)]
    return await event_mappings(uow, [campaign for campaign in campaigns if campaign is not None], now)
