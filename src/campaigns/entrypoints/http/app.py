"""Build the Litestar application from the container."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin

from campaigns.container import Container, resolve
from campaigns.entrypoints.http.auth import AuthenticationMiddleware
from campaigns.entrypoints.http.controllers import CampaignController
from campaigns.entrypoints.http.errors import handle_exception
from campaigns.entrypoints.http.observability import RequestContextMiddleware
from campaigns.entrypoints.http.system import SystemController

MAX_BODY_BYTES = 1024 * 1024


USE_CASES = (
    "create_campaign",
    "update_campaign",
    "get_campaign",
    "get_campaign_by_domain",
    "list_campaigns",
    "find_campaigns_for_event",
    "find_presale_window_ids",
    "find_campaign_ids_by_category",
    "refresh_lifecycle",
    "unit_of_work",
)


def _provide(resolved: dict[str, Any], name: str) -> Provide:
    """Handlers get instances resolved once at start-up: no container work per request."""

    def dependency() -> Any:
        return resolved[name]

    return Provide(dependency, use_cache=True, sync_to_thread=False)


def create_app(container: Container, *, run_scheduler: bool = False) -> Litestar:
    """The API; with `run_scheduler`, the lifecycle ticks and the outbox relays in this process too."""

    resolved: dict[str, Any] = {"metrics": container.metrics()}

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        await _awaited(container.init_resources)
        for name in USE_CASES:
            resolved[name] = await resolve(getattr(container, name))
        scheduler = await resolve(container.scheduler) if run_scheduler else None
        task = asyncio.create_task(scheduler.run()) if scheduler else None
        try:
            yield
        finally:
            if scheduler is not None and task is not None:
                scheduler.stop()
                await task
            await _awaited(container.shutdown_resources)

    dependencies = {name: _provide(resolved, name) for name in (*USE_CASES, "metrics")}
    return Litestar(
        route_handlers=[SystemController, CampaignController],
        dependencies=dependencies,
        middleware=[
            DefineMiddleware(RequestContextMiddleware, metrics=resolved["metrics"]),
            DefineMiddleware(AuthenticationMiddleware, verifier=container.token_verifier()),
        ],
        exception_handlers={Exception: handle_exception},
        request_max_body_size=MAX_BODY_BYTES,
        lifespan=[lifespan],
        openapi_config=OpenAPIConfig(
            title="campaigns",
            version="1.0.0",
            description="Presale campaigns: configuration, lifecycle, permissions and event mappings.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        logging_config=None,
    )


async def _awaited(call: Callable[[], Any]) -> None:
    result = call()
    if result is not None:
        await result
