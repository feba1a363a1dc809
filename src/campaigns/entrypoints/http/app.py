"""Build the Litestar application from the container."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from dependency_injector import providers
from litestar import Litestar
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin

from campaigns.container import Container
from campaigns.entrypoints.http.auth import AuthenticationMiddleware
from campaigns.entrypoints.http.controllers import CampaignController
from campaigns.entrypoints.http.errors import handle_exception
from campaigns.entrypoints.http.observability import RequestContextMiddleware
from campaigns.entrypoints.http.system import SystemController

MAX_BODY_BYTES = 1024 * 1024


def _provide(provider: providers.Provider[Any]) -> Provide:
    """Resolve once and reuse: handlers never touch the container per request."""

    def dependency() -> Any:
        return provider()

    return Provide(dependency, use_cache=True, sync_to_thread=False)


def create_app(container: Container, *, run_scheduler: bool = False) -> Litestar:
    """The API; with `run_scheduler`, the lifecycle ticks and the outbox relays in this process too."""

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        await _awaited(container.init_resources)
        task = asyncio.create_task(container.scheduler().run()) if run_scheduler else None
        try:
            yield
        finally:
            if task is not None:
                container.scheduler().stop()
                await task
            await _awaited(container.shutdown_resources)

    use_cases = (
        "create_campaign",
        "update_campaign",
        "get_campaign",
        "get_campaign_by_domain",
        "list_campaigns",
        "find_campaigns_for_event",
        "find_presale_window_ids",
        "find_campaign_ids_by_category",
        "refresh_lifecycle",
        "metrics",
    )
    dependencies = {name: _provide(getattr(container, name)) for name in use_cases}
    dependencies["unit_of_work"] = Provide(
        lambda: container.unit_of_work.provider, use_cache=True, sync_to_thread=False
    )
    return Litestar(
        route_handlers=[SystemController, CampaignController],
        dependencies=dependencies,
        middleware=[
            DefineMiddleware(RequestContextMiddleware, metrics=container.metrics()),
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
