"""The campaign document as the legacy service stored it, with its field names kept exactly."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Any, TypeVar

import msgspec
from msgspec import UNSET, UnsetType

T = TypeVar("T")

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


class Sparse(Document, frozen=True, omit_defaults=True):
    """A campaign part whose unset fields (None) are left out of its JSON, stored and answered.

    Parts whose defaults mean something to readers (`locales[].is_default`, the FAQ placement
    lists, `schema.version`) are plain documents and always carry their fields.
    """


def given(value: T | UnsetType | None) -> T | None:
    """A field that tells "never set" (UNSET) from "cleared" (None), read as a plain optional value."""
    return None if isinstance(value, UnsetType) else value


def utc_millis(instant: dt.datetime) -> dt.datetime:
    """`instant` in UTC, truncated to the millisecond: the precision of a BSON date, kept by every store (ADR 0008)."""
    utc = instant.astimezone(dt.UTC)
    return utc.replace(microsecond=utc.microsecond - utc.microsecond % 1000)


class HasInstants(Document, frozen=True):
    """A document with instants: any offset is accepted on input and kept in UTC, to the millisecond."""

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            value = getattr(self, name)
            try:
                if isinstance(value, dt.datetime):
                    msgspec.structs.force_setattr(self, name, utc_millis(value))
                elif isinstance(value, list) and value and isinstance(value[0], dt.datetime):
                    msgspec.structs.force_setattr(self, name, [utc_millis(item) for item in value])
            except OverflowError as error:
                # msgspec turns a ValueError into a ValidationError; `field_error_from` reads the name back.
                raise ValueError(f"field `{name}`: The instant is outside years 1-9999 once in UTC.") from error


class Artist(Sparse, frozen=True):
    id: str | None = None
    name: str | None = None
    discovery_id: str | None = None
    image_url: str | None = None
    adpUrl: str | None = None  # noqa: N815 - legacy field name
    fanclubName: str | None = None  # noqa: N815 - legacy field name


class CampaignDomain(Sparse, frozen=True):
    """UNSET: never set (left out of responses); None: cleared, by the lifecycle or a client (`null`)."""

    site: str | UnsetType | None = UNSET
    preview: str | UnsetType | None = UNSET


class Tour(Sparse, frozen=True):
    name: str | None = None


class RecordDates(HasInstants, frozen=True):
    """Creation and last update stamps of the documents around a campaign."""

    created: Instant | None = None
    updated: Instant | None = None


class CampaignDates(HasInstants, frozen=True, omit_defaults=True):
    """`open` and `close` tell never set (UNSET) from cleared (None), as `CampaignDomain` does."""

    created: Instant | None = None
    updated: Instant | None = None
    open: Instant | UnsetType | None = UNSET
    opened: Instant | None = None
    close: Instant | UnsetType | None = UNSET
    closed: Instant | None = None
    inactivated: Instant | None = None
    presaleWindowStart: Instant | None = None  # noqa: N815 - legacy field name
    presaleWindowEnd: Instant | None = None  # noqa: N815 - legacy field name
    sendReminderEmails: list[Instant] | None = None  # noqa: N815 - legacy field name

    @property
    def opens_at(self) -> dt.datetime | None:
        """The scheduled opening, None when never set or cleared."""
        return given(self.open)

    @property
    def closes_at(self) -> dt.datetime | None:
        """The scheduled closing, None when never set or cleared."""
        return given(self.close)


class Options(Sparse, frozen=True):
    useGenericBranding: bool | None = None  # noqa: N815 - legacy field name
    showAccessCode: bool | None = None  # noqa: N815 - legacy field name
    automatedReminders: bool | None = None  # noqa: N815 - legacy field name


class Link(Document, frozen=True):
    url: str


class Faq(Document, frozen=True):
    question: str
    answer: str


class EmailContent(Sparse, frozen=True):
    subject: dict[str, str] | None = None
    template: dict[str, str] | None = None
    from_: dict[str, str] | None = msgspec.field(default=None, name="from")


class LegacyBody(Sparse, frozen=True):
    """Schema v1 kept localized FAQs and terms under `content.<locale>.body`."""

    faqs: list[Any] | None = None
    terms: str | None = None


class LocaleContent(Sparse, frozen=True):
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


class FaqPlacement(Sparse, frozen=True):
    """Which FAQ ids (keys of `content.<locale>.faqs`) show on which page."""

    landing: LandingFaqs | None = None
    confirmation: ConfirmationFaqs | None = None


class PreferenceExtras(Sparse, frozen=True):
    initial_value: bool | None = None


class Preference(Sparse, frozen=True):
    id: str
    type: str
    is_optional: bool
    additional: PreferenceExtras | None = None
    label: dict[str, str] | None = None


class Locale(Document, frozen=True):
    id: str
    is_default: bool = False


class CampaignContactRef(Sparse, frozen=True):
    """A contact a campaign names inline; a valid one has a `name` or an `email` (spec §3)."""

    id: str | None = msgspec.field(default=None, name="_id")
    name: str | None = None
    email: str | None = None
    keyword: list[str] | None = None
    keywords: list[str] | UnsetType | None = UNSET
    """Accepted alias of `keyword` (the contact directory's former name): read as `keyword`, never
    written. Given together with `keyword`, it stays set so that validation can refuse the pair."""

    def __post_init__(self) -> None:
        if self.keyword is None and not isinstance(self.keywords, UnsetType):
            msgspec.structs.force_setattr(self, "keyword", self.keywords)
            msgspec.structs.force_setattr(self, "keywords", UNSET)


class Tracker(Sparse, frozen=True):
    type: str
    id: str | None = None


class SlackChannels(Document, frozen=True):
    stats: list[str] = []


class Slack(Sparse, frozen=True):
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


class LegacyFields(msgspec.Struct, kw_only=True, frozen=True):
    """Fields of the legacy model that the service keeps as given: JSON type checked, content opaque.

    Shared by the campaign and its public view; `score` and `share` are declared by each (`score`
    is always answered, `share` sits with the other documents of the campaign).
    """

    limit: dict[str, Any] | None = None
    videos: dict[str, Any] | None = None
    email: dict[str, Any] | None = None
    gate: dict[str, Any] | None = None
    extensions: dict[str, Any] | None = None
    stores: list[Any] | None = None
    groups: list[Any] | None = None
    linkedCampaignId: str | None = None  # noqa: N815 - legacy field name
    fanIdentifier: str | None = None  # noqa: N815 - legacy field name


class Campaign(Document, LegacyFields, frozen=True):
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
    share: dict[str, Any] | None = None
    """Legacy: links by network (`{"x": {"url": ...}}`), otherwise opaque; an entry's `url` must be http(s)."""
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
    score: dict[str, Any] = {}
    """Legacy, opaque: always an object (the legacy always answered one), `{}` when the campaign has none."""

    @property
    def site(self) -> str | None:
        return given(self.domain.site)

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

OPAQUE_FIELDS: frozenset[str] = frozenset(
    {"score", "limit", "videos", "email", "share", "gate", "extensions", "stores", "groups"}
)
"""Legacy fields whose content the service does not interpret: an update replaces them whole."""

OPAQUE_OBJECT_FIELDS: frozenset[str] = OPAQUE_FIELDS - {"stores", "groups"}
"""The opaque fields that are JSON objects (`stores` and `groups` are arrays)."""
