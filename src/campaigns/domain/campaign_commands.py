"""The commands a client sends to write a campaign, decoded once, strictly, at the HTTP edge.

Every field defaults to UNSET so that an omission is told apart from an explicit null, which a
partial update needs; unknown fields are refused by the decode itself (`forbid_unknown_fields`).
Field names are the legacy ones. What a command does to a campaign is `campaign_writes`' business.
"""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from campaigns.domain.campaign import (
    CampaignContactRef,
    CampaignType,
    Instant,
    Link,
    Locale,
    Preference,
    Status,
    Tracker,
)
from campaigns.domain.commands import Input


class ArtistInput(Input):
    id: str | UnsetType | None = UNSET
    name: str | UnsetType | None = UNSET
    discovery_id: str | UnsetType | None = UNSET
    image_url: str | UnsetType | None = UNSET
    adpUrl: str | UnsetType | None = UNSET  # noqa: N815 - legacy field name
    fanclubName: str | UnsetType | None = UNSET  # noqa: N815 - legacy field name


class DomainInput(Input):
    site: str | UnsetType | None = UNSET
    preview: str | UnsetType | None = UNSET


class TourInput(Input):
    name: str | UnsetType | None = UNSET


class DatesInput(Input):
    open: Instant | UnsetType | None = UNSET
    close: Instant | UnsetType | None = UNSET
    presaleWindowStart: Instant | UnsetType | None = UNSET  # noqa: N815 - legacy field name
    presaleWindowEnd: Instant | UnsetType | None = UNSET  # noqa: N815 - legacy field name
    sendReminderEmails: list[Instant] | UnsetType | None = UNSET  # noqa: N815 - legacy field name
    created: Instant | UnsetType | None = UNSET
    updated: Instant | UnsetType | None = UNSET
    opened: Instant | UnsetType | None = UNSET
    closed: Instant | UnsetType | None = UNSET
    inactivated: Instant | UnsetType | None = UNSET
    """`created` to `inactivated` (`SERVICE_DATES`) are accepted (a client may send back what it
    read) and ignored: the service stamps them itself."""


class OptionsInput(Input):
    useGenericBranding: bool | UnsetType | None = UNSET  # noqa: N815 - legacy field name
    showAccessCode: bool | UnsetType | None = UNSET  # noqa: N815 - legacy field name
    automatedReminders: bool | UnsetType | None = UNSET  # noqa: N815 - legacy field name


class FaqInput(Input):
    question: str | UnsetType = UNSET
    answer: str | UnsetType = UNSET


class EmailInput(Input):
    subject: dict[str, str] | UnsetType | None = UNSET
    template: dict[str, str] | UnsetType | None = UNSET
    from_: dict[str, str] | UnsetType | None = msgspec.field(default=UNSET, name="from")


class LegacyBodyInput(Input):
    faqs: list[Any] | UnsetType | None = UNSET
    terms: str | UnsetType | None = UNSET


class LocaleContentInput(Input):
    faqs: dict[str, FaqInput] | UnsetType | None = UNSET
    landing: dict[str, Any] | UnsetType | None = UNSET
    confirmation: dict[str, Any] | UnsetType | None = UNSET
    email: EmailInput | UnsetType | None = UNSET
    terms: str | UnsetType | None = UNSET
    body: LegacyBodyInput | UnsetType | None = UNSET


class LandingFaqsInput(Input):
    open: list[str] | UnsetType = UNSET
    closed: list[str] | UnsetType = UNSET


class ConfirmationFaqsInput(Input):
    open: list[str] | UnsetType = UNSET
    closed: list[str] | UnsetType = UNSET
    activePresale: list[str] | UnsetType = UNSET  # noqa: N815 - legacy field name


class FaqPlacementInput(Input):
    landing: LandingFaqsInput | UnsetType | None = UNSET
    confirmation: ConfirmationFaqsInput | UnsetType | None = UNSET


class SlackChannelsInput(Input):
    stats: list[str] | UnsetType = UNSET


class SlackInput(Input):
    channels: SlackChannelsInput | UnsetType | None = UNSET
    noAlert: bool | UnsetType | None = UNSET  # noqa: N815 - legacy field name


class SchemaInput(Input):
    version: str | UnsetType = UNSET


class CampaignInput(Input):
    """A campaign body: complete for a create, partial for an update."""

    type: CampaignType | UnsetType = UNSET
    status: Status | UnsetType = UNSET
    name: str | UnsetType | None = UNSET
    identifier: str | UnsetType | None = UNSET
    artist: ArtistInput | UnsetType | None = UNSET
    domain: DomainInput | UnsetType = UNSET
    tour: TourInput | UnsetType | None = UNSET
    date: DatesInput | UnsetType = UNSET
    options: OptionsInput | UnsetType | None = UNSET
    referenceTimezone: str | UnsetType | None = UNSET  # noqa: N815 - legacy field name
    style: dict[str, dict[str, str]] | UnsetType | None = UNSET
    image: dict[str, Link] | UnsetType | None = UNSET
    share: dict[str, Any] | UnsetType | None = UNSET
    content: dict[str, LocaleContentInput] | UnsetType = UNSET
    faqs: FaqPlacementInput | UnsetType | None = UNSET
    preferences: list[Preference] | UnsetType = UNSET
    locales: list[Locale] | UnsetType = UNSET
    contacts: list[str | CampaignContactRef] | UnsetType = UNSET
    eventIds: list[str] | UnsetType = UNSET  # noqa: N815 - legacy field name
    categoryId: str | UnsetType | None = UNSET  # noqa: N815 - legacy field name
    trackers: list[Tracker] | UnsetType = UNSET
    slack: SlackInput | UnsetType | None = UNSET
    schema: SchemaInput | UnsetType = UNSET
    score: dict[str, Any] | UnsetType = UNSET
    """`score` to `fanIdentifier`: fields of the legacy model, stored and answered as given (content
    opaque); `score` is always an object (`{}` for none), the others may be cleared with `null`."""
    limit: dict[str, Any] | UnsetType | None = UNSET
    videos: dict[str, Any] | UnsetType | None = UNSET
    email: dict[str, Any] | UnsetType | None = UNSET
    gate: dict[str, Any] | UnsetType | None = UNSET
    extensions: dict[str, Any] | UnsetType | None = UNSET
    stores: list[Any] | UnsetType | None = UNSET
    groups: list[Any] | UnsetType | None = UNSET
    linkedCampaignId: str | UnsetType | None = UNSET  # noqa: N815 - legacy field name
    fanIdentifier: str | UnsetType | None = UNSET  # noqa: N815 - legacy field name
    password: str | UnsetType | None = UNSET
    """Write-only; stored as a salted hash. `null` removes it."""
    id: str | UnsetType = UNSET
    version: int | UnsetType = UNSET
    statusHistory: list[Any] | UnsetType = UNSET  # noqa: N815 - legacy field name
    hasPassword: bool | UnsetType = UNSET  # noqa: N815 - as the read model names it
    currentLocale: str | UnsetType = UNSET  # noqa: N815 - as the read model names it
    """`id` to `currentLocale` (`READ_ONLY_FIELDS`) may be echoed back from a read; they are
    ignored, except that `currentLocale` marks a one-locale view (`VIEW_MARKER`), whose
    `preferences[].label` maps merge into the stored labels."""


class TermsInput(Input):
    terms: str | None


READ_ONLY_FIELDS = frozenset({"id", "version", "statusHistory", "hasPassword", "currentLocale"})
"""Fields of `CampaignInput` a client may echo back from a read; they are ignored, never written."""

VIEW_MARKER = "currentLocale"
"""A body carrying it was read from a one-locale view (spec §3 "Round trip")."""

SERVICE_DATES = frozenset({"created", "updated", "opened", "closed", "inactivated"})
"""Fields of `DatesInput` only the service writes (creation and lifecycle stamps); client values are ignored."""
