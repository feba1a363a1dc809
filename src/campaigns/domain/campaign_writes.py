"""Every rule of writing a campaign, in one place: what a command may change and what a change stamps.

A command (decoded strictly at the edge, `campaign_commands`) becomes a `CampaignPatch` once; a
create or an update applies it to give the new campaign and its events, which the use case stores.
Pure: the caller brings the instant, the id, the salt and the time zones it knows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from campaigns.domain.campaign import OPAQUE_FIELDS, Campaign, CampaignContactRef, Status, StatusChange
from campaigns.domain.campaign_commands import (
    READ_ONLY_FIELDS,
    SERVICE_DATES,
    VIEW_MARKER,
    CampaignInput,
    FaqPlacementInput,
    LegacyBodyInput,
    LocaleContentInput,
)
from campaigns.domain.campaign_validation import ensure_valid_campaign
from campaigns.domain.contact_validation import ensure_valid_contacts
from campaigns.domain.documents import campaign_document, campaign_from_document, deep_merge
from campaigns.domain.errors import FieldError, InvalidQuery, InvalidStatusChange, ValidationFailed
from campaigns.domain.events import AnyEvent, CampaignCreated, CampaignUpdated
from campaigns.domain.lifecycle import change_status
from campaigns.domain.locale_views import merge_view_labels
from campaigns.domain.locales import canonical_campaign_locales
from campaigns.domain.permissions import Operation, Principal, hash_password, operation_for_schedule

INITIAL_STATUSES = frozenset({Status.DRAFT, Status.PREVIEW})

PASSWORD_FIELD = "password"  # noqa: S105 - a field name, not a secret

UNCOUNTED_CHANGES = frozenset({"status", "statusHistory", "version"})
"""Fields a status change moves; `campaign.updated` names the other fields a write changed."""

NewSalt = Callable[[], bytes]
"""Draws a salt; called only when a password is set."""


class CampaignPatch(msgspec.Struct, frozen=True, kw_only=True):
    """A command as the write rules read it: the fields to merge, the status asked for, the password."""

    fields: dict[str, Any]
    """The document to merge: read-only fields and service-stamped dates left out, locale ids canonical."""
    status: Status | None = None
    password: str | UnsetType | None = UNSET
    """UNSET: keep the stored one; None: remove it."""
    from_locale_view: bool = False

    def merged_into(self, current: Campaign) -> dict[str, Any]:
        """`current`'s document with these fields merged in: objects deeply, arrays replacing.

        A body read from a one-locale view has only that locale in each `preferences[].label`: those
        maps merge into the stored labels, so writing it back keeps the other locales' text.
        """
        fields = self.fields
        if self.from_locale_view and "preferences" in fields:
            fields = {**fields, "preferences": merge_view_labels(current.preferences, fields["preferences"])}
        return deep_merge(campaign_document(current), fields, replacing=OPAQUE_FIELDS)

    def password_hash(self, current: str | None, new_salt: NewSalt) -> str | None:
        if isinstance(self.password, UnsetType):
            return current
        return hash_password(self.password, new_salt()) if self.password else None


def campaign_patch(command: CampaignInput) -> CampaignPatch:
    """The patch a command asks for (checked before the campaign is even loaded).

    Raises:
        ValidationFailed: two keys name the same locale once canonical, or the password is empty.
    """
    document: dict[str, Any] = msgspec.to_builtins(command)
    fields = canonical_campaign_locales(
        {key: value for key, value in document.items() if key not in READ_ONLY_FIELDS | {PASSWORD_FIELD, "status"}}
    )
    if command.password == "":
        raise ValidationFailed([FieldError(field=PASSWORD_FIELD, message="Expected a non-empty string or null.")])
    if "date" in fields:
        fields["date"] = {key: value for key, value in fields["date"].items() if key not in SERVICE_DATES}
    return CampaignPatch(
        fields=fields,
        status=None if isinstance(command.status, UnsetType) else command.status,
        password=command.password,
        from_locale_view=VIEW_MARKER in document,
    )


class CampaignWrite(msgspec.Struct, frozen=True, kw_only=True):
    """A campaign as a write leaves it, with the events to publish; unchanged: nothing to store."""

    campaign: Campaign
    events: tuple[AnyEvent, ...] = ()
    changed: bool = True


def create_campaign(
    patch: CampaignPatch,
    *,
    campaign_id: str,
    now: dt.datetime,
    actor: str,
    new_salt: NewSalt,
    known_timezones: Collection[str],
) -> CampaignWrite:
    """A new campaign, version 1, DRAFT unless PREVIEW is asked for, validated in full.

    Raises:
        InvalidStatusChange: another initial status is asked for.
        ValidationFailed: the document breaks a rule (every broken one is named).
    """
    initial = patch.status or Status.DRAFT
    if initial not in INITIAL_STATUSES:
        raise InvalidStatusChange(f"A new campaign starts DRAFT or PREVIEW, not {initial}.")
    stamped = deep_merge(patch.fields, {"date": {"created": now, "updated": now}})
    campaign = campaign_from_document({**stamped, "id": campaign_id, "status": initial})
    ensure_valid_campaign(campaign, known_timezones=known_timezones)
    campaign = msgspec.structs.replace(
        campaign,
        version=1,
        statusHistory=[StatusChange(status=initial, at=now, by=actor, reason="created")],
        passwordHash=patch.password_hash(None, new_salt),
    )
    created = CampaignCreated(occurred_at=now, campaign_id=campaign.id, domain_site=campaign.site, status=initial)
    return CampaignWrite(campaign=campaign, events=(created,))


def apply_patch(
    current: Campaign,
    patch: CampaignPatch,
    *,
    now: dt.datetime,
    principal: Principal,
    new_salt: NewSalt,
    known_timezones: Collection[str],
) -> CampaignWrite:
    """`current` with `patch` applied: the next version, updated at `now`, validated in full.

    What the change needs of `principal` depends on the change (a due date or a status change needs
    `admin`), so it is checked here, as soon as the change is known. A patch that changes nothing
    answers `current`, unchanged.

    Raises:
        AccessDenied: the change needs a right `principal` lacks.
        InvalidStatusChange: the lifecycle refuses the status change.
        ValidationFailed: the merged document breaks a rule, or an inactive campaign is given a domain.
    """
    updated = msgspec.structs.replace(
        campaign_from_document(patch.merged_into(current)),
        passwordHash=patch.password_hash(current.passwordHash, new_salt),
    )
    principal.ensure(operation_for_schedule(current.date, updated.date, now), current.id)
    changed_fields = _changed_fields(current, updated)
    updated, events = _with_status(current, updated, patch.status, now, principal)
    if not events and not changed_fields:
        return CampaignWrite(campaign=current, changed=False)
    ensure_valid_campaign(updated, known_timezones=known_timezones)
    updated = msgspec.structs.replace(
        updated, version=current.version + 1, date=msgspec.structs.replace(updated.date, updated=now)
    )
    if changed_fields:
        events.insert(
            0,
            CampaignUpdated(
                occurred_at=now,
                campaign_id=current.id,
                domain_site=updated.site,
                changed_fields=changed_fields,
                previous_domain_site=current.site,
            ),
        )
    return CampaignWrite(campaign=updated, events=tuple(events))


def _with_status(
    current: Campaign, updated: Campaign, target: Status | None, now: dt.datetime, principal: Principal
) -> tuple[Campaign, list[AnyEvent]]:
    """`updated` moved to `target` by the lifecycle's rules (with its events) when that is a change.

    An inactive campaign staying inactive may not take a domain: only a reactivation gives it one.
    """
    if target is None or target is current.status:
        if current.status is Status.INACTIVE and updated.site:
            message = "An inactive campaign holds no domain; reactivate it."
            raise ValidationFailed([FieldError(field="domain.site", message=message)])
        return updated, []
    principal.ensure(Operation.CHANGE_STATUS, current.id)
    transition = change_status(
        updated, target, now, by=principal.actor, is_supreme=principal.supreme, new_site=updated.site
    )
    return transition.campaign, list(transition.events)


def faqs_patch(placement: FaqPlacementInput) -> CampaignPatch:
    """Placing FAQs is an update of `faqs` alone."""
    return campaign_patch(CampaignInput(faqs=placement))


def terms_patch(campaign: Campaign, locale: str | None, terms: str | None) -> CampaignPatch:
    """Setting the terms of `locale` (the one a read of the terms shows) is an update of its content.

    Schema v1 campaigns keep terms under `content.<locale>.body`, v2 on the locale itself.

    Raises:
        InvalidQuery: the campaign has no locale at all to keep them in.
    """
    if locale is None:
        message = "The campaign has no locale to keep terms in: give it `locales` first."
        raise InvalidQuery([FieldError(field="locale", message=message, code="INVALID_QUERY")])
    if campaign.schema.version == "1":
        content = LocaleContentInput(body=LegacyBodyInput(terms=terms))
    else:
        content = LocaleContentInput(terms=terms)
    return campaign_patch(CampaignInput(content={locale: content}))


def contacts_patch(contacts: Sequence[str | CampaignContactRef]) -> CampaignPatch:
    """Replacing the contacts is an update of `contacts`, checked even when it equals the stored list.

    Raises:
        ValidationFailed: a contact breaks the contact rules.
    """
    ensure_valid_contacts(contacts)
    return campaign_patch(CampaignInput(contacts=list(contacts)))


def _changed_fields(before: Campaign, after: Campaign) -> list[str]:
    return [
        name
        for name in Campaign.__struct_fields__
        if name not in UNCOUNTED_CHANGES and getattr(before, name) != getattr(after, name)
    ]
