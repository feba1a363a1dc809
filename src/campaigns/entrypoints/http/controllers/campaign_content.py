"""A campaign's page content as sub-resources: FAQs, terms and contacts."""

from __future__ import annotations

from inspect import getdoc
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from campaigns.application.read_models import FaqsView, TermsView, faqs_view, terms_view
from campaigns.application.use_cases.get_campaign import GetCampaign
from campaigns.application.use_cases.update_campaign_contacts import UpdateCampaignContacts
from campaigns.application.use_cases.update_campaign_faqs import UpdateCampaignFaqs
from campaigns.application.use_cases.update_campaign_terms import UpdateCampaignTerms
from campaigns.domain.campaign import CampaignContactRef
from campaigns.domain.campaign_commands import FaqPlacementInput, TermsInput
from campaigns.domain.locale_views import view_locale
from campaigns.entrypoints.http import examples
from campaigns.entrypoints.http.controllers.common import AuthedRequest, IfMatch, if_match
from campaigns.entrypoints.http.examples import json_body


class FaqsSaved(FaqsView, kw_only=True):
    success: bool = True


class CampaignContentController(Controller):
    path = "/campaigns/{campaign_id:str}"
    tags = ["campaigns"]

    @get(
        "/faqs",
        operation_id="getCampaignFaqs",
        summary="Read a campaign's FAQs in one locale",
        description="FAQs of one locale (an unknown one falls back to the default), by page.",
    )
    async def faqs(
        self,
        request: AuthedRequest,
        get_campaign: NamedDependency[GetCampaign],
        campaign_id: FromPath[str],
        locale: FromQuery[str | None] = None,
    ) -> FaqsView:
        campaign = await get_campaign.execute(request.user, campaign_id)
        return faqs_view(campaign, view_locale(campaign, locale))

    @post(
        "/faqs",
        operation_id="updateCampaignFaqs",
        summary="Place FAQs in a campaign",
        status_code=200,
        description="Place FAQs; answers the FAQs of one locale with `success: true` (legacy callers check it).",
    )
    async def update_faqs(
        self,
        request: AuthedRequest,
        update_campaign_faqs: NamedDependency[UpdateCampaignFaqs],
        campaign_id: FromPath[str],
        data: Annotated[FaqPlacementInput, json_body(examples.FAQ_PLACEMENT, "Show two FAQs on the open landing page")],
        locale: FromQuery[str | None] = None,
        expected_version: IfMatch = None,
    ) -> FaqsSaved:
        saved = await update_campaign_faqs.execute(
            request.user, campaign_id, data, locale=locale, if_match=if_match(expected_version)
        )
        return FaqsSaved(**msgspec.structs.asdict(saved))

    @get(
        "/terms",
        operation_id="getCampaignTerms",
        summary="Read a campaign's terms in one locale",
        description="Terms of one locale (an unknown one falls back to the default).",
    )
    async def terms(
        self,
        request: AuthedRequest,
        get_campaign: NamedDependency[GetCampaign],
        campaign_id: FromPath[str],
        locale: FromQuery[str | None] = None,
    ) -> TermsView:
        campaign = await get_campaign.execute(request.user, campaign_id)
        return terms_view(campaign, view_locale(campaign, locale))

    @post(
        "/terms",
        operation_id="updateCampaignTerms",
        summary="Set a campaign's terms for one locale",
        status_code=200,
        description=getdoc(UpdateCampaignTerms),
    )
    async def update_terms(
        self,
        request: AuthedRequest,
        update_campaign_terms: NamedDependency[UpdateCampaignTerms],
        campaign_id: FromPath[str],
        data: Annotated[TermsInput, json_body(examples.TERMS, "Terms for one locale")],
        locale: FromQuery[str | None] = None,
        expected_version: IfMatch = None,
    ) -> TermsView:
        return await update_campaign_terms.execute(
            request.user, campaign_id, data.terms, locale=locale, if_match=if_match(expected_version)
        )

    @get(
        "/contacts",
        operation_id="getCampaignContacts",
        summary="Read a campaign's contacts",
        description="Contacts of a campaign.",
    )
    async def contacts(
        self, request: AuthedRequest, get_campaign: NamedDependency[GetCampaign], campaign_id: FromPath[str]
    ) -> list[str | CampaignContactRef]:
        return (await get_campaign.execute(request.user, campaign_id)).contacts

    @post(
        "/contacts",
        operation_id="updateCampaignContacts",
        summary="Replace a campaign's contacts",
        status_code=200,
        description=getdoc(UpdateCampaignContacts),
    )
    async def update_contacts(
        self,
        request: AuthedRequest,
        update_campaign_contacts: NamedDependency[UpdateCampaignContacts],
        campaign_id: FromPath[str],
        data: Annotated[
            list[str | CampaignContactRef], json_body(examples.CONTACTS, "One contact by id, one by name and email")
        ],
        expected_version: IfMatch = None,
    ) -> list[str | CampaignContactRef]:
        return await update_campaign_contacts.execute(
            request.user, campaign_id, data, if_match=if_match(expected_version)
        )
