"""What creating and updating a campaign share: turning a client document into a valid campaign."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from campaigns.application.ports.store import UnitOfWork
from campaigns.application.ports.system import IdFactory
from campaigns.application.read_models import public_document
from campaigns.application.use_cases._time_zones import iana_timezones
from campaigns.domain.campaign import MUTABLE_FIELDS, OPAQUE_FIELDS, OPAQUE_OBJECT_FIELDS, Campaign, Status
from campaigns.domain.documents import (
    campaign_document,
    campaign_from_document,
    deep_merge,
    ensure_within_body_limit,
)
from campaigns.domain.errors import FieldError, ValidationFailed, field_path
from campaigns.domain.locale_views import merge_view_labels
from campaigns.domain.locales import canonical_campaign_locales
from campaigns.domain.permissions import hash_password
from campaigns.domain.policies import ensure_domain_free
from campaigns.domain.validation import ensure_valid_campaign

READ_ONLY_FIELDS = frozenset({"id", "version", "statusHistory", "hasPassword", "currentLocale"})
"""Fields a client may echo back from a read; they are ignored, never written."""

VIEW_MARKER = "currentLocale"
"""A body carrying it was read from a one-locale view (spec §3 "Round trip")."""

SERVICE_DATES = frozenset({"created", "updated", "opened", "closed", "inactivated"})
"""`date` fields only the service writes (creation and lifecycle stamps); client values are ignored."""

PASSWORD_FIELD = "password"  # noqa: S105 - a field name, not a secret

OBJECT_FIELDS = frozenset({"artist", "domain", "tour", "date", "options", "content", "faqs", "slack", "schema"})
"""Fields merged key by key on update, so a client must send them as objects."""

OBJECTS = OBJECT_FIELDS | OPAQUE_OBJECT_FIELDS
"""Every field a client must send as an object (or null); the opaque ones replace whole on update."""


class ClientDocument(msgspec.Struct, frozen=True, kw_only=True):
    """A client's campaign body split into its parts: the document, the status and the password."""

    fields: dict[str, Any]
    status: str | None
    password: str | None
    password_given: bool
    from_locale_view: bool

    def applied_to(self, current: Campaign) -> dict[str, Any]:
        """`current`'s document with these fields merged in: objects deeply, arrays replacing.

        A body read from a one-locale view has only that locale in each `preferences[].label`: those
        maps merge into the stored labels, so writing it back keeps the other locales' text.
        """
        fields = self.fields
        if self.from_locale_view and "preferences" in fields:
            fields = {**fields, "preferences": merge_view_labels(current.preferences, fields["preferences"])}
        return deep_merge(campaign_document(current), fields, replacing=OPAQUE_FIELDS)


def split_client_document(body: Mapping[str, Any]) -> ClientDocument:
    """Reject unknown top-level fields and separate `status` and the write-only `password`.

    Locale ids are brought to their one form (`xx-XX`) here, as the document enters the domain.
    """
    unknown = [key for key in body if key not in MUTABLE_FIELDS | READ_ONLY_FIELDS | {PASSWORD_FIELD}]
    if unknown:
        raise ValidationFailed(
            [FieldError(field=field_path("", key), message="Unknown field.") for key in sorted(unknown)]
        )
    body = canonical_campaign_locales(body)
    password = body.get(PASSWORD_FIELD)
    if password is not None and (not isinstance(password, str) or not password):
        raise ValidationFailed([FieldError(field=PASSWORD_FIELD, message="Expected a non-empty string or null.")])
    status = body.get("status")
    if status is not None and (not isinstance(status, str) or status not in Status.__members__):
        raise ValidationFailed([FieldError(field="status", message=f"Expected one of {', '.join(Status)}.")])
    for key, value in body.items():
        if key in OBJECTS and value is not None and not isinstance(value, Mapping):
            raise ValidationFailed([FieldError(field=key, message="Expected an object.")])
    fields = {key: value for key, value in body.items() if key not in READ_ONLY_FIELDS | {PASSWORD_FIELD, "status"}}
    if isinstance(dates := fields.get("date"), Mapping):
        fields["date"] = {key: value for key, value in dates.items() if key not in SERVICE_DATES}
    return ClientDocument(
        fields=fields,
        status=status,
        password=password,
        password_given=PASSWORD_FIELD in body,
        from_locale_view=VIEW_MARKER in body,
    )


def build_campaign(document: Mapping[str, Any]) -> Campaign:
    """Type-check and validate a full campaign document; raises ValidationFailed naming fields."""
    campaign = campaign_from_document(document)
    ensure_valid_campaign(campaign, known_timezones=iana_timezones())
    return campaign


def ensure_servable(campaign: Campaign) -> None:
    """The campaign as a read of all its locales answers it fits in a request body (DocumentTooLarge otherwise).

    Checked on the campaign as it would be committed, so that whatever is stored can be POSTed back.
    """
    ensure_within_body_limit("campaign", len(public_document(campaign)))


def password_hash_for(client: ClientDocument, current: str | None, ids: IdFactory) -> str | None:
    if not client.password_given:
        return current
    return hash_password(client.password, ids.new_salt()) if client.password else None


async def ensure_site_available(uow: UnitOfWork, campaign: Campaign) -> None:
    """The early, friendly answer; the store's unique index decides concurrent claims."""
    if campaign.site:
        ensure_domain_free(campaign.site, await uow.campaigns.get_by_site(campaign.site), campaign.id)
