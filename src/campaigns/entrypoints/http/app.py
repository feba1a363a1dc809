"""Assemble the Litestar application: routes, middleware, error mapping, OpenAPI."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.types import ASGIApp

from campaigns.entrypoints.http.auth import AuthenticationMiddleware, TokenVerifier
from campaigns.entrypoints.http.controllers import ROUTE_HANDLERS
from campaigns.entrypoints.http.errors import handle_exception
from campaigns.entrypoints.http.inputs import screen_input
from campaigns.entrypoints.http.observability import RequestContextMiddleware
from campaigns.entrypoints.http.rendering import RenderedCampaigns
from campaigns.entrypoints.metrics import Metrics

MAX_BODY_BYTES = 1024 * 1024


SERVICES = (
    "create_campaign",
    "update_campaign",
    "update_campaign_faqs",
    "update_campaign_terms",
    "update_campaign_contacts",
    "list_promoters",
    "create_promoter",
    "update_promoter",
    "delete_promoter",
    "search_contacts",
    "get_campaign",
    "get_campaign_by_domain",
    "list_campaigns",
    "find_campaigns_for_event",
    "find_presale_window_ids",
    "find_campaign_ids_by_category",
    "refresh_lifecycle",
    "check_health",
    "list_upcoming_markets",
    "schedule_market_notifications",
    "list_notifiable_markets",
    "mark_markets_notified",
    "list_event_statuses",
    "upsert_event_status",
    "list_markets",
    "get_market",
    "create_market",
    "update_market",
    "delete_market",
    "clone_markets",
    "search_artists",
    "search_venues",
)


def _provide(services: Mapping[str, Any], name: str) -> Provide:
    """Handlers get instances resolved once at start-up: no container work per request."""

    def dependency() -> Any:
        return services[name]

    return Provide(dependency, use_cache=True, sync_to_thread=False)


def create_app(
    *,
    services: Mapping[str, Any],
    metrics: Metrics,
    verifier: TokenVerifier,
    log_requests: bool = True,
    lifespan: Sequence[Callable[[Litestar], AbstractAsyncContextManager[None]]] = (),
) -> ASGIApp:
    """The API. `services` maps handler parameter names to instances; it may be filled by `lifespan`.

    The request context and authentication wrap the whole Litestar app rather than its routes, so
    every answer, an unrouted 404 included, is measured, logged, correlated and authenticated alike.
    """
    dependencies = {name: _provide(services, name) for name in (*SERVICES, "metrics")}
    api = Litestar(
        route_handlers=ROUTE_HANDLERS,
        state=State({"rendered_campaigns": RenderedCampaigns()}),
        dependencies=dependencies,
        exception_handlers={Exception: handle_exception},
        before_request=screen_input,
        request_max_body_size=MAX_BODY_BYTES,
        lifespan=list(lifespan),
        openapi_config=OpenAPIConfig(
            title="campaigns",
            version="1.0.0",
            description="Presale campaigns: configuration, lifecycle, permissions and event mappings.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        logging_config=None,
    )
    return RequestContextMiddleware(AuthenticationMiddleware(api, verifier), metrics, log_requests=log_requests)
