"""Assemble the Litestar application: routes, middleware, error mapping, OpenAPI."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from importlib.metadata import version
from typing import Any

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.router import Router
from litestar.types import ASGIApp

from campaigns.domain.documents import MAX_DOCUMENT_BYTES
from campaigns.entrypoints.http.auth import AuthenticationMiddleware, TokenVerifier
from campaigns.entrypoints.http.body_deadline import BodyDeadline
from campaigns.entrypoints.http.controllers import PUBLIC_ROUTE_HANDLERS, ROUTE_HANDLERS
from campaigns.entrypoints.http.documentation import document_operations
from campaigns.entrypoints.http.errors import handle_exception
from campaigns.entrypoints.http.fast_lane import LOOKUP_PATH, FastLane
from campaigns.entrypoints.http.inputs import screen_input
from campaigns.entrypoints.http.observability import RequestContextMiddleware
from campaigns.entrypoints.http.openapi import COMPONENTS, SCHEMA_PATH, SECURITY, OfflineSwaggerRenderPlugin
from campaigns.entrypoints.http.rendering import RenderedCampaigns
from campaigns.entrypoints.metrics import Metrics


def _provide(services: Mapping[str, Any], name: str) -> Provide:
    """Handlers get instances resolved once at start-up: no container work per request."""

    def dependency() -> Any:
        return services[name]

    return Provide(dependency, use_cache=True, sync_to_thread=False)


def create_app(
    *,
    services: Mapping[str, Any],
    service_names: Collection[str],
    metrics: Metrics,
    verifier: TokenVerifier,
    body_timeout_seconds: float,
    log_requests: bool = True,
    lifespan: Sequence[Callable[[Litestar], AbstractAsyncContextManager[None]]] = (),
    fast_lane: bool = True,
) -> ASGIApp:
    """The API. `services` maps handler parameter names to instances; it may be filled by `lifespan`.

    `service_names` are the names it will hold (`metrics` aside): each handler's named dependency
    must be one of them, or Litestar refuses to build the app, so a name that changes on one side
    only fails here, at start.

    The request context and authentication wrap the whole Litestar app rather than its routes, so
    every answer, an unrouted 404 included, is measured, logged, correlated and authenticated alike.
    Behind them, unless `fast_lane` is off, the hot cases of the lookup by domain and of the reads by
    id and by event are answered before Litestar (entrypoints/http/fast_lane.py) with the very
    response the route would send.
    A body that has not arrived `body_timeout_seconds` after its request started is answered 408.
    """
    rendered = RenderedCampaigns()
    dependencies = {name: _provide(services, name) for name in (*service_names, "metrics")}
    api = Litestar(
        route_handlers=[*PUBLIC_ROUTE_HANDLERS, Router("/", route_handlers=ROUTE_HANDLERS, security=SECURITY)],
        state=State({"rendered_campaigns": rendered}),
        dependencies=dependencies,
        exception_handlers={Exception: handle_exception},
        before_request=screen_input,
        request_max_body_size=MAX_DOCUMENT_BYTES,
        lifespan=list(lifespan),
        openapi_config=OpenAPIConfig(
            title="campaigns",
            version=version("campaigns"),
            description="Presale campaigns: configuration, lifecycle, permissions and event mappings.",
            path=SCHEMA_PATH,
            render_plugins=[OfflineSwaggerRenderPlugin()],
            components=COMPONENTS,
        ),
        logging_config=None,
    )
    document_operations(api)
    timed = BodyDeadline(api, timeout_seconds=body_timeout_seconds)
    routed: ASGIApp = FastLane(timed, api, services, rendered, _names_under(api, LOOKUP_PATH)) if fast_lane else timed
    return RequestContextMiddleware(AuthenticationMiddleware(routed, verifier), metrics, log_requests=log_requests)


def _names_under(api: Litestar, prefix: str) -> set[str]:
    """The fixed names of the app's routes one segment under `prefix` (`/campaigns/list`: `list`)."""
    return {
        route.path.removeprefix(f"{prefix}/")
        for route in api.routes
        if route.path.startswith(f"{prefix}/")
        and route.path.count("/") == prefix.count("/") + 1
        and "{" not in route.path
    }
