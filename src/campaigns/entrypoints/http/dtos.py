"""HTTP request and response shapes, kept apart from the domain structs they resemble.

Request bodies are partial: every field defaults to UNSET so a client's omission is told apart
from an explicit null, which the deep merge of an update needs. Field names are the legacy ones.
"""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from campaigns.domain.campaign import (
    Artist,
    CampaignContactRef,
    CampaignDates,
    CampaignDomain,
    CampaignType,
    FaqPlacement,
    Instant,
    Link,
    Locale,
    LocaleContent,
    Options,
    Preference,
    SchemaInfo,
    Slack,
    Status,
    StatusChange,
    Tour,
    Tracker,
)


class Input(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """Base of request bodies: unknown fields are rejected and absent ones stay absent."""


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
    """Accepted for compatibility and ignored: the service stamps creation itself."""


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
    share: dict[str, Link] | UnsetType | None = UNSET
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
    password: str | UnsetType | None = UNSET
    """Write-only; stored as a salted hash. `null` removes it."""
    id: str | UnsetType = UNSET
    version: int | UnsetType = UNSET
    statusHistory: list[Any] | UnsetType = UNSET  # noqa: N815 - legacy field name
    hasPassword: bool | UnsetType = UNSET  # noqa: N815 - as the read model names it
    """`id`, `version`, `statusHistory` and `hasPassword` may be echoed back from a read; they are ignored."""


class CampaignView(msgspec.Struct, kw_only=True):
    """A campaign as clients see it: the stored document without its password hash."""

    id: str
    type: CampaignType
    status: Status
    name: str | None
    identifier: str | None
    artist: Artist | None
    domain: CampaignDomain
    tour: Tour | None
    date: CampaignDates
    options: Options | None
    referenceTimezone: str | None  # noqa: N815 - legacy field name
    style: dict[str, dict[str, str]] | None
    image: dict[str, Link] | None
    share: dict[str, Link] | None
    content: dict[str, LocaleContent]
    faqs: FaqPlacement | None
    preferences: list[Preference]
    locales: list[Locale]
    contacts: list[str | CampaignContactRef]
    eventIds: list[str]  # noqa: N815 - legacy field name
    categoryId: str | None  # noqa: N815 - legacy field name
    trackers: list[Tracker]
    slack: Slack | None
    schema: SchemaInfo
    statusHistory: list[StatusChange]  # noqa: N815 - legacy field name
    version: int
    hasPassword: bool  # noqa: N815 - tells admins a password is set without revealing it


class Pagination(msgspec.Struct, kw_only=True):
    page: int
    pageSize: int  # noqa: N815 - legacy field name
    total: int


class CampaignListView(msgspec.Struct, kw_only=True):
    campaigns: list[CampaignView]
    pagination: Pagination


class CampaignStatusView(msgspec.Struct, kw_only=True):
    id: str
    status: Status


class CampaignStatusHistoryView(msgspec.Struct, kw_only=True):
    id: str
    status: Status
    statusHistory: list[StatusChange]  # noqa: N815 - legacy field name


class RefreshedCampaign(msgspec.Struct, kw_only=True):
    id: str
    from_: Status = msgspec.field(name="from")
    to: Status
    domain: str | None


class RefreshView(msgspec.Struct, kw_only=True):
    opened: int
    closed: int
    deactivated: int
    dryRun: bool  # noqa: N815 - matches the query parameter
    campaigns: list[RefreshedCampaign]


class FaqView(msgspec.Struct, kw_only=True):
    id: str
    question: str
    answer: str


class LandingFaqsView(msgspec.Struct, kw_only=True):
    open: list[FaqView]
    closed: list[FaqView]


class ConfirmationFaqsView(msgspec.Struct, kw_only=True):
    open: list[FaqView]
    closed: list[FaqView]
    activePresale: list[FaqView]  # noqa: N815 - legacy field name


class FaqsView(msgspec.Struct, kw_only=True):
    locale: str
    landing: LandingFaqsView
    confirmation: ConfirmationFaqsView


class TermsInput(Input):
    terms: str | None


class TermsView(msgspec.Struct, kw_only=True):
    locale: str
    terms: str | None


class HeartbeatView(msgspec.Struct, kw_only=True):
    status: str
    store: str | None = None


VIEW_FIELDS = tuple(name for name in CampaignView.__struct_fields__ if name != "hasPassword")
