"""Read one campaign by id."""

from __future__ import annotations

from campaigns.application.caching import PreparedRead
from campaigns.application.errors import CampaignNotFound
from campaigns.application.ports.caches import PreparedReads
from campaigns.application.ports.store import StoreReader
from campaigns.domain.campaign import Campaign
from campaigns.domain.permissions import Operation, Principal


class GetCampaign:
    """Read a campaign by id.

    - Needs `read`, `write` or `admin` on it; an ungranted id answers 403 whether it exists or not.
    """

    # The campaign read is kept among the prepared reads until a commit changes it; `cached` answers
    # from there alone, for the HTTP fast lane.

    def __init__(self, *, reads: StoreReader, prepared: PreparedReads) -> None:
        self._reads = reads
        self._prepared = prepared

    async def execute(self, principal: Principal, campaign_id: str) -> Campaign:
        principal.ensure(Operation.READ, campaign_id)
        if (kept := self._prepared.answer(("campaign", campaign_id))) is not None:
            campaign: Campaign = kept.value
            return campaign
        stamp = self._prepared.stamp()
        found = await self._reads.campaigns.get(campaign_id)
        if found is None:
            raise CampaignNotFound
        self._prepared.keep(("campaign", campaign_id), PreparedRead(found), campaign_id=campaign_id, stamp=stamp)
        return found

    def cached(self, principal: Principal, campaign_id: str) -> Campaign | None:
        """What `execute` returns, when the caller may read the campaign and it is kept; else None (no read)."""
        if not principal.may(Operation.READ, campaign_id):
            return None
        kept = self._prepared.answer(("campaign", campaign_id))
        campaign: Campaign | None = None if kept is None else kept.value
        return campaign
