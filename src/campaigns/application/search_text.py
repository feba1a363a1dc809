"""The text a store's substring search reads, derived the same way by every store.

Each store keeps it beside the document it was derived from (and rewrites it with every write), so
that a search is one lookup of a lowered term in one field rather than one per searchable field.
"""

from __future__ import annotations

from campaigns.domain.campaign import Campaign
from campaigns.domain.contact import Contact

SEPARATOR = "\x1f"
"""Joins the searchable fields, so a search term never matches across two of them."""


def search_text(*fields: str | None) -> str:
    """The fields that are set, lowered and joined by `SEPARATOR`."""
    return SEPARATOR.join(field.lower() for field in fields if field)


def campaign_search_text(campaign: Campaign) -> str:
    """What the campaign list's `text` filter searches: the name, the identifier and the artist's name."""
    artist = campaign.artist
    return search_text(campaign.name, campaign.identifier, artist.name if artist else None)


def contact_search_text(contact: Contact) -> str:
    """What the contact search reads: the name, the email address and the keywords."""
    return search_text(contact.name, contact.email, *contact.keyword)
