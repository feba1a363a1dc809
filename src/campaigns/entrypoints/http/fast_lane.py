"""The fast lane of the fan-facing lookup: its hot case answered in front of Litestar (ADR 0014).

`GET /campaigns?domain=<site>` from a caller who may see a cached campaign without a password is the
service's hottest request, and Litestar's routing, parameter extraction, dependency resolution and
input screening cost more than everything the answer needs. `DomainLookupLane` sits behind the
request context and authentication middlewares (so correlation ids, access logs, metrics and 401s
are theirs, as for every request) and answers that case from the same prepared response the
Litestar route sends. Anything it is not sure of goes to Litestar untouched: another path, method
or `root_path`, a query it does not read exactly as Litestar does (any other or repeated
parameter, an empty value, percent-encoding, `password`), a host header Litestar refuses, a cache
miss, a campaign the caller may not see or that asks a password, or any failure while deciding.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

import structlog
from litestar._asgi.utils import is_valid_host
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from campaigns.application.use_cases.get_campaign_by_domain import GetCampaignByDomain
from campaigns.domain.errors import InvalidQuery
from campaigns.domain.permissions import Principal
from campaigns.entrypoints.http.inputs import query_flag
from campaigns.entrypoints.http.rendering import PreparedResponse, RenderedCampaigns

LOOKUP_PATH = "/campaigns"
"""The route's path, and the `path_template` Litestar gives it (the request metrics' route label)."""
USE_CASE = "get_campaign_by_domain"

_PLAIN_VALUE = re.compile(rb"[A-Za-z0-9._~-]+")
"""Query values that every query-string parser reads alike: no percent-encoding, `+`, `;` or emptiness."""

log = structlog.get_logger(__name__)


class LookupQuery(NamedTuple):
    """The lookup's query parameters, read only when Litestar and `screen_input` would read them the same way."""

    site: str
    locale: str | None
    all_locales: bool


def lookup_query(raw: bytes) -> LookupQuery | None:
    """`domain`, `locale` and `showAllLocales` from a query string, or None to leave it to Litestar.

    None for any other parameter (`password` included), a repeated one, a value that is empty or not
    plain (see `_PLAIN_VALUE`), a `showAllLocales` that `query_flag` refuses, or no `domain`.
    """
    site: str | None = None
    locale: str | None = None
    all_locales = False
    seen: set[bytes] = set()
    for pair in raw.split(b"&"):
        name, _, value = pair.partition(b"=")
        if name in seen or _PLAIN_VALUE.fullmatch(value) is None:
            return None
        seen.add(name)
        text = value.decode("ascii")
        if name == b"domain":
            site = text
        elif name == b"locale":
            locale = text
        elif name == b"showAllLocales":
            try:
                all_locales = query_flag("showAllLocales", text)
            except InvalidQuery:
                return None
        else:
            return None
    return None if site is None else LookupQuery(site, locale, all_locales)


class DomainLookupLane:
    """Answer the lookup's hot case from the prepared response; pass every other request to `app` (module docs).

    `services` is the mapping the app's handlers are resolved from (filled at start-up) and `rendered`
    the memo of prepared responses the Litestar route uses, so both lanes send the same bytes.
    """

    def __init__(self, app: ASGIApp, services: Mapping[str, Any], rendered: RenderedCampaigns) -> None:
        self._app = app
        self._services = services
        self._rendered = rendered

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == ScopeType.HTTP
            and scope["path"] == LOOKUP_PATH
            and scope["method"] == "GET"
            and not scope.get("root_path")
            and (prepared := await self._prepared(scope)) is not None
        ):
            scope["path_template"] = LOOKUP_PATH
            await prepared(scope, receive, send)
            return
        await self._app(scope, receive, send)

    async def _prepared(self, scope: Scope) -> PreparedResponse | None:
        """The response the route would send, when this lane can tell it for certain; else None."""
        try:
            principal = scope.get("user")
            use_case: GetCampaignByDomain | None = self._services.get(USE_CASE)
            query = lookup_query(scope["query_string"])
            if not isinstance(principal, Principal) or use_case is None or query is None or not _host_accepted(scope):
                return None
            campaign = await use_case.cached(principal, query.site)
            if campaign is None:
                return None
            return self._rendered.response(campaign, locale=query.locale, all_locales=query.all_locales)
        except Exception:  # Litestar answers instead, with its own error handling
            log.warning("fast_lane_fell_through", exc_info=True)
            return None


def _host_accepted(scope: Scope) -> bool:
    """Litestar refuses a malformed `Host` with a 400 before routing: such requests are left to it."""
    for name, value in scope["headers"]:
        if name == b"host":
            return is_valid_host(value)
    return True
