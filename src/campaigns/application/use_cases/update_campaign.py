"""Update a campaign: a partial document, a status change, or both."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import msgspec

from campaigns.application.caching import CampaignChange
from campaigns.application.errors import CampaignNotFound, VersionMismatch
from campaigns.application.ports.caches import CampaignCache
from campaigns.application.ports.store import UnitOfWork, UnitOfWorkFactory
from campaigns.application.ports.system import Clock, IdFactory
from campaigns.application.transactions import reruns_aborted_transactions
from campaigns.application.use_cases._campaign_writes import (
    ensure_servable,
    ensure_site_available,
    password_hash_for,
    split_client_document,
)
from campaigns.application.use_cases._event_mapping import event_mappings
from campaigns.application.use_cases._time_zones import iana_timezones
from campaigns.domain.campaign import Campaign, Status
from campaigns.domain.documents import campaign_from_document
from campaigns.domain.errors import FieldError, ValidationFailed
from campaigns.domain.events import AnyEvent, CampaignUpdated
from campaigns.domain.lifecycle import change_status
from campaigns.domain.permissions import Operation, Principal, operation_for_schedule
from campaigns.domain.validation import ensure_valid_campaign


class UpdateCampaign:
    """Apply a partial update to a campaign.

    - Needs `write` on the campaign (`admin` when the status changes); an ungranted campaign
      answers like a forbidden one, whether it exists or not.
    - Objects merge deeply; arrays and scalars replace; `null` clears.
    - Read-only fields a client echoes back from a read are ignored; a body read from a one-locale
      view (it carries `currentLocale`) merges its preference labels per locale.
    - `If-Match` (the version a client read) must still be current, else nothing is written.
    - The merged document is validated in full; a new domain must be free; the campaign as
      answered must still fit in a request body (413), so that it can be written back.
    - A status change follows the lifecycle rules and is recorded in `statusHistory`.
    - Setting `date.open` or `date.close` to an instant at or before now (this use case's clock) is
      a status change too, the next tick applying it, so it needs `admin`; a future one needs `write`.
    - The write is compare-and-set on the version, with its events in the same transaction and,
      after them, `campaign.event-mapping` (the campaign's and its markets' event ids).
    - An update that changes nothing writes nothing.
    - This process's cached copy is dropped at once; other caches follow the outbox.
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, ids: IdFactory, cache: CampaignCache) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._cache = cache

    @reruns_aborted_transactions
    async def execute(
        self, principal: Principal, campaign_id: str, body: Mapping[str, Any], *, if_match: int | None = None
    ) -> Campaign:
        principal.ensure(Operation.WRITE, campaign_id)
        client = split_client_document(body)
        target = Status(client.status) if client.status else None
        return await self.apply(principal, campaign_id, lambda _: body, if_match=if_match, changes_status=bool(target))

    async def apply(
        self,
        principal: Principal,
        campaign_id: str,
        patch_for: Callable[[Campaign], Mapping[str, Any]],
        *,
        if_match: int | None = None,
        changes_status: bool = False,
        extra_writes: Callable[[UnitOfWork, Campaign], Awaitable[None]] | None = None,
    ) -> Campaign:
        """Update with a body derived from the current campaign, in the same unit of work.

        For sub-resources (FAQs, terms, contacts) whose body depends on what is stored; `patch_for`
        may raise to refuse the change before anything is written. `extra_writes` runs in the same
        unit of work just before the commit, given the campaign as committed (the current one when
        the update changes nothing): its writes and events commit with the campaign's, or not at all.
        """
        principal.ensure(Operation.WRITE, campaign_id)
        async with self._uow() as uow:
            current = await uow.campaigns.get(campaign_id)
            if current is None:
                if changes_status:
                    principal.ensure(Operation.CHANGE_STATUS, campaign_id)
                raise CampaignNotFound
            client = split_client_document(patch_for(current))
            target = Status(client.status) if client.status else None
            if if_match is not None and if_match != current.version:
                raise VersionMismatch
            now = self._clock.now()
            updated = msgspec.structs.replace(
                campaign_from_document(client.applied_to(current)),
                passwordHash=password_hash_for(client, current.passwordHash, self._ids),
            )
            principal.ensure(operation_for_schedule(current.date, updated.date, now), campaign_id)
            events: list[AnyEvent] = []
            changed_fields = _changed_fields(current, updated)
            if target is not None and target is not current.status:
                principal.ensure(Operation.CHANGE_STATUS, campaign_id)
                transition = change_status(
                    updated, target, now, by=principal.actor, is_supreme=principal.supreme, new_site=updated.site
                )
                updated = transition.campaign
                events.extend(transition.events)
            elif current.status is Status.INACTIVE and updated.site:
                raise ValidationFailed(
                    [FieldError(field="domain.site", message="An inactive campaign holds no domain; reactivate it.")]
                )
            if not events and not changed_fields:
                if extra_writes is not None:
                    await extra_writes(uow, current)
                    await uow.commit()
                return current
            ensure_valid_campaign(updated, known_timezones=iana_timezones())
            updated = msgspec.structs.replace(
                updated,
                version=current.version + 1,
                date=msgspec.structs.replace(updated.date, updated=now),
            )
            ensure_servable(updated)
            if updated.site != current.site:
                await ensure_site_available(uow, updated)
            if changed_fields:
                events.insert(
                    0,
                    CampaignUpdated(
                        occurred_at=now,
                        campaign_id=campaign_id,
                        domain_site=updated.site,
                        changed_fields=changed_fields,
                        previous_domain_site=current.site,
                    ),
                )
            await uow.campaigns.update(updated)
            uow.outbox.append(events)
            uow.outbox.append(await event_mappings(uow, [updated], now))
            if extra_writes is not None:
                await extra_writes(uow, updated)
            await uow.commit()
        await self._cache.evict([CampaignChange.of(current, updated)])
        return updated


def _changed_fields(before: Campaign, after: Campaign) -> list[str]:
    ignored = {"status", "statusHistory", "version"}
    return [
        name
        for name in Campaign.__struct_fields__
        if name not in ignored and getattr(before, name) != getattr(after, name)
    ]
