"""Which Ticketmaster events, categories and presale window a campaign covers: one rule for the event and the reads.

The `campaign.event-mapping` event (spec §5) and the read model behind `/campaigns/events`,
`/campaigns/eventIds`, `/campaigns/categoryIds` and `/campaigns/ids` are both computed here, from
the campaign and its markets as they commit, so the two can never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import msgspec

from campaigns.domain.campaign import Campaign, Status
from campaigns.domain.market import Market

UNLISTED_STATUSES = frozenset({Status.DRAFT, Status.PREVIEW})
"""Campaigns not yet shown to fans: `/campaigns/events` leaves them out."""


class EventMapping(msgspec.Struct, frozen=True, kw_only=True):
    """A campaign as the event reads see it; `presale_start`/`presale_end` are both set or both None."""

    campaign_id: str
    status: Status
    event_ids: list[str]
    """The campaign's `eventIds` and its markets' `event.ids`: each once, sorted."""
    category_ids: list[str]
    presale_start: dt.datetime | None = None
    presale_end: dt.datetime | None = None

    @property
    def listed_for_events(self) -> bool:
        """Whether `/campaigns/events` shows it: past DRAFT/PREVIEW, with a presale window."""
        return self.status not in UNLISTED_STATUSES and self.presale_start is not None

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether its presale window overlaps [start, end] (bounds included)."""
        return (
            self.presale_start is not None
            and self.presale_end is not None
            and self.presale_start <= end
            and self.presale_end >= start
        )


def event_mapping(campaign: Campaign, markets: Iterable[Market]) -> EventMapping:
    """The mapping of `campaign` with these markets (all of its markets, as they commit)."""
    dates = campaign.date
    start, end = dates.presaleWindowStart, dates.presaleWindowEnd
    window = (start, end) if start is not None and end is not None else (None, None)
    return EventMapping(
        campaign_id=campaign.id,
        status=campaign.status,
        event_ids=sorted({*campaign.eventIds, *(event_id for market in markets for event_id in market.event_ids)}),
        category_ids=[campaign.categoryId] if campaign.categoryId else [],
        presale_start=window[0],
        presale_end=window[1],
    )


def event_mappings(campaigns: Sequence[Campaign], markets: Iterable[Market]) -> list[EventMapping]:
    """The mapping of each campaign, in order, given every market of all of them (read at once)."""
    by_campaign: dict[str, list[Market]] = {campaign.id: [] for campaign in campaigns}
    for market in markets:
        by_campaign[market.campaign_id].append(market)
    return [event_mapping(campaign, by_campaign[campaign.id]) for campaign in campaigns]
