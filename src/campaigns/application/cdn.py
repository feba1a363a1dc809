"""What the CDN knows a campaign's responses by (Fastly surrogate keys), and which changes purge them.

One naming for both ends: the `Surrogate-Key` header a campaign response carries and the keys a
change purges, so a purge can never miss the responses it is for.
"""

from __future__ import annotations

from collections.abc import Iterable

from campaigns.domain.campaign import Campaign
from campaigns.domain.events import AnyEvent, CampaignDomainReleased, CampaignStatusChanged, CampaignUpdated

_SHOWN_FIELDS = frozenset(Campaign.__struct_fields__) - {"id", "statusHistory", "version"}
"""Campaign fields a response depends on: every public one, and `passwordHash` (`hasPassword`, and who
may see the document). An update naming only other fields leaves every cached response as it was."""


def surrogate_keys(campaign_id: str, site: str | None) -> list[str]:
    """`campaign-<id>`, and `domain-<site>` while the campaign holds a domain."""
    return [f"campaign-{campaign_id}", *((f"domain-{site}",) if site else ())]


def purge_keys(event: AnyEvent) -> list[str]:
    """The keys `event` makes stale (none for an event that changes nothing a response shows).

    An update that moved the campaign to another domain purges the old domain's key too; a
    release purges the released domain's.
    """
    match event:
        case CampaignUpdated() if _SHOWN_FIELDS.intersection(event.changed_fields):
            keys = surrogate_keys(event.campaign_id, event.domain_site)
            if event.previous_domain_site and event.previous_domain_site != event.domain_site:
                keys.append(f"domain-{event.previous_domain_site}")
            return keys
        case CampaignStatusChanged():
            return surrogate_keys(event.campaign_id, event.domain_site)
        case CampaignDomainReleased():
            return surrogate_keys(event.campaign_id, event.released_site)
        case _:
            return []


def batch_purge_keys(events: Iterable[AnyEvent]) -> list[str]:
    """Every key the events purge, each once, in first-seen order."""
    return list(dict.fromkeys(key for event in events for key in purge_keys(event)))
