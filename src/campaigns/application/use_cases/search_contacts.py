"""Search the contact directory."""

from __future__ import annotations

import msgspec

from campaigns.application.ports.store import StoreReader
from campaigns.domain.contact import Contact
from campaigns.domain.permissions import Principal


class ContactPage(msgspec.Struct, frozen=True, kw_only=True):
    contacts: list[Contact]
    total: int


class SearchContacts:
    """Search the contact directory.

    - Supreme users only.
    - `q` matches part of a contact's name, email or any keyword, ignoring case; without `q`, every contact.
    - Ordered by name; pages count from 0, and `total` counts every match.
    - Campaign contacts saved through `POST /campaigns/:id/contacts` are filed here.
    """

    def __init__(self, *, reads: StoreReader) -> None:
        self._reads = reads

    async def execute(self, principal: Principal, text: str | None, *, page: int, page_size: int) -> ContactPage:
        principal.ensure_supreme()
        contacts, total = await self._reads.contacts.search(text or None, page=page, page_size=page_size)
        return ContactPage(contacts=contacts, total=total)
