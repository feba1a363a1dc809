"""The campaign's public documents: what HTTP answers, Redis holds and the event stream carries.

One rendering for every reader, so a document never differs by the road it took.
"""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from campaigns.domain.campaign import (
    Artist,
    Campaign,
    CampaignContactRef,
    CampaignDates,
    CampaignDomain,
    CampaignType,
    FaqPlacement,
    LegacyFields,
    Link,
    Locale,
    LocaleContent,
    Options,
    Preference,
    RecordDates,
    SchemaInfo,
    Slack,
    Status,
    StatusChange,
    Tour,
    Tracker,
)
from campaigns.domain.locale_views import locale_view
from campaigns.domain.market import Market, MarketEventInfo, Notification, Venue


class CampaignView(LegacyFields, kw_only=True, frozen=True, omit_defaults=True):
    """A campaign as clients see it: the stored document without its password hash.

    Fields that were never set are left out (here and in every nested part); `date.open`,
    `date.close`, `domain.site` and `domain.preview` are `null` once cleared. `score`, `hasPassword`
    and the service's own fields are always present.
    """

    id: str
    type: CampaignType
    status: Status
    name: str | None = None
    identifier: str | None = None
    artist: Artist | None = None
    domain: CampaignDomain | UnsetType = UNSET
    tour: Tour | None = None
    date: CampaignDates
    options: Options | None = None
    referenceTimezone: str | None = None  # noqa: N815 - legacy field name
    style: dict[str, dict[str, str]] | None = None
    image: dict[str, Link] | None = None
    share: dict[str, Any] | None = None
    content: dict[str, LocaleContent] | UnsetType
    """Absent where a listing hides a password-protected campaign's text (`/campaigns/events`)."""
    faqs: FaqPlacement | None = None
    preferences: list[Preference]
    locales: list[Locale]
    contacts: list[str | CampaignContactRef]
    eventIds: list[str]  # noqa: N815 - legacy field name
    categoryId: str | None = None  # noqa: N815 - legacy field name
    trackers: list[Tracker]
    slack: Slack | None = None
    score: dict[str, Any]
    """Always present, as the legacy answered it: `{}` when the campaign has none."""
    schema: SchemaInfo
    statusHistory: list[StatusChange]  # noqa: N815 - legacy field name
    version: int
    hasPassword: bool  # noqa: N815 - tells admins a password is set without revealing it
    currentLocale: str | UnsetType = UNSET  # noqa: N815 - legacy field name
    """The one locale a locale view shows (spec §3 "Locale views"); absent when it shows them all."""


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
    locale: str | None
    landing: LandingFaqsView
    confirmation: ConfirmationFaqsView


class TermsView(msgspec.Struct, kw_only=True):
    locale: str | None
    terms: str | None


VIEW_FIELDS = tuple(
    name for name in CampaignView.__struct_fields__ if name not in {"hasPassword", "currentLocale", "domain"}
)
_NO_DOMAIN = CampaignDomain()


def campaign_view(campaign: Campaign, current_locale: str | None = None) -> CampaignView:
    """The campaign as stored, every locale in it; `current_locale` names the one a locale view kept."""
    return CampaignView(
        **{name: getattr(campaign, name) for name in VIEW_FIELDS},
        domain=UNSET if campaign.domain == _NO_DOMAIN else campaign.domain,
        hasPassword=campaign.passwordHash is not None,
        currentLocale=UNSET if current_locale is None else current_locale,
    )


_VIEW_ENCODER = msgspec.json.Encoder()
_VIEW_DECODER = msgspec.json.Decoder(CampaignView)


def encode_view(view: CampaignView) -> bytes:
    """A view's JSON, as every campaign route sends it."""
    return _VIEW_ENCODER.encode(view)


def public_document(campaign: Campaign) -> bytes:
    """The campaign's public document, every locale in it.

    The bytes `GET /campaigns/{id}?showAllLocales=true` answers and Redis holds under
    `campaign:id:<id>` and `campaign:domain:<site>`.
    """
    return encode_view(campaign_view(campaign))


def campaign_from_public_document(document: bytes) -> Campaign | None:
    """The campaign a public document was rendered from, when the document holds all of it.

    That is every campaign without a password: the view leaves out only `passwordHash`, so for a
    password-protected campaign (`hasPassword`) the answer is None and the caller reads the store.
    A document that does not decode as a campaign view is None too.
    """
    try:
        view = _VIEW_DECODER.decode(document)
    except msgspec.DecodeError:
        return None
    if view.hasPassword or isinstance(view.content, UnsetType) or not isinstance(view.currentLocale, UnsetType):
        return None
    domain = _NO_DOMAIN if isinstance(view.domain, UnsetType) else view.domain
    return Campaign(**{name: getattr(view, name) for name in VIEW_FIELDS}, domain=domain)


def localized_view(campaign: Campaign, requested: str | None) -> CampaignView:
    """The campaign narrowed to one locale (`locale_view`), with `currentLocale` naming it."""
    view = locale_view(campaign, requested)
    return campaign_view(view.campaign, view.locale)


def _locale_content(campaign: Campaign, locale: str | None) -> LocaleContent:
    return (campaign.content.get(locale) if locale is not None else None) or LocaleContent()


def faqs_view(campaign: Campaign, locale: str | None) -> FaqsView:
    content = _locale_content(campaign, locale)
    faqs = content.faqs or {}

    def resolve(ids: list[str]) -> list[FaqView]:
        return [FaqView(id=i, question=faqs[i].question, answer=faqs[i].answer) for i in ids if i in faqs]

    placement = campaign.faqs
    landing = placement.landing if placement else None
    confirmation = placement.confirmation if placement else None
    return FaqsView(
        locale=locale,
        landing=LandingFaqsView(
            open=resolve(landing.open if landing else []), closed=resolve(landing.closed if landing else [])
        ),
        confirmation=ConfirmationFaqsView(
            open=resolve(confirmation.open if confirmation else []),
            closed=resolve(confirmation.closed if confirmation else []),
            activePresale=resolve(confirmation.activePresale if confirmation else []),
        ),
    )


def terms_view(campaign: Campaign, locale: str | None) -> TermsView:
    content = _locale_content(campaign, locale)
    terms = content.terms if content.terms is not None else (content.body.terms if content.body else None)
    return TermsView(locale=locale, terms=terms)


# --------------------------------------------------------------------------- markets


class VenueView(Venue, frozen=True, omit_defaults=True):
    pass


class MarketEventView(MarketEventInfo, frozen=True, omit_defaults=True):
    venue: VenueView | None = None


class NotificationView(Notification, frozen=True, omit_defaults=True):
    pass


class MarketDatesView(RecordDates, frozen=True, omit_defaults=True):
    pass


class MarketView(Market, frozen=True, omit_defaults=True):
    """A market as clients see it: the stored document, leaving out the fields that were never set."""

    event: MarketEventView | None = None
    notification: NotificationView | None = None
    date: MarketDatesView = MarketDatesView()


def market_view(market: Market) -> MarketView:
    return msgspec.convert(market, MarketView, from_attributes=True)


def market_document(market: Market) -> bytes:
    """The market's JSON, as the market routes answer it."""
    return _VIEW_ENCODER.encode(market_view(market))
