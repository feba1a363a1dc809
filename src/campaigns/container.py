"""The composition root: the one place that knows which adapter stands behind each port."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dependency_injector import containers, providers

from campaigns.adapters.dev_jwt_keys import DevKeyPair, read_public_key
from campaigns.adapters.in_process_campaign_cache import InProcessCampaignCache
from campaigns.adapters.json_lines_event_sink import JsonLinesEventSink
from campaigns.adapters.sqlite_store import SqliteDatabase, SqliteOutboxStore, SqliteUnitOfWork
from campaigns.adapters.system_clock import ObjectIdFactory, SystemClock
from campaigns.application.use_cases.create_campaign import CreateCampaign
from campaigns.application.use_cases.find_campaign_ids_by_category import FindCampaignIdsByCategory
from campaigns.application.use_cases.find_campaigns_for_event import FindCampaignsForEvent
from campaigns.application.use_cases.find_presale_window_ids import FindPresaleWindowIds
from campaigns.application.use_cases.get_campaign import GetCampaign
from campaigns.application.use_cases.get_campaign_by_domain import GetCampaignByDomain
from campaigns.application.use_cases.list_campaigns import ListCampaigns
from campaigns.application.use_cases.refresh_lifecycle import RefreshLifecycle
from campaigns.application.use_cases.relay_outbox import RelayOutbox
from campaigns.application.use_cases.update_campaign import UpdateCampaign
from campaigns.config import Settings
from campaigns.entrypoints.http.auth import TokenVerifier
from campaigns.entrypoints.http.observability import Metrics
from campaigns.entrypoints.scheduler import Scheduler


async def sqlite_database(settings: Settings) -> AsyncIterator[SqliteDatabase]:
    database = SqliteDatabase(settings.sqlite_path)
    await database.open()
    try:
        yield database
    finally:
        await database.close()


def jwt_public_key(settings: Settings) -> str:
    """The configured verification key, else the embedded profile's dev key (created on first use)."""
    if settings.jwt_public_key:
        return read_public_key(settings.jwt_public_key)
    return DevKeyPair(settings.dev_key_dir).ensure()


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(ObjectIdFactory)
    metrics = providers.Singleton(Metrics)
    database = providers.Resource(sqlite_database, settings=settings)
    unit_of_work = providers.Factory(SqliteUnitOfWork, database, ids=ids)
    outbox = providers.Singleton(SqliteOutboxStore, database)
    cache = providers.Singleton(InProcessCampaignCache, ttl_seconds=settings.provided.cache_ttl_seconds)
    sinks = providers.List(providers.Singleton(JsonLinesEventSink, settings.provided.events_path))
    token_verifier = providers.Singleton(
        TokenVerifier,
        providers.Callable(jwt_public_key, settings),
        issuer=settings.provided.jwt_issuer,
        audience=settings.provided.jwt_audience,
    )

    create_campaign = providers.Singleton(CreateCampaign, uow=unit_of_work.provider, clock=clock, ids=ids)
    update_campaign = providers.Singleton(UpdateCampaign, uow=unit_of_work.provider, clock=clock, ids=ids, cache=cache)
    get_campaign = providers.Singleton(GetCampaign, uow=unit_of_work.provider)
    get_campaign_by_domain = providers.Singleton(GetCampaignByDomain, uow=unit_of_work.provider, cache=cache)
    list_campaigns = providers.Singleton(ListCampaigns, uow=unit_of_work.provider)
    find_campaigns_for_event = providers.Singleton(FindCampaignsForEvent, uow=unit_of_work.provider)
    find_presale_window_ids = providers.Singleton(FindPresaleWindowIds, uow=unit_of_work.provider)
    find_campaign_ids_by_category = providers.Singleton(FindCampaignIdsByCategory, uow=unit_of_work.provider)
    refresh_lifecycle = providers.Singleton(RefreshLifecycle, uow=unit_of_work.provider, clock=clock, cache=cache)
    relay_outbox = providers.Singleton(RelayOutbox, outbox=outbox, sinks=sinks)

    scheduler = providers.Singleton(
        Scheduler,
        refresh=refresh_lifecycle,
        relay=relay_outbox,
        outbox=outbox,
        clock=clock,
        metrics=metrics,
        tick_seconds=settings.provided.tick_seconds,
        relay_seconds=settings.provided.relay_seconds,
    )


def build_container(settings: Settings) -> Container:
    return Container(settings=settings)
