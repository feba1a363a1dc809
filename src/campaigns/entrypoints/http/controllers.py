"""Thin HTTP handlers: request DTO -> use case -> response DTO. Errors go to `errors.py`."""

from __future__ import annotations

import datetime as dt
from inspect import getdoc
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.types import ASGIApp

from campaigns.application.errors import VersionMismatch
from campaigns.application.ports import CampaignQuery, CampaignSort, SortDirection
from campaigns.application.use_cases.create_campaign import CreateCampaign
from campaigns.application.use_cases.find_campaign_ids_by_category import FindCampaignIdsByCategory
from campaigns.application.use_cases.find_campaigns_for_event import FindCampaignsForEvent
from campaigns.application.use_cases.find_presale_window_ids import FindPresaleWindowIds, PresaleIdKind
from campaigns.application.use_cases.get_campaign import GetCampaign
from campaigns.application.use_cases.get_campaign_by_domain import DomainLookup, GetCampaignByDomain
from campaigns.application.use_cases.list_campaigns import ListCampaigns
from campaigns.application.use_cases.refresh_lifecycle import RefreshLifecycle
from campaigns.application.use_cases.update_campaign import UpdateCampaign
from campaigns.domain.campaign import Campaign, CampaignContactRef, CampaignType, Status
from campaigns.domain.permissions import Principal
from campaigns.entrypoints.http.dtos import (
    CampaignInput,
    CampaignListView,
    CampaignStatusHistoryView,
    CampaignStatusView,
    CampaignView,
    FaqPlacementInput,
    FaqsView,
    RefreshView,
    TermsInput,
    TermsView,
)
from campaigns.entrypoints.http.problems import error_responses
from campaigns.entrypoints.http.rendering import RenderedCampaigns, cache_headers
from campaigns.entrypoints.http.views import (
    campaign_list_view,
    campaign_view,
    content_locale,
    faqs_view,
    refresh_view,
    terms_patch,
    terms_view,
)
from campaigns.entrypoints.metrics import Metrics

AuthedRequest = Request[Principal, Any, State]

READ_ERRORS = error_responses(400, 401, 403, 404)
QUERY_ERRORS = error_responses(400, 401)
SUPREME_ERRORS = error_responses(400, 401, 403)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 412, 413)
CAMPAIGN_OK = {200: ResponseSpec(data_container=CampaignView, generate_examples=False, description="The campaign.")}


def _document(data: msgspec.Struct) -> dict[str, Any]:
    document: dict[str, Any] = msgspec.to_builtins(data)
    return document


def _created_response(campaign: Campaign) -> Response[CampaignView]:
    return Response(campaign_view(campaign), status_code=201, headers=cache_headers(campaign))


def _rendered(request: AuthedRequest) -> RenderedCampaigns:
    """App state rather than a second dependency: Litestar resolves two or more concurrently, in a task group."""
    rendered: RenderedCampaigns = request.app.state.rendered_campaigns
    return rendered


def _if_match(request: AuthedRequest) -> int | None:
    """The version named by `If-Match` (`"3"`, `W/"3"` or `3`); `*` or no header means any."""
    raw = request.headers.get("if-match")
    if raw is None or raw.strip() == "*":
        return None
    try:
        return int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError as error:
        raise VersionMismatch("If-Match must name a campaign version, as the ETag gives it.") from error


class CampaignController(Controller):
    path = "/campaigns"
    tags = ["campaigns"]

    @get(
        "/",
        operation_id="getCampaignByDomain",
        description=getdoc(GetCampaignByDomain),
        responses={**CAMPAIGN_OK, **READ_ERRORS},
    )
    async def by_domain(
        self,
        request: AuthedRequest,
        get_campaign_by_domain: NamedDependency[GetCampaignByDomain],
        domain: FromQuery[str],
        locale: FromQuery[str | None] = None,
        show_all_locales: Annotated[bool, QueryParameter(name="showAllLocales")] = False,
        password: FromQuery[str | None] = None,
    ) -> ASGIApp:
        """The fan-facing hot path: answered with a response prepared once per campaign version."""
        lookup = DomainLookup(site=domain, locale=locale, show_all_locales=show_all_locales, password=password)
        return _rendered(request).response(await get_campaign_by_domain.execute(request.user, lookup))

    @get(
        "/status",
        operation_id="getCampaignStatusByDomain",
        responses=READ_ERRORS,
        description="`{id, status}` of the campaign at a domain.",
    )
    async def status_by_domain(
        self,
        request: AuthedRequest,
        get_campaign_by_domain: NamedDependency[GetCampaignByDomain],
        domain: FromQuery[str],
    ) -> CampaignStatusView:
        campaign = await get_campaign_by_domain.status(request.user, domain)
        return CampaignStatusView(id=campaign.id, status=campaign.status)

    @post("/", operation_id="createCampaign", responses=WRITE_ERRORS, description=getdoc(CreateCampaign))
    async def create(
        self, request: AuthedRequest, create_campaign: NamedDependency[CreateCampaign], data: JSONBody[CampaignInput]
    ) -> Response[CampaignView]:
        return _created_response(await create_campaign.execute(request.user, _document(data)))

    @post(
        "/refresh",
        operation_id="refreshCampaigns",
        responses=SUPREME_ERRORS,
        description=getdoc(RefreshLifecycle),
        status_code=200,
    )
    async def refresh(
        self,
        request: AuthedRequest,
        refresh_lifecycle: NamedDependency[RefreshLifecycle],
        metrics: NamedDependency[Metrics],
        dry_run: Annotated[bool, QueryParameter(name="dryRun")] = False,
    ) -> RefreshView:
        request.user.ensure_supreme()
        report = await refresh_lifecycle.execute(dry_run=dry_run)
        metrics.record_refresh(report)
        return refresh_view(report)

    @get("/list", operation_id="listCampaigns", responses=QUERY_ERRORS, description=getdoc(ListCampaigns))
    async def list_campaigns(  # noqa: PLR0913, PLR0917 - one parameter per legacy query name
        self,
        request: AuthedRequest,
        list_campaigns: NamedDependency[ListCampaigns],
        q: FromQuery[str | None] = None,
        type_: Annotated[CampaignType | None, QueryParameter(name="type")] = None,
        version: Annotated[str | None, QueryParameter(pattern=r"^v?[12]$")] = None,
        artist_id: Annotated[str | None, QueryParameter(name="artistId")] = None,
        status: FromQuery[Status | None] = None,
        sort_by: Annotated[CampaignSort, QueryParameter(name="sortBy")] = CampaignSort.CREATED,
        sort_direction: Annotated[SortDirection, QueryParameter(name="sortDirection")] = SortDirection.DESC,
        page: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
        page_size: Annotated[int, QueryParameter(name="pageSize", ge=1, le=100)] = 10,
    ) -> CampaignListView:
        query = CampaignQuery(
            text=q,
            type=type_,
            schema_version=version.removeprefix("v") if version else None,
            artist_id=artist_id,
            status=status,
            sort_by=sort_by,
            direction=sort_direction,
            page=page,
            page_size=page_size,
        )
        return campaign_list_view(await list_campaigns.execute(request.user, query), page, page_size)

    @get(
        "/events",
        operation_id="findCampaignsForEvent",
        responses=QUERY_ERRORS,
        description=getdoc(FindCampaignsForEvent),
    )
    async def for_event(
        self,
        find_campaigns_for_event: NamedDependency[FindCampaignsForEvent],
        event_id: Annotated[str, QueryParameter(name="eventId", min_length=1)],
    ) -> list[CampaignView]:
        return [campaign_view(c) for c in await find_campaigns_for_event.execute(event_id)]

    @get(
        "/eventIds",
        operation_id="findPresaleEventIds",
        responses=QUERY_ERRORS,
        description=getdoc(FindPresaleWindowIds),
    )
    async def event_ids(
        self,
        find_presale_window_ids: NamedDependency[FindPresaleWindowIds],
        start: Annotated[dt.datetime | None, QueryParameter(name="presaleQueryStartDate")] = None,
        end: Annotated[dt.datetime | None, QueryParameter(name="presaleQueryEndDate")] = None,
    ) -> list[str]:
        return await find_presale_window_ids.execute(PresaleIdKind.EVENT_IDS, _utc(start), _utc(end))

    @get(
        "/categoryIds",
        operation_id="findPresaleCategoryIds",
        responses=QUERY_ERRORS,
        description=getdoc(FindPresaleWindowIds),
    )
    async def category_ids(
        self,
        find_presale_window_ids: NamedDependency[FindPresaleWindowIds],
        start: Annotated[dt.datetime | None, QueryParameter(name="presaleQueryStartDate")] = None,
        end: Annotated[dt.datetime | None, QueryParameter(name="presaleQueryEndDate")] = None,
    ) -> list[str]:
        return await find_presale_window_ids.execute(PresaleIdKind.CATEGORY_IDS, _utc(start), _utc(end))

    @get(
        "/ids",
        operation_id="findCampaignIdsByCategory",
        responses=QUERY_ERRORS,
        description=getdoc(FindCampaignIdsByCategory),
    )
    async def ids_by_category(
        self,
        find_campaign_ids_by_category: NamedDependency[FindCampaignIdsByCategory],
        category_ids: Annotated[str, QueryParameter(name="categoryIds", min_length=1)],
    ) -> list[str]:
        wanted = [part.strip() for part in category_ids.split(",") if part.strip()]
        return await find_campaign_ids_by_category.execute(wanted)

    @get(
        "/{campaign_id:str}",
        operation_id="getCampaign",
        responses={**CAMPAIGN_OK, **READ_ERRORS},
        description=getdoc(GetCampaign),
    )
    async def get_one(
        self,
        request: AuthedRequest,
        get_campaign: NamedDependency[GetCampaign],
        campaign_id: FromPath[str],
    ) -> ASGIApp:
        return _rendered(request).response(await get_campaign.execute(request.user, campaign_id))

    @post(
        "/{campaign_id:str}",
        operation_id="updateCampaign",
        responses={**CAMPAIGN_OK, **WRITE_ERRORS},
        description=getdoc(UpdateCampaign),
        status_code=200,
    )
    async def update(
        self,
        request: AuthedRequest,
        update_campaign: NamedDependency[UpdateCampaign],
        campaign_id: FromPath[str],
        data: JSONBody[CampaignInput],
    ) -> ASGIApp:
        campaign = await update_campaign.execute(
            request.user, campaign_id, _document(data), if_match=_if_match(request)
        )
        return _rendered(request).response(campaign)

    @get(
        "/{campaign_id:str}/status",
        operation_id="getCampaignStatus",
        responses=READ_ERRORS,
        description="Status and its history.",
    )
    async def status(
        self, request: AuthedRequest, get_campaign: NamedDependency[GetCampaign], campaign_id: FromPath[str]
    ) -> CampaignStatusHistoryView:
        campaign = await get_campaign.execute(request.user, campaign_id)
        return CampaignStatusHistoryView(id=campaign.id, status=campaign.status, statusHistory=campaign.statusHistory)

    @get(
        "/{campaign_id:str}/faqs",
        operation_id="getCampaignFaqs",
        responses=READ_ERRORS,
        description="FAQs of one locale, by page.",
    )
    async def faqs(
        self,
        request: AuthedRequest,
        get_campaign: NamedDependency[GetCampaign],
        campaign_id: FromPath[str],
        locale: FromQuery[str | None] = None,
    ) -> FaqsView:
        campaign = await get_campaign.execute(request.user, campaign_id)
        return faqs_view(campaign, content_locale(campaign, locale))

    @post(
        "/{campaign_id:str}/faqs",
        operation_id="updateCampaignFaqs",
        responses=WRITE_ERRORS,
        status_code=200,
        description="Place FAQs.",
    )
    async def update_faqs(
        self,
        request: AuthedRequest,
        get_campaign: NamedDependency[GetCampaign],
        update_campaign: NamedDependency[UpdateCampaign],
        campaign_id: FromPath[str],
        data: JSONBody[FaqPlacementInput],
        locale: FromQuery[str | None] = None,
    ) -> FaqsView:
        chosen = content_locale(await get_campaign.execute(request.user, campaign_id), locale)
        campaign = await update_campaign.execute(
            request.user, campaign_id, {"faqs": _document(data)}, if_match=_if_match(request)
        )
        return faqs_view(campaign, chosen)

    @get(
        "/{campaign_id:str}/terms",
        operation_id="getCampaignTerms",
        responses=READ_ERRORS,
        description="Terms of one locale.",
    )
    async def terms(
        self,
        request: AuthedRequest,
        get_campaign: NamedDependency[GetCampaign],
        campaign_id: FromPath[str],
        locale: FromQuery[str | None] = None,
    ) -> TermsView:
        campaign = await get_campaign.execute(request.user, campaign_id)
        return terms_view(campaign, content_locale(campaign, locale))

    @post(
        "/{campaign_id:str}/terms",
        operation_id="updateCampaignTerms",
        responses=WRITE_ERRORS,
        status_code=200,
        description="Set terms.",
    )
    async def update_terms(
        self,
        request: AuthedRequest,
        get_campaign: NamedDependency[GetCampaign],
        update_campaign: NamedDependency[UpdateCampaign],
        campaign_id: FromPath[str],
        data: JSONBody[TermsInput],
        locale: FromQuery[str | None] = None,
    ) -> TermsView:
        current = await get_campaign.execute(request.user, campaign_id)
        chosen = content_locale(current, locale)
        campaign = await update_campaign.execute(
            request.user, campaign_id, terms_patch(current, chosen, data.terms), if_match=_if_match(request)
        )
        return terms_view(campaign, chosen)

    @get(
        "/{campaign_id:str}/contacts",
        operation_id="getCampaignContacts",
        responses=READ_ERRORS,
        description="Contacts of a campaign.",
    )
    async def contacts(
        self, request: AuthedRequest, get_campaign: NamedDependency[GetCampaign], campaign_id: FromPath[str]
    ) -> list[str | CampaignContactRef]:
        return (await get_campaign.execute(request.user, campaign_id)).contacts

    @post(
        "/{campaign_id:str}/contacts",
        operation_id="updateCampaignContacts",
        responses=WRITE_ERRORS,
        status_code=200,
        description="Replace contacts.",
    )
    async def update_contacts(
        self,
        request: AuthedRequest,
        update_campaign: NamedDependency[UpdateCampaign],
        campaign_id: FromPath[str],
        data: JSONBody[list[str | CampaignContactRef]],
    ) -> list[str | CampaignContactRef]:
        campaign = await update_campaign.execute(
            request.user, campaign_id, {"contacts": msgspec.to_builtins(data)}, if_match=_if_match(request)
        )
        return campaign.contacts


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """Query dates without an offset are read as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)
