"""Domain exclusivity: a `domain.site` is held by at most one campaign that is not INACTIVE."""

from __future__ import annotations

from campaigns.domain.campaign import Campaign, Status
from campaigns.domain.errors import DomainAlreadyClaimed


def holds_domain(campaign: Campaign) -> bool:
    return campaign.status is not Status.INACTIVE and campaign.site is not None


def ensure_domain_free(site: str | None, holder: Campaign | None, claimant_id: str) -> None:
    """Raise when `holder` (the campaign the store found for `site`) is another active campaign.

    The store's unique index is the backstop for concurrent claims; this check gives the same
    answer early, before any write.
    """
    if site and holder is not None and holder.id != claimant_id and holds_domain(holder):
        raise DomainAlreadyClaimed(f"The domain {site!r} is held by another campaign.")
