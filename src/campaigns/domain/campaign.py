"""The campaign document as the legacy service stored it, with its field names kept exactly."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Any

import msgspec

Instant = Annotated[dt.datetime, msgspec.Meta(tz=True)]
"""A timezone-aware instant; decoding accepts any offset and the model keeps it in UTC."""


class Status(enum.StrEnum):
    DRAFT = "DRAFT"
    PREVIEW = "PREVIEW"
    OPEN = "OPEN"
    CLOSED = "CLOSED"
    INACTIVE = "INACTIVE"


class CampaignType(enum.StrEnum):
    REGISTRATION = "registration"
    FANLIST = "fanlist"


class Document(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Base of every nested document: unknown fields are an error, never silently stored."""


class HasInstants(Document, frozen=True):
    """A document with instants: any offset is accepted on input and kept in UTC."""

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            value = getattr(self, name)
            try:
                if isinstance(value, dt.datetime):
                    msgspec.structs.force_setattr(self, name, value.astimezone(dt.UTC))
                elif isinstance(value, list) and value and isinstance(value[0], dt.datetime):
                    msgspec.structs.force_setattr(self, name, [item.astimezone(dt.UTC) for item in value])
            except OverflowError as error:
                # msgspec turns a ValueError into a ValidationError; `field_error_from` reads the name back.
                raise ValueError(f"field `{name}`: The instant is outside years 1-9999 once in UTC.") from error


class Artist(Document, frozen=True):
    id: str | None = None
    name: str | None = None
    discovery_id: str | None = None
    image_url: str | None = None
    adpUrl: str | None = None  # noqa: N815 - legacy field name
    fanclubName: str | None = None  # noqa: N815 - legacy field name


class CampaignDomain(Document, frozen=True):
    site: str | None = None
    preview: str | None = None


class Tour(Document, frozen=True):
    name: str | None = None


class RecordDates(HasInstants, frozen=True):
    """Creation and last update stamps of the documents around a campaign."""

    created: Instant | None = None
    updated: Instant | None = None


class CampaignDates(HasInstants, frozen=True):
    created: Instant | None = None
    updated: Instant | None = None
    open: Instant | None = None
    opened: Instant | None = None
    close: Instant | None = None
    closed: Instant | None = None
    inactivated: Instant | None = None
    presaleWindowStart: Instant | None = None  # noqa: N815 - legacy field name
    presaleWindowEnd: Instant | None = None  # noqa: N815 - legacy field name
    sendReminderEmails: list[Instant] | None = None  # noqa: N815 - legacy field name


class Options(Document, frozen=True):
    useGenericBranding: bool | None = None  # noqa: N815 - legacy field name
    showAccessCode: bool | None = None  # noqa: N815 - legacy field name
    automatedReminders: bool | None = None  # noqa: N815 - legacy field name


class Link(Document, frozen=True):
    url: str


class Faq(Document, frozen=True):
    question: str
    answer: str


class EmailContent(Document, frozen=True):
    subject: dict[str, str] | None = None
    template: dict[str, str] | None = None
    from_: dict[str, str] | None = msgspec.field(default=None, name="from")


class LegacyBody(Document, frozen=True):
    """Schema v1 kept localized FAQs and terms under `content.<locale>.body`."""

    faqs: list[Any] | None = None
    terms: str | None = None


class LocaleContent(Document, frozen=True):
    faqs: dict[str, Faq] | None = None
    landing: dict[str, Any] | None = None
    confirmation: dict[str, Any] | None = None
    email: EmailContent | None = None
    terms: str | None = None
    body: LegacyBody | None = None


class LandingFaqs(Document, frozen=True):
    open: list[str] = []
    closed: list[str] = []


class ConfirmationFaqs(Document, frozen=True):
    open: list[str] = []
    closed: list[str] = []
    activePresale: list[str] = []  # noqa: N815 - legacy field name


class FaqPlacement(Document, frozen=True):
    """Which FAQ ids (keys of `content.<locale>.faqs`) show on which page."""

    landing: LandingFaqs | None = None
    confirmation: ConfirmationFaqs | None = None


class PreferenceExtras(Document, frozen=True):
    initial_value: bool | None = None


class Preference(Document, frozen=True):
    id: str
    type: str
    is_optional: bool
    additional: PreferenceExtras | None = None
    label: dict[str, str] | None = None


class Locale(Document, frozen=True):
    id: str
    is_default: bool = False


class CampaignContactRef(Document, frozen=True):
    id: str | None = msgspec.field(default=None, name="_id")
    name: str | None = None
    email: str | None = None
    keyword: list[str] | None = None


class Tracker(Document, frozen=True):
    type: str
    id: str | None = None


class SlackChannels(Document, frozen=True):
    stats: list[str] = []


class Slack(Document, frozen=True):
    channels: SlackChannels | None = None
    noAlert: bool | None = None  # noqa: N815 - legacy field name


class SchemaInfo(Document, frozen=True):
    version: str = "2"


class StatusChange(HasInstants, frozen=True):
    """One entry of the append-only `statusHistory`."""

    status: Status
    at: Instant
    by: str
    reason: str


class Campaign(Document, frozen=True):
    """A presale campaign. `version` grows by one with every committed write (optimistic concurrency)."""

    id: str
    type: CampaignType = CampaignType.REGISTRATION
    status: Status = Status.DRAFT
    name: str | None = None
    identifier: str | None = None
    artist: Artist | None = None
    domain: CampaignDomain = CampaignDomain()
    tour: Tour | None = None
    date: CampaignDates = CampaignDates()
    options: Options | None = None
    referenceTimezone: str | None = None  # noqa: N815 - legacy field name
    style: dict[str, dict[str, str]] | None = None
    image: dict[str, Link] | None = None
    share: dict[str, Link] | None = None
    content: dict[str, LocaleContent] = {}
    faqs: FaqPlacement | None = None
    preferences: list[Preference] = []
    locales: list[Locale] = []
    contacts: list[str | CampaignContactRef] = []
    eventIds: list[str] = []  # noqa: N815 - legacy field name
    categoryId: str | None = None  # noqa: N815 - legacy field name
    trackers: list[Tracker] = []
    slack: Slack | None = None
    schema: SchemaInfo = SchemaInfo()
    statusHistory: list[StatusChange] = []  # noqa: N815 - legacy field name
    version: int = 0
    passwordHash: str | None = None  # noqa: N815 - stored only, never serialised to clients

    @property
    def site(self) -> str | None:
        return self.domain.site

    @property
    def default_locale(self) -> str | None:
        return next((locale.id for locale in self.locales if locale.is_default), None)


MUTABLE_FIELDS: frozenset[str] = frozenset(Campaign.__struct_fields__) - {
    "id",
    "statusHistory",
    "version",
    "passwordHash",
}
"""Top-level fields a client may send; `password` is accepted separately and stored hashed."""
