"""The fast lane of the hottest reads: their hot cases answered in front of Litestar.

`GET /campaigns?domain=<site>` from a caller who may see a cached campaign without a password is the
service's hottest request, and the reads internal services repeat (`GET /campaigns/{id}`,
`GET /campaigns/{id}/markets`, `GET /campaigns/events?eventId=`) come next; for all of them
Litestar's routing, parameter extraction, dependency resolution and input screening cost more than
everything the answer needs. `FastLane` sits behind the request context and authentication
middlewares (so correlation ids, access logs, metrics and 401s are theirs, as for every request) and
answers those cases from the same prepared response the Litestar route sends, after the use case's
own permission and visibility rules. Anything it is not sure of goes to Litestar untouched: another
path, method or `root_path`, a query it does not read exactly as Litestar does (any other or
repeated parameter, an empty value, percent-encoding, `password`), a host header Litestar refuses, a
cache miss, a campaign the caller may not see or that asks a password, or any failure while deciding.

The lane names each route it answers by reference to its handler (`LANE_ROUTES`) and checks, when
the app is built, that the handler is routed at the path the lane parses, declares every query
parameter the lane reads, and asks for the use case the lane calls, whose name the lane then uses:
a route or a dependency renamed on one side only stops the app at start, never the lane silently.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any, NamedTuple

import structlog
from litestar import Litestar
from litestar._asgi.utils import is_valid_host
from litestar.enums import ScopeType
from litestar.exceptions import ImproperlyConfiguredException
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, Receive, Scope, Send

from campaigns.application.use_cases.find_campaigns_for_event import FindCampaignsForEvent
from campaigns.application.use_cases.get_campaign import GetCampaign
from campaigns.application.use_cases.get_campaign_by_domain import GetCampaignByDomain
from campaigns.application.use_cases.list_markets import ListMarkets
from campaigns.domain.errors import InvalidQuery
from campaigns.domain.permissions import Principal
from campaigns.entrypoints.http.controllers.campaigns import CampaignController
from campaigns.entrypoints.http.controllers.markets import MarketController, markets_response
from campaigns.entrypoints.http.inputs import query_flag, route_inputs
from campaigns.entrypoints.http.rendering import PreparedResponse, RenderedCampaigns, events_response

LOOKUP_PATH = "/campaigns"
"""The lookup's path, and the `path_template` Litestar gives it (the request metrics' route label)."""
EVENTS_PATH = "/campaigns/events"
BY_ID_TEMPLATE = "/campaigns/{campaign_id}"
MARKETS_TEMPLATE = "/campaigns/{campaign_id}/markets"
"""The `path_template`s Litestar gives the routes by id."""

_PLAIN = re.compile(rb"[A-Za-z0-9._~-]+")
"""Query values and path segments that every parser reads alike: no percent-encoding, `+`, `;` or emptiness."""
_VIEW_NAMES = frozenset({b"locale", b"showAllLocales"})
_LOOKUP_NAMES = frozenset({b"domain", *_VIEW_NAMES})
_EVENT_NAMES = frozenset({b"eventId"})
"""The query parameters the lane reads, per route (any other one leaves the request to Litestar)."""

log = structlog.get_logger(__name__)


class LaneRoute(NamedTuple):
    """A route the lane answers: its handler, the path the lane parses, the query it reads, the use case it calls."""

    handler: HTTPRouteHandler
    template: str
    reads: frozenset[bytes]
    use_case: type


BY_DOMAIN = LaneRoute(CampaignController.by_domain, LOOKUP_PATH, _LOOKUP_NAMES, GetCampaignByDomain)
BY_ID = LaneRoute(CampaignController.get_one, BY_ID_TEMPLATE, _VIEW_NAMES, GetCampaign)
MARKETS = LaneRoute(MarketController.list_markets, MARKETS_TEMPLATE, frozenset(), ListMarkets)
FOR_EVENT = LaneRoute(CampaignController.for_event, EVENTS_PATH, _EVENT_NAMES, FindCampaignsForEvent)
LANE_ROUTES = (BY_DOMAIN, BY_ID, MARKETS, FOR_EVENT)


def service_name(api: Litestar, lane_route: LaneRoute) -> str:
    """The name `lane_route`'s handler gets its use case by, once its route is checked to be the one the lane reads.

    Raises:
        ImproperlyConfiguredException: the handler is not routed at the lane's path, lacks a query
            parameter the lane reads, or asks for no (or more than one) `use_case`.
    """
    function = lane_route.handler.fn
    named = f"fast lane: {function.__qualname__}"
    handler = next(
        (
            handler
            for route in api.routes
            if isinstance(route, HTTPRoute) and route.path_format == lane_route.template
            for handler in route.route_handlers
            if getattr(handler.fn, "__func__", handler.fn) is function  # a controller's handlers are bound
        ),
        None,
    )
    if handler is None:
        raise ImproperlyConfiguredException(f"{named} is not routed at {lane_route.template}")
    if missing := {name.decode() for name in lane_route.reads} - set(route_inputs(handler).query):
        raise ImproperlyConfiguredException(f"{named} has no query parameter {', '.join(sorted(missing))}")
    names = [
        name
        for name, parameter in handler.parsed_fn_signature.parameters.items()
        if parameter.annotation is lane_route.use_case
    ]
    if len(names) != 1:
        raise ImproperlyConfiguredException(f"{named} asks for {len(names)} {lane_route.use_case.__name__}, not 1")
    return names[0]


class LookupQuery(NamedTuple):
    """The lookup's query parameters, read only when Litestar and `screen_input` would read them the same way."""

    site: str
    locale: str | None
    all_locales: bool


class Answer(NamedTuple):
    template: str
    response: PreparedResponse


def plain_query(raw: bytes, names: Collection[bytes]) -> dict[bytes, str] | None:
    """The parameters of a query string by name, or None when one is not in `names`, repeated, empty or not plain."""
    found: dict[bytes, str] = {}
    if not raw:
        return found
    for pair in raw.split(b"&"):
        name, _, value = pair.partition(b"=")
        if name in found or name not in names or _PLAIN.fullmatch(value) is None:
            return None
        found[name] = value.decode("ascii")
    return found


def lookup_query(raw: bytes) -> LookupQuery | None:
    """`domain`, `locale` and `showAllLocales` from a query string, or None to leave it to Litestar.

    None for any other parameter (`password` included), a repeated one, a value that is empty or not
    plain (see `_PLAIN`), a `showAllLocales` that `query_flag` refuses, or no `domain`.
    """
    query = plain_query(raw, _LOOKUP_NAMES)
    if query is None or b"domain" not in query or (view := _view(query)) is None:
        return None
    return LookupQuery(query[b"domain"], *view)


def _view(query: Mapping[bytes, str]) -> tuple[str | None, bool] | None:
    """`locale` and `showAllLocales` as the routes read them, or None for a flag `query_flag` refuses."""
    try:
        all_locales = b"showAllLocales" in query and query_flag("showAllLocales", query[b"showAllLocales"])
    except InvalidQuery:
        return None
    return query.get(b"locale"), all_locales


class FastLane:
    """Answer the hot reads' cached cases from their prepared responses; pass the rest to `app` (module docs).

    `app` is what `api` is served behind, `services` the mapping the app's handlers are resolved
    from (filled at start-up), `rendered` the memo of prepared campaign responses the Litestar
    routes use, so both lanes send the same bytes, and `reserved` the names of Litestar's own routes
    under `/campaigns/` (`list`, `ids`...), which are never an id.

    Raises:
        ImproperlyConfiguredException: a route of `LANE_ROUTES` is not as the lane reads it (`service_name`).
    """

    def __init__(
        self,
        app: ASGIApp,
        api: Litestar,
        services: Mapping[str, Any],
        rendered: RenderedCampaigns,
        reserved: Collection[str],
    ) -> None:
        self._app = app
        self._services = services
        self._rendered = rendered
        self._reserved = frozenset(reserved)
        self._by_domain_service, self._by_id_service, self._markets_service, self._for_event_service = (
            service_name(api, lane_route) for lane_route in LANE_ROUTES
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == ScopeType.HTTP
            and scope["method"] == "GET"
            and scope["path"].startswith(LOOKUP_PATH)
            and not scope.get("root_path")
            and (answer := await self._prepared(scope)) is not None
        ):
            scope["path_template"] = answer.template
            await answer.response(scope, receive, send)
            return
        await self._app(scope, receive, send)

    async def _prepared(self, scope: Scope) -> Answer | None:  # noqa: PLR0911 - one return per route
        """The route and the response it would send, when this lane can tell them for certain; else None."""
        try:
            principal = scope.get("user")
            if not isinstance(principal, Principal) or not _host_accepted(scope):
                return None
            path: str = scope["path"]
            raw: bytes = scope["query_string"]
            if path == LOOKUP_PATH:
                return await self._by_domain(principal, raw)
            if path == EVENTS_PATH:
                return self._for_event(principal, raw)
            parts = path.split("/")  # ["", "campaigns", id] or ["", "campaigns", id, "markets"]
            if len(parts) not in {3, 4} or parts[1] != "campaigns" or not self._may_be_id(parts[2]):
                return None
            if len(parts) == 3:
                return self._by_id(principal, parts[2], raw)
            return self._markets(principal, parts[2], raw) if parts[3] == "markets" else None
        except Exception:  # Litestar answers instead, with its own error handling
            log.warning("fast_lane_fell_through", exc_info=True)
            return None

    def _may_be_id(self, segment: str) -> bool:
        return segment not in self._reserved and _PLAIN.fullmatch(segment.encode()) is not None

    async def _by_domain(self, principal: Principal, raw: bytes) -> Answer | None:
        use_case: GetCampaignByDomain | None = self._services.get(self._by_domain_service)
        if use_case is None or (query := lookup_query(raw)) is None:
            return None
        campaign = await use_case.cached(principal, query.site)
        if campaign is None:
            return None
        return Answer(
            LOOKUP_PATH, self._rendered.response(campaign, locale=query.locale, all_locales=query.all_locales)
        )

    def _by_id(self, principal: Principal, campaign_id: str, raw: bytes) -> Answer | None:
        use_case: GetCampaign | None = self._services.get(self._by_id_service)
        query = plain_query(raw, _VIEW_NAMES)
        if use_case is None or query is None or (view := _view(query)) is None:
            return None
        campaign = use_case.cached(principal, campaign_id)
        if campaign is None:
            return None
        locale, all_locales = view
        return Answer(BY_ID_TEMPLATE, self._rendered.response(campaign, locale=locale, all_locales=all_locales))

    def _markets(self, principal: Principal, campaign_id: str, raw: bytes) -> Answer | None:
        use_case: ListMarkets | None = self._services.get(self._markets_service)
        if use_case is None or raw or (markets := use_case.cached(principal, campaign_id)) is None:
            return None
        return Answer(MARKETS_TEMPLATE, markets_response(markets, geo_json=False))

    def _for_event(self, principal: Principal, raw: bytes) -> Answer | None:
        use_case: FindCampaignsForEvent | None = self._services.get(self._for_event_service)
        query = plain_query(raw, _EVENT_NAMES)
        if use_case is None or query is None or b"eventId" not in query:
            return None
        found = use_case.cached(query[b"eventId"])
        return None if found is None else Answer(EVENTS_PATH, events_response(principal, found))


def _host_accepted(scope: Scope) -> bool:
    """Litestar refuses a malformed `Host` with a 400 before routing: such requests are left to it.

    By Litestar's own rule, which it keeps private (the ADR on private framework APIs, and its test).
    """
    for name, value in scope["headers"]:
        if name == b"host":
            return is_valid_host(value)
    return True
