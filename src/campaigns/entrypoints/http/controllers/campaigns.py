"""Campaign routes: the fan-facing lookup by domain, search, create, update and lifecycle."""

from __future__ import annotations

import datetime as dt
from inspect import getdoc
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.types import ASGIApp

from campaigns.application.queries import CampaignQuery, CampaignSort, SortDirection
from campaigns.application.read_models import CampaignView, campaign_view
from campaigns.application.use_cases.create_campaign import CreateCampaign
from campaigns.application.use_cases.find_campaign_ids_by_category import FindCampaignIdsByCategory
from campaigns.application.use_cases.find_campaigns_for_event import FindCampaignsForEvent
from campaigns.application.use_cases.find_presale_window_ids import FindPresaleWindowIds, PresaleIdKind
from campaigns.application.use_cases.get_campaign import GetCampaign
from campaigns.application.use_cases.get_campaign_by_domain import DomainLookup, GetCampaignByDomain
from campaigns.application.use_cases.list_campaigns import ListCampaigns
from campaigns.application.use_cases.list_scheduled_transitions import Agenda, ListScheduledTransitions
from campaigns.application.use_cases.refresh_lifecycle import RefreshLifecycle
from campaigns.application.use_cases.update_campaign import UpdateCampaign
from campaigns.domain.campaign import Campaign, CampaignType, Status
from campaigns.domain.campaign_commands import CampaignInput
from campaigns.entrypoints.http import examples
from campaigns.entrypoints.http.controllers.campaign_views import (
    CampaignListView,
    CampaignStatusHistoryView,
    CampaignStatusView,
    RefreshView,
    campaign_list_view,
    refresh_view,
)
from campaigns.entrypoints.http.controllers.common import (
    CAMPAIGN_HEADERS,
    CAMPAIGN_OK,
    AuthedRequest,
    IfMatch,
    if_match,
    location_header,
    rendered,
    supreme_only,
)
from campaigns.entrypoints.http.examples import json_body
from campaigns.entrypoints.http.rendering import cache_headers, events_response
from campaigns.entrypoints.metrics import Metrics

_INSTANT = "An ISO-8601 instant (any offset) or a date (midnight UTC)."
PresaleQueryStart = Annotated[dt.datetime | None, QueryParameter(name="presaleQueryStartDate", description=_INSTANT)]
PresaleQueryEnd = Annotated[dt.datetime | None, QueryParameter(name="presaleQueryEndDate", description=_INSTANT)]
ViewLocale = Annotated[
    str | None,
    QueryParameter(
        name="locale",
        description="The content locale to show (any case); unknown or absent: the default locale.",
    ),
]
ShowAllLocales = Annotated[
    bool, QueryParameter(name="showAllLocales", description="Every locale, and no `currentLocale`.")
]


BY_DOMAIN = """Find the campaign a registration site shows.

- Any valid token may ask; OPEN and CLOSED campaigns are shown to everyone, other statuses only to
  callers who may read the campaign. To anyone else such a campaign is CAMPAIGN_NOT_FOUND, exactly
  as an unknown domain is: its existence does not leak.
- A campaign with a password also needs the matching `password` from callers without read access
  (401 INVALID_CAMPAIGN_PASSWORD; readers need none). A request without a password is no guess.
- Wrong guesses are limited per caller and domain: after 10 within 60 s, every password that caller
  sends for that domain, the right one too, is 429 TOO_MANY_ATTEMPTS until the window frees
  (`Retry-After` gives the seconds to wait). A right password never counts against the limit.
- `ETag` is the campaign's version, for the `If-Match` of an update."""

UPDATE = """Apply a partial update to a campaign.

- Needs `write` on the campaign (`admin` when the status changes); an ungranted campaign answers
  like a forbidden one, whether it exists or not.
- Objects merge deeply; arrays and scalars replace; `null` clears.
- Read-only fields a client echoes back from a read are ignored; a body read from a one-locale view
  (it carries `currentLocale`) merges its preference labels per locale.
- With `If-Match` (the `ETag` of a read), nothing is written unless that version is still current.
- The merged document is validated in full; a new domain must be free; the campaign as answered
  must still fit in a request body (413), so that it can be sent back.
- A status change follows the lifecycle rules and is recorded in `statusHistory`. Setting
  `date.open` or `date.close` to an instant at or before now is a status change too (the next
  scheduled refresh applies it), so it needs `admin`; a future one needs `write`.
- An update that changes nothing writes nothing.
- Answers the campaign in all its locales, with its new `ETag`."""

REFRESH = """Apply every lifecycle transition due now (with `dryRun=true`, only report them).

- Supreme users only. The scheduler runs this on its own; calling it applies what is due at once.
- A campaign whose open and close are both past opens and closes in the same run.
- A campaign someone else changes during the run is left to the next run: no transition is ever
  applied twice."""

SCHEDULE = """The scheduled status transitions that take effect between `from` and `to`, both included.

- Supreme users only.
- `from` defaults to now, `to` to 24 hours after `from`; `to` must not be before `from`, nor more
  than 31 days after it (400 INVALID_QUERY naming `to`).
- Worked out by the rules the scheduled refresh applies: a campaign that opens and then closes in
  the window is listed twice; one already overdue takes effect at the next refresh, so it is
  listed (with its past due instant) when the window starts at or before now.
- In the order they take effect, then by campaign id."""


def _created_response(campaign: Campaign) -> Response[CampaignView]:
    headers = {**cache_headers(campaign), "Location": f"/campaigns/{campaign.id}"}
    return Response(campaign_view(campaign), status_code=201, headers=headers)


class CampaignController(Controller):
    path = "/campaigns"
    tags = ["campaigns"]

    @get(
        "/",
        operation_id="getCampaignByDomain",
        summary="Find the campaign at a domain",
        description=BY_DOMAIN,
        responses=CAMPAIGN_OK,
        response_headers=CAMPAIGN_HEADERS,
    )
    async def by_domain(
        self,
        request: AuthedRequest,
        get_campaign_by_domain: NamedDependency[GetCampaignByDomain],
        domain: FromQuery[str],
        locale: ViewLocale = None,
        show_all_locales: ShowAllLocales = False,
        password: FromQuery[str | None] = None,
    ) -> ASGIApp:
        """The fan-facing hot path: answered with a response prepared once per campaign version and locale.

        Its hottest case never gets here: the fast lane (entrypoints/http/fast_lane.py, ADR 0014) sends
        the same prepared response before Litestar. A parameter, header or hook added here needs the
        lane checked too (tests/integration/http/test_fast_lane.py compares the two).
        """
        campaign = await get_campaign_by_domain.execute(request.user, DomainLookup(site=domain, password=password))
        return rendered(request).response(campaign, locale=locale, all_locales=show_all_locales)

    @get(
        "/status",
        operation_id="getCampaignStatusByDomain",
        summary="Read the status of the campaign at a domain",
        description="`{id, status}` of the campaign at a domain, under the rules of the lookup by domain "
        "(visibility, `password`, failed-guess limit).",
    )
    async def status_by_domain(
        self,
        request: AuthedRequest,
        get_campaign_by_domain: NamedDependency[GetCampaignByDomain],
        domain: FromQuery[str],
        password: FromQuery[str | None] = None,
    ) -> CampaignStatusView:
        campaign = await get_campaign_by_domain.status(request.user, domain, password)
        return CampaignStatusView(id=campaign.id, status=campaign.status)

    @post(
        "/",
        operation_id="createCampaign",
        summary="Create a campaign",
        description=getdoc(CreateCampaign),
        response_headers=[*CAMPAIGN_HEADERS, *location_header("/campaigns/5f1b2c3d4e5f6a7b8c9d0e1f")],
        response_description="The campaign created; `Location` is its path.",
    )
    async def create(
        self,
        request: AuthedRequest,
        create_campaign: NamedDependency[CreateCampaign],
        data: Annotated[CampaignInput, json_body(examples.CAMPAIGN, "A registration campaign")],
    ) -> Response[CampaignView]:
        return _created_response(await create_campaign.execute(request.user, data))

    @post(
        "/refresh",
        operation_id="refreshCampaigns",
        summary="Apply the due lifecycle transitions now",
        description=REFRESH,
        status_code=200,
        guards=[supreme_only],
    )
    async def refresh(
        self,
        refresh_lifecycle: NamedDependency[RefreshLifecycle],
        metrics: NamedDependency[Metrics],
        dry_run: Annotated[bool, QueryParameter(name="dryRun")] = False,
    ) -> RefreshView:
        report = await refresh_lifecycle.execute(dry_run=dry_run)
        metrics.record_refresh(report)
        return refresh_view(report)

    @get(
        "/schedule",
        operation_id="listScheduledTransitions",
        summary="The lifecycle agenda: transitions due in a window",
        description=SCHEDULE,
    )
    async def schedule(
        self,
        request: AuthedRequest,
        list_scheduled_transitions: NamedDependency[ListScheduledTransitions],
        start: Annotated[
            dt.datetime | None, QueryParameter(name="from", description=f"{_INSTANT} Default: now.")
        ] = None,
        end: Annotated[
            dt.datetime | None, QueryParameter(name="to", description=f"{_INSTANT} Default: 24 hours after `from`.")
        ] = None,
    ) -> Agenda:
        return await list_scheduled_transitions.execute(request.user, start, end)

    @get(
        "/list",
        operation_id="listCampaigns",
        summary="Search campaigns",
        description=getdoc(ListCampaigns),
    )
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
        summary="Find the campaigns linked to an event",
        responses={
            200: ResponseSpec(data_container=list[CampaignView], generate_examples=False, description="The campaigns."),
        },
        description=getdoc(FindCampaignsForEvent),
    )
    async def for_event(
        self,
        request: AuthedRequest,
        find_campaigns_for_event: NamedDependency[FindCampaignsForEvent],
        event_id: Annotated[str, QueryParameter(name="eventId", min_length=1)],
    ) -> ASGIApp:
        """Answered with a response prepared once per caller class while the answer is kept (see `get_one`)."""
        return events_response(request.user, await find_campaigns_for_event.execute(event_id))

    @get(
        "/eventIds",
        operation_id="findPresaleEventIds",
        summary="Event ids with a presale in a window",
        description=getdoc(FindPresaleWindowIds),
    )
    async def event_ids(
        self,
        find_presale_window_ids: NamedDependency[FindPresaleWindowIds],
        start: PresaleQueryStart = None,
        end: PresaleQueryEnd = None,
    ) -> list[str]:
        return await find_presale_window_ids.execute(PresaleIdKind.EVENT_IDS, start, end)

    @get(
        "/categoryIds",
        operation_id="findPresaleCategoryIds",
        summary="Category ids with a presale in a window",
        description=getdoc(FindPresaleWindowIds),
    )
    async def category_ids(
        self,
        find_presale_window_ids: NamedDependency[FindPresaleWindowIds],
        start: PresaleQueryStart = None,
        end: PresaleQueryEnd = None,
    ) -> list[str]:
        return await find_presale_window_ids.execute(PresaleIdKind.CATEGORY_IDS, start, end)

    @get(
        "/ids",
        operation_id="findCampaignIdsByCategory",
        summary="Campaign ids by category",
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
        summary="Read a campaign",
        responses=CAMPAIGN_OK,
        response_headers=CAMPAIGN_HEADERS,
        description=getdoc(GetCampaign),
    )
    async def get_one(
        self,
        request: AuthedRequest,
        get_campaign: NamedDependency[GetCampaign],
        campaign_id: FromPath[str],
        locale: ViewLocale = None,
        show_all_locales: ShowAllLocales = False,
    ) -> ASGIApp:
        """Answered with a response prepared once per campaign version and locale.

        Its hottest case, like that of the markets and of the campaigns for an event, never gets here:
        the fast lane (entrypoints/http/fast_lane.py) sends the same prepared response before Litestar.
        A parameter, header or hook added here needs the lane checked too
        (tests/integration/http/test_fast_lane.py compares the two).
        """
        campaign = await get_campaign.execute(request.user, campaign_id)
        return rendered(request).response(campaign, locale=locale, all_locales=show_all_locales)

    @post(
        "/{campaign_id:str}",
        operation_id="updateCampaign",
        summary="Update a campaign",
        responses=CAMPAIGN_OK,
        response_headers=CAMPAIGN_HEADERS,
        description=UPDATE,
        status_code=200,
    )
    async def update(
        self,
        request: AuthedRequest,
        update_campaign: NamedDependency[UpdateCampaign],
        campaign_id: FromPath[str],
        data: Annotated[CampaignInput, json_body(examples.CAMPAIGN_UPDATE, "Rename and close later")],
        expected_version: IfMatch = None,
    ) -> ASGIApp:
        campaign = await update_campaign.execute(request.user, campaign_id, data, if_match=if_match(expected_version))
        return rendered(request).response(campaign, locale=None, all_locales=True)

    @get(
        "/{campaign_id:str}/status",
        operation_id="getCampaignStatus",
        summary="Read a campaign's status and its history",
        description="Status and its history.",
    )
    async def status(
        self, request: AuthedRequest, get_campaign: NamedDependency[GetCampaign], campaign_id: FromPath[str]
    ) -> CampaignStatusHistoryView:
        campaign = await get_campaign.execute(request.user, campaign_id)
        return CampaignStatusHistoryView(id=campaign.id, status=campaign.status, statusHistory=campaign.statusHistory)
