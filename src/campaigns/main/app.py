"""The HTTP application wired from the container."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.types import ASGIApp

from campaigns.entrypoints.http.app import create_app
from campaigns.entrypoints.scheduler import Scheduler
from campaigns.main.container import Container, resolve
from campaigns.main.wiring.use_cases import services_of


def create_app_from_container(container: Container, *, run_scheduler: bool = False) -> ASGIApp:
    """The API; with `run_scheduler`, the lifecycle ticks and the outbox relays in this process too.

    With Redis, the process also listens for other processes' committed changes (its cache stays fresh).
    """
    services: dict[str, Any] = {"metrics": container.metrics()}
    use_cases = services_of(container.use_cases)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        # A no-op under `campaigns serve`, which opened them already (cli/running.py); the tests' apps open them here.
        await _awaited(container.init_resources)
        for name, provider in use_cases.items():
            services[name] = await resolve(provider)
        scheduler = await _scheduler(container) if run_scheduler else None
        task = asyncio.create_task(scheduler.run()) if scheduler is not None else None
        listener = await resolve(container.caches.cache_invalidations)
        listening = asyncio.create_task(listener.run()) if listener is not None else None
        try:
            yield
        finally:
            if listening is not None:
                listening.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listening
            if scheduler is not None and task is not None:
                scheduler.stop()
                await task
            await _awaited(container.shutdown_resources)

    return create_app(
        services=services,
        service_names=use_cases,
        metrics=services["metrics"],
        verifier=container.security.token_verifier(),
        body_timeout_seconds=container.settings().http_body_timeout_seconds,
        log_requests=container.settings().log_level in {"DEBUG", "INFO"},
        lifespan=[lifespan],
    )


async def _scheduler(container: Container) -> Scheduler:
    return await resolve(container.jobs.scheduler)


async def _awaited(call: Callable[[], Any]) -> None:
    """dependency-injector returns an awaitable only when some resource is async."""
    result = call()
    if result is not None:
        await result
