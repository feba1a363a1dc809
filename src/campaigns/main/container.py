"""The composition root: the one place that knows which adapter stands behind each port.

It is made of one sub-container per concern (`campaigns.main.wiring`): the store, the caches,
security, Discovery, the event sinks, the use cases the HTTP handlers get, and the scheduled jobs.
Each declares what it needs as dependencies, and the root hands it the providers of the others,
so an override here (a test's clock) reaches every sub-container.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar, cast

from dependency_injector import containers, providers

from campaigns.adapters.local.clock import ObjectIdFactory, SystemClock
from campaigns.config import Settings
from campaigns.entrypoints.metrics import Metrics
from campaigns.main.wiring.caches import Caches
from campaigns.main.wiring.discovery import Discovery
from campaigns.main.wiring.jobs import Jobs
from campaigns.main.wiring.security import Security
from campaigns.main.wiring.sinks import Sinks
from campaigns.main.wiring.stores import STORES, Store
from campaigns.main.wiring.use_cases import UseCases

T = TypeVar("T")
C = TypeVar("C", bound=containers.Container)


def part(container: type[C], **dependencies: Any) -> C:
    """`container` as a part of the root, given `dependencies` from the other parts.

    Typed as the container it wraps, whose providers its attributes are: `Container.use_cases.get_campaign`
    is the `Singleton[GetCampaign]` of `UseCases`.
    """
    return cast(C, providers.Container(container, **dependencies))


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(ObjectIdFactory)
    metrics = providers.Singleton(Metrics)
    store = cast(Store, providers.DependenciesContainer())
    """One of `STORES`, chosen by `build_container`."""
    caches = part(Caches, settings=settings, metrics=metrics)
    security = part(Security, settings=settings, redis=caches.redis_primary)
    discovery = part(Discovery, settings=settings, redis=caches.redis_primary)
    events = part(Sinks, settings=settings, redis=caches.redis_primary, reads=store.reads)
    use_cases = part(
        UseCases,
        settings=settings,
        unit_of_work=store.unit_of_work,
        reads=store.reads,
        clock=clock,
        ids=ids,
        cache=caches.cache,
        lookup_cache=caches.lookup_cache,
        password_verifier=security.password_verifier,
        password_attempts=security.password_attempts,
        discovery_catalog=discovery.catalog,
        discovery_cache=discovery.cache,
    )
    jobs = part(
        Jobs,
        settings=settings,
        outbox=store.outbox,
        sinks=events.sinks,
        clock=clock,
        metrics=metrics,
        refresh_lifecycle=use_cases.refresh_lifecycle,
    )


def build_container(settings: Settings) -> Container:
    """The composition of `settings`'s profile (`init_resources()` opens it, `shutdown_resources()` closes it)."""
    container = Container(settings=settings)
    container.store.override(STORES[settings.store_kind](settings=container.settings, ids=container.ids))
    return container


@asynccontextmanager
async def opened(container: Container) -> AsyncIterator[Container]:
    """`container` with its resources open, closed on the way out: the one way every process opens them."""
    await container.init_resources()  # type: ignore[misc]
    try:
        yield container
    finally:
        await container.shutdown_resources()  # type: ignore[misc]


async def resolve(provider: providers.Provider[T]) -> T:
    """An instance from `provider`, awaiting it when it depends on an async resource (the store)."""
    value = provider()
    if inspect.isawaitable(value):
        return cast(T, await value)
    return value
