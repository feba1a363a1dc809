"""Contacts: people a campaign can name, kept in one searchable directory."""

from __future__ import annotations

from campaigns.domain.campaign import Document


class Contact(Document, frozen=True):
    id: str
    name: str
    email: str
    keywords: list[str] = []
