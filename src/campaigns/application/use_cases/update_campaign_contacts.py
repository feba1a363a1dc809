"""Set a campaign's contacts, filing them in the contact directory."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from campaigns.application.ports.caches import CampaignCache
from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.ports.system import Clock, IdFactory
from campaigns.application.use_cases._campaign_writes import CampaignEdit, CampaignWrites
from campaigns.domain.campaign import CampaignContactRef
from campaigns.domain.campaign_writes import contacts_patch
from campaigns.domain.contact import Contact
from campaigns.domain.events import AnyEvent, ContactCreated, ContactUpdated
from campaigns.domain.permissions import Operation, Principal


class UpdateCampaignContacts:
    """Replace a campaign's contacts and file each contact object in the contact directory.

    - Needs `write`, and follows every rule of a campaign update (If-Match, validation).
    - A contact object needs a `name` or an `email`, and an email looks like one; `keywords` is
      accepted for `keyword` (not both). The list is checked even when it equals the stored one,
      so nothing the rules refuse is filed.
    - The campaign keeps the list as given: contact ids and contact objects alike.
    - Each object with an email is upserted in the directory in the same commit as the campaign:
      the contact with that email (ignoring case) keeps its id and takes the given `name` and
      `keyword` (absent ones keep what it had); an unknown email becomes a contact with a new id.
      `contact.created` / `contact.updated` are emitted; an unchanged contact is not written.
    - Objects without an email are not filed: the directory knows contacts by email.
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, ids: IdFactory, cache: CampaignCache) -> None:
        self._writes = CampaignWrites(uow=uow, clock=clock, ids=ids, cache=cache)
        self._clock = clock
        self._ids = ids

    async def execute(
        self,
        principal: Principal,
        campaign_id: str,
        contacts: Sequence[str | CampaignContactRef],
        *,
        if_match: int | None = None,
    ) -> list[str | CampaignContactRef]:
        principal.ensure(Operation.WRITE, campaign_id)
        async with self._writes.editing(principal, campaign_id) as edit:
            campaign = await self._writes.apply(edit, contacts_patch(contacts), if_match=if_match)
            await self._file_contacts(edit)
        return campaign.contacts

    async def _file_contacts(self, edit: CampaignEdit) -> None:
        """File the contacts of the campaign as the write leaves it, in the same unit of work."""
        uow = edit.uow
        stored: dict[str, Contact | None] = {}
        filed: dict[str, Contact] = {}
        for ref in edit.campaign.contacts:
            if isinstance(ref, str) or ref.email is None or not ref.email.strip():
                continue
            key = ref.email.lower()
            if key not in stored:
                stored[key] = await uow.contacts.find_by_email(ref.email)
            base = filed.get(key) or stored[key] or Contact(id=self._ids.new_id(), name="", email=ref.email)
            filed[key] = msgspec.structs.replace(
                base,
                name=ref.name if ref.name is not None else base.name,
                keyword=ref.keyword if ref.keyword is not None else base.keyword,
            )
        now = self._clock.now()
        events: list[AnyEvent] = []
        for key, contact in filed.items():
            if contact == stored[key]:
                continue
            await uow.contacts.upsert(contact)
            kind = ContactCreated if stored[key] is None else ContactUpdated
            events.append(kind(occurred_at=now, contact_id=contact.id))
        uow.outbox.append(events)
        edit.pending = True
