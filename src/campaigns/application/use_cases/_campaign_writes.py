"""The steps every campaign write shares around the domain's rules: load, version check, store, evict.

The rules themselves (what a command may change, what a change stamps) are the domain's
(`domain/campaign_writes.py`); here is only what needs the store and the caches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import msgspec

from campaigns.application.caching import CampaignChange
from campaigns.application.errors import CampaignNotFound, VersionMismatch
from campaigns.application.ports.caches import CampaignCache
from campaigns.application.ports.store import UnitOfWork, UnitOfWorkFactory
from campaigns.application.ports.system import Clock, IdFactory
from campaigns.application.read_models import public_document
from campaigns.application.use_cases._event_mapping import event_mappings
from campaigns.application.use_cases._time_zones import iana_timezones
from campaigns.domain.campaign import Campaign
from campaigns.domain.campaign_writes import CampaignPatch, CampaignWrite, apply_patch
from campaigns.domain.documents import ensure_within_body_limit
from campaigns.domain.permissions import Operation, Principal
from campaigns.domain.policies import ensure_domain_free


class CampaignEdit(msgspec.Struct, kw_only=True):
    """A stored campaign being changed in its unit of work."""

    uow: UnitOfWork
    principal: Principal
    """Who makes the change: what it needs of them depends on the change."""
    current: Campaign
    campaign: Campaign
    """The campaign as the write leaves it (`current` until a change is staged)."""
    pending: bool = False
    """The unit of work holds writes to commit."""


class CampaignWrites:
    """Loads a campaign for a change, stages the change the domain worked out, commits, evicts."""

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, ids: IdFactory, cache: CampaignCache) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._cache = cache

    @asynccontextmanager
    async def editing(
        self, principal: Principal, campaign_id: str, *, changes_status: bool = False
    ) -> AsyncIterator[CampaignEdit]:
        """The stored campaign in a unit of work, committed on leaving when it holds writes.

        A missing campaign asked to change status answers like a forbidden one to a caller without
        `admin` on it, as an existing one would. This process's cached copy is dropped after the commit;
        other caches follow the outbox.
        """
        async with self._uow() as uow:
            current = await uow.campaigns.get(campaign_id)
            if current is None:
                if changes_status:
                    principal.ensure(Operation.CHANGE_STATUS, campaign_id)
                raise CampaignNotFound
            edit = CampaignEdit(uow=uow, principal=principal, current=current, campaign=current)
            yield edit
            if edit.pending:
                await uow.commit()
        if edit.campaign is not current:
            await self._cache.evict([CampaignChange.of(current, edit.campaign)])

    async def apply(self, edit: CampaignEdit, patch: CampaignPatch, *, if_match: int | None) -> Campaign:
        """Apply `patch` (when `if_match`, the version a client read, is still current) and stage the result."""
        if if_match is not None and if_match != edit.current.version:
            raise VersionMismatch
        now = self._clock.now()
        write = apply_patch(
            edit.current,
            patch,
            now=now,
            principal=edit.principal,
            new_salt=self._ids.new_salt,
            known_timezones=iana_timezones(),
        )
        if write.changed:
            await stage(edit.uow, write, now, previous=edit.current)
            edit.campaign, edit.pending = write.campaign, True
        return edit.campaign


async def stage(uow: UnitOfWork, write: CampaignWrite, now: dt.datetime, *, previous: Campaign | None) -> None:
    """Stage a created (no `previous`) or updated campaign with its events and its `campaign.event-mapping`.

    The campaign as answered must fit in a request body, so that whatever is stored can be written back;
    a domain it newly holds must be free (the early, friendly answer: the store's unique index decides
    concurrent claims).
    """
    campaign = write.campaign
    ensure_within_body_limit("campaign", len(public_document(campaign)))
    if campaign.site and (previous is None or campaign.site != previous.site):
        ensure_domain_free(campaign.site, await uow.campaigns.get_by_site(campaign.site), campaign.id)
    if previous is None:
        await uow.campaigns.add(campaign)
    else:
        await uow.campaigns.update(campaign)
    uow.outbox.append(list(write.events))
    uow.outbox.append(await event_mappings(uow, [campaign], now))
