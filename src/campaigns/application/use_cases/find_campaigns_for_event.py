"""Campaigns offering a presale for a Ticketmaster event."""

from __future__ import annotations

import msgspec

from campaigns.application.caching import PreparedRead
from campaigns.application.ports.caches import PreparedReads
from campaigns.application.ports.store import StoreReader
from campaigns.application.read_models import CampaignView, localized_view
from campaigns.domain.campaign import Campaign
from campaigns.domain.permissions import Principal, password_hash_to_match

EventCampaigns = PreparedRead[list[Campaign]]


class FindCampaignsForEvent:
    """Campaigns linked to an event through their markets or their own `eventIds`.

    - Only campaigns past DRAFT/PREVIEW with a presale window qualify.
    - Each is shown in its default locale.
    - A password-protected campaign is listed without its `content` to callers without read access
      (the password rule of the lookup by domain: no password, no text).
    """

    # Two reads whatever the data size: the ids from the event-mapping read model, then their
    # documents at once. The campaigns read are kept among the prepared reads, with their encodings
    # per caller class, until the next committed change; `cached` answers from there alone, for the
    # HTTP fast lane.

    def __init__(self, *, reads: StoreReader, prepared: PreparedReads) -> None:
        self._reads = reads
        self._prepared = prepared

    async def execute(self, event_id: str) -> EventCampaigns:
        if (kept := self.cached(event_id)) is not None:
            return kept
        stamp = self._prepared.stamp()
        campaign_ids = await self._reads.event_maps.campaign_ids_for_event(event_id)
        found = EventCampaigns(await self._reads.campaigns.get_many(campaign_ids) if campaign_ids else [])
        self._prepared.keep(("events", event_id), found, campaign_id=None, stamp=stamp)
        return found

    def cached(self, event_id: str) -> EventCampaigns | None:
        return self._prepared.answer(("events", event_id))

    @staticmethod
    def content_hidden(principal: Principal, found: EventCampaigns) -> frozenset[str]:
        """The caller's class: the ids of the campaigns listed to them without `content`."""
        protected: list[Campaign] = found.encoded("protected", lambda cs: [c for c in cs if c.passwordHash])
        return frozenset(c.id for c in protected if password_hash_to_match(principal, c) is not None)

    @staticmethod
    def views(found: EventCampaigns, content_hidden: frozenset[str]) -> list[CampaignView]:
        """The campaigns as a caller of that class sees them."""
        views = []
        for campaign in found.value:
            view = localized_view(campaign, None)
            if campaign.id in content_hidden:
                view = msgspec.structs.replace(view, content=msgspec.UNSET)
            views.append(view)
        return views
