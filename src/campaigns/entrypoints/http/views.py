"""Domain objects to response shapes."""

from __future__ import annotations

from campaigns.application.ports import CampaignPage
from campaigns.application.use_cases.refresh_lifecycle import RefreshReport
from campaigns.domain.campaign import Campaign, LocaleContent
from campaigns.domain.errors import FieldError, InvalidQuery
from campaigns.entrypoints.http.dtos import (
    VIEW_FIELDS,
    CampaignListView,
    CampaignView,
    ConfirmationFaqsView,
    FaqsView,
    FaqView,
    LandingFaqsView,
    Pagination,
    RefreshedCampaign,
    RefreshView,
    TermsView,
)


def campaign_view(campaign: Campaign) -> CampaignView:
    return CampaignView(
        **{name: getattr(campaign, name) for name in VIEW_FIELDS}, hasPassword=campaign.passwordHash is not None
    )


def campaign_list_view(page: CampaignPage, page_number: int, page_size: int) -> CampaignListView:
    return CampaignListView(
        campaigns=[campaign_view(c) for c in page.campaigns],
        pagination=Pagination(page=page_number, pageSize=page_size, total=page.total),
    )


def refresh_view(report: RefreshReport) -> RefreshView:
    return RefreshView(
        opened=report.opened,
        closed=report.closed,
        deactivated=report.deactivated,
        dryRun=report.dry_run,
        campaigns=[RefreshedCampaign(id=c.id, from_=c.from_, to=c.to, domain=c.domain) for c in report.campaigns],
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


def terms_patch(campaign: Campaign, locale: str, terms: str | None) -> dict[str, object]:
    """Schema v1 kept terms under `content.<locale>.body`; v2 keeps them on the locale itself."""
    if campaign.schema.version == "1":
        return {"content": {locale: {"body": {"terms": terms}}}}
    return {"content": {locale: {"terms": terms}}}
