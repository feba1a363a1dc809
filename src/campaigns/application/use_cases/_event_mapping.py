"""The `campaign.event-mapping` every campaign or market write commits (spec §5), and the read model it mirrors.

Consumers of the campaign data stream learn from it which Ticketmaster events a campaign covers:
its own `eventIds` plus the event ids of every one of its markets. It is computed inside the unit
of work that makes the change, after the change is staged, so it describes the state that commits;
the same mappings are written to the store's event-mapping read model in that unit of work, so
the event reads (`/campaigns/events`, `eventIds`, `categoryIds`, `ids`) see what the event says.
Every write of a campaign or of a market appends it, even when the ids did not move: one rule,
no case to miss, and a consumer that lost a record is repaired by the next one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from campaigns.application.ports.store import UnitOfWork
from campaigns.domain.campaign import Campaign
from campaigns.domain.event_mapping import event_mappings as event_mappings_of
from campaigns.domain.events import CampaignEventIdsMapped


async def event_mappings(
    uow: UnitOfWork, campaigns: Iterable[Campaign], now: dt.datetime
) -> list[CampaignEventIdsMapped]:
    """One mapping per campaign, as written in `uow` (call it after staging the campaign and market writes).

    The markets of every campaign are read at once, so a page of lifecycle transitions costs one query;
    the read model is written in one call too.
    """
    campaigns = list(campaigns)
    markets = await uow.markets.list_for_campaigns([campaign.id for campaign in campaigns]) if campaigns else []
    mappings = event_mappings_of(campaigns, markets)
    await uow.event_maps.put(mappings)
    return [
        CampaignEventIdsMapped(
            occurred_at=now, campaign_id=campaign.id, domain_site=campaign.site, event_ids=mapping.event_ids
        )
        for campaign, mapping in zip(campaigns, mappings, strict=True)
    ]


async def market_event_mappings(
    uow: UnitOfWork, campaign_ids: Iterable[str], now: dt.datetime
) -> list[CampaignEventIdsMapped]:
    """For market writes: one mapping per campaign named (each once, in the order first named).

    A campaign that is not stored (a market always has one) has nothing to map and is left out.
    """
    campaigns = [await uow.campaigns.get(campaign_id) for campaign_id in dict.fromkeys(campaign_ids)]
    return await event_mappings(uow, [campaign for campaign in campaigns if campaign is not None], now)
