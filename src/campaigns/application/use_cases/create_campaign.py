"""Create a campaign."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.ports.system import Clock, IdFactory
from campaigns.application.transactions import reruns_aborted_transactions
from campaigns.application.use_cases._campaign_writes import (
    build_campaign,
    ensure_servable,
    ensure_site_available,
    password_hash_for,
    split_client_document,
)
from campaigns.application.use_cases._event_mapping import event_mappings
from campaigns.domain.campaign import Campaign, Status, StatusChange
from campaigns.domain.documents import deep_merge
from campaigns.domain.errors import InvalidStatusChange
from campaigns.domain.events import CampaignCreated
from campaigns.domain.permissions import Principal

INITIAL_STATUSES = frozenset({Status.DRAFT, Status.PREVIEW})


class CreateCampaign:
    """Create a campaign from a client document.

    - Supreme users only (so a `date.open` or `date.close` at or before now, a status change the
      next scheduled refresh applies, is always allowed here: supreme users may change any status).
    - The status starts DRAFT unless PREVIEW is asked for; any other status is refused.
    - The document is validated in full before anything is written, and as answered it must fit
      in a request body (413), so that it can be written back.
    - The domain must be free, against concurrent claims too (the store settles them).
    - The campaign, its `campaign.created` event and its `campaign.event-mapping` (its `eventIds`)
      are committed together.
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, ids: IdFactory) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids

    @reruns_aborted_transactions
    async def execute(self, principal: Principal, body: Mapping[str, Any]) -> Campaign:
        principal.ensure_supreme()
        client = split_client_document(body)
        initial = Status(client.status) if client.status else Status.DRAFT
        if initial not in INITIAL_STATUSES:
            raise InvalidStatusChange(f"A new campaign starts DRAFT or PREVIEW, not {initial}.")
        now = self._clock.now()
        stamped = deep_merge(client.fields, {"date": {"created": now, "updated": now}})
        campaign = build_campaign({**stamped, "id": self._ids.new_id(), "status": initial})
        campaign = msgspec.structs.replace(
            campaign,
            version=1,
            statusHistory=[StatusChange(status=initial, at=now, by=principal.actor, reason="created")],
            passwordHash=password_hash_for(client, None, self._ids),
        )
        ensure_servable(campaign)
        async with self._uow() as uow:
            await ensure_site_available(uow, campaign)
            await uow.campaigns.add(campaign)
            uow.outbox.append(
                [CampaignCreated(occurred_at=now, campaign_id=campaign.id, domain_site=campaign.site, status=initial)]
            )
            uow.outbox.append(await event_mappings(uow, [campaign], now))
            await uow.commit()
        return campaign
