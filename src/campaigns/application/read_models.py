"""The campaign's public documents: what HTTP answers, Redis holds and the event stream carries.

One rendering for every reader, so a document never differs by the road it took.
"""

from __future__ import annotations

import msgspec

from campaigns.domain.campaign import (
    Artist,
    Campaign,
    CampaignContactRef,
    CampaignDates,
    CampaignDomain,
    CampaignType,
    FaqPlacement,
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
from campaigns.domain.errors import FieldError, InvalidQuery


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


class TermsView(msgspec.Struct, kw_only=True):
    locale: str
    terms: str | None


VIEW_FIELDS = tuple(name for name in CampaignView.__struct_fields__ if name != "hasPassword")


def campaign_view(campaign: Campaign) -> CampaignView:
    return CampaignView(
        **{name: getattr(campaign, name) for name in VIEW_FIELDS}, hasPassword=campaign.passwordHash is not None
    )


def content_locale(campaign: Campaign, requested: str | None) -> str:
    """The campaign locale a FAQ or terms request is about: the requested one, else the default."""
    known = {locale.id for locale in campaign.locales} | set(campaign.content)
    chosen = requested or campaign.default_locale or next(iter(sorted(known)), None)
    if chosen is None or chosen not in known:
        raise InvalidQuery(
            [FieldError(field="locale", message=f"The campaign has no locale {chosen!r}.", code="INVALID_QUERY")]
        )
    return chosen


def faqs_view(campaign: Campaign, locale: str) -> FaqsView:
    content = campaign.content.get(locale, LocaleContent())
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


def terms_view(campaign: Campaign, locale: str) -> TermsView:
    content = campaign.content.get(locale, LocaleContent())
    terms = content.terms if content.terms is not None else (content.body.terms if content.body else None)
    return TermsView(locale=locale, terms=terms)
