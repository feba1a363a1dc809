"""The composition root: the one place that knows which adapter stands behind each port."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import os
import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol, TypeVar, cast

from dependency_injector import containers, providers

from campaigns.adapters import aws_clients
from campaigns.adapters.aws_clients import AwsConnection, AwsSession
from campaigns.adapters.dev_jwt_keys import DevKeyPair, read_public_key
from campaigns.adapters.fastly_cdn_purger import FastlyCdnPurger, fastly_http_client
from campaigns.adapters.httpx_discovery_catalog import HttpxDiscoveryCatalog, discovery_http_client
from campaigns.adapters.in_process_campaign_cache import InProcessCampaignCache
from campaigns.adapters.in_process_discovery_cache import InProcessDiscoveryCache
from campaigns.adapters.json_lines_event_sink import JsonLinesEventSink
from campaigns.adapters.kinesis_event_sink import KinesisEventSink
from campaigns.adapters.limits_attempt_limiter import LimitsAttemptLimiter
from campaigns.adapters.logging_cdn_purger import LoggingCdnPurger
from campaigns.adapters.mongo_store import (
    MongoDatabase,
    MongoOutboxStore,
    MongoStoreReader,
    MongoUnitOfWork,
    mongo_client,
)
from campaigns.adapters.redis_cache_invalidations import CacheInvalidationListener
from campaigns.adapters.redis_campaign_documents import RedisCampaignDocuments, RedisCampaignDocumentsSink
from campaigns.adapters.redis_connections import RedisHealth, redis_client
from campaigns.adapters.redis_discovery_cache import RedisDiscoveryCache
from campaigns.adapters.sqlite_store import (
    SqliteDatabase,
    SqliteOutboxStore,
    SqliteStoreReader,
    SqliteUnitOfWork,
    sqlite_database,
)
from campaigns.adapters.sqs_event_sink import DATA_PIPELINE_ROUTE, REFRESH_SELECTIONS_ROUTE, SqsEventSink
from campaigns.adapters.system_clock import ObjectIdFactory, SystemClock
from campaigns.adapters.thread_pool_password_verifier import ThreadPoolPasswordVerifier
from campaigns.adapters.tiered_campaign_cache import TieredCampaignCache
from campaigns.adapters.unconfigured_discovery_catalog import UnconfiguredDiscoveryCatalog
from campaigns.application.ports import EventSink, IdFactory, OutboxStore, StoreReader, UnitOfWorkFactory
from campaigns.application.use_cases.check_health import CheckHealth
from campaigns.application.use_cases.clone_markets import CloneMarkets
from campaigns.application.use_cases.create_campaign import CreateCampaign
from campaigns.application.use_cases.create_market import CreateMarket
from campaigns.application.use_cases.create_promoter import CreatePromoter
from campaigns.application.use_cases.delete_market import DeleteMarket
from campaigns.application.use_cases.delete_promoter import DeletePromoter
from campaigns.application.use_cases.find_campaign_ids_by_category import FindCampaignIdsByCategory
from campaigns.application.use_cases.find_campaigns_for_event import FindCampaignsForEvent
from campaigns.application.use_cases.find_presale_window_ids import FindPresaleWindowIds
from campaigns.application.use_cases.get_artist import GetArtist
from campaigns.application.use_cases.get_campaign import GetCampaign
from campaigns.application.use_cases.get_campaign_by_domain import GetCampaignByDomain
from campaigns.application.use_cases.get_market import GetMarket
from campaigns.application.use_cases.get_venue import GetVenue
from campaigns.application.use_cases.list_campaigns import ListCampaigns
from campaigns.application.use_cases.list_event_statuses import ListEventStatuses
from campaigns.application.use_cases.list_markets import ListMarkets
from campaigns.application.use_cases.list_notifiable_markets import ListNotifiableMarkets
from campaigns.application.use_cases.list_promoters import ListPromoters
from campaigns.application.use_cases.list_scheduled_transitions import ListScheduledTransitions
from campaigns.application.use_cases.list_upcoming_markets import ListUpcomingMarkets
from campaigns.application.use_cases.mark_markets_notified import MarkMarketsNotified
from campaigns.application.use_cases.purge_outbox import PurgeDeliveredOutbox
from campaigns.application.use_cases.refresh_lifecycle import RefreshLifecycle
from campaigns.application.use_cases.relay_outbox import RelayOutbox
from campaigns.application.use_cases.replay_outbox import ReplayOutbox
from campaigns.application.use_cases.schedule_market_notifications import ScheduleMarketNotifications
from campaigns.application.use_cases.search_artists import SearchArtists
from campaigns.application.use_cases.search_contacts import SearchContacts
from campaigns.application.use_cases.search_venues import SearchVenues
from campaigns.application.use_cases.update_campaign import UpdateCampaign
from campaigns.application.use_cases.update_campaign_contacts import UpdateCampaignContacts
from campaigns.application.use_cases.update_campaign_faqs import UpdateCampaignFaqs
from campaigns.application.use_cases.update_campaign_terms import UpdateCampaignTerms
from campaigns.application.use_cases.update_market import UpdateMarket
from campaigns.application.use_cases.update_promoter import UpdatePromoter
from campaigns.application.use_cases.upsert_event_status import UpsertEventStatus
from campaigns.config import Settings, StoreKind
from campaigns.entrypoints.http.auth import TokenVerifier
from campaigns.entrypoints.metrics import Metrics
from campaigns.entrypoints.scheduler import Scheduler

T = TypeVar("T")


def sqlite_units_of_work(database: SqliteDatabase, ids: IdFactory) -> UnitOfWorkFactory:
    return functools.partial(SqliteUnitOfWork, database, ids)


def mongo_units_of_work(database: MongoDatabase, ids: IdFactory) -> UnitOfWorkFactory:
    return functools.partial(MongoUnitOfWork, database, ids)


def jwt_public_key(settings: Settings) -> str:
    """The configured verification key, else the embedded profile's dev key (created on first use)."""
    if settings.jwt_public_key:
        return read_public_key(settings.jwt_public_key)
    return DevKeyPair(settings.dev_key_dir).ensure()


def discovery_mode(settings: Settings) -> str:
    """Which Discovery catalog stands behind the port: the API when a key is set, else one saying how to set it."""
    return "api" if settings.discovery_api_key else "unconfigured"


def json_lines_mode(settings: Settings) -> str:
    """The local file takes the stream while no AWS sink does, so the embedded profile shows every event."""
    aws = (settings.kinesis_stream, settings.data_pipeline_queue_url, settings.refresh_selections_queue_url)
    return "off" if any(aws) else "on"


def configured(setting: str | None) -> str:
    """`on` when the setting that names a sink's destination is set (the selector of each AWS sink), else `off`."""
    return "on" if setting else "off"


def aws_connection_of(settings: Settings) -> AwsConnection:
    """Where and how the AWS clients connect: `CAMPAIGNS_AWS_*`."""
    return AwsConnection(
        region=settings.aws_region,
        endpoint_url=settings.aws_endpoint_url,
        connect_timeout=settings.aws_connect_timeout_seconds,
        read_timeout=settings.aws_read_timeout_seconds,
    )


def sqs_wanted(settings: Settings) -> bool:
    return bool(settings.data_pipeline_queue_url or settings.refresh_selections_queue_url)


def redis_read_url(settings: Settings) -> str | None:
    """Where lookups read Redis: the replica when one is configured, else the primary (None: no Redis)."""
    return settings.redis_replica_url or settings.redis_url


def configured_sinks(*sinks: EventSink | None) -> list[EventSink]:
    return [sink for sink in sinks if sink is not None]


def relay_holder() -> str:
    """Names this process in the relay lease: host and pid for operators, a random part for uniqueness."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class StoreDatabase(Protocol):
    """What start-up and `campaigns db init` need of a store, whichever it is (the `database` resource)."""

    async def ping(self) -> None:
        """Raises DependencyUnavailable when the store does not answer."""

    async def supports_transactions(self) -> bool: ...

    async def check_indexes(self) -> list[str]:
        """The names of the tables and indexes the service needs that are missing."""

    async def ensure_indexes(self) -> list[str]:
        """Create what is missing (idempotent); the names created."""


class SqliteStore(containers.DeclarativeContainer):
    """The embedded profile's store: one SQLite file (`CAMPAIGNS_STORE=sqlite:///…`, the default)."""

    settings = providers.Dependency(instance_of=Settings)
    ids: providers.Dependency[IdFactory] = providers.Dependency()
    database = providers.Resource(sqlite_database, settings.provided.sqlite_path)
    unit_of_work = providers.Singleton(sqlite_units_of_work, database, ids)
    reads = providers.Singleton(SqliteStoreReader, database)
    outbox = providers.Singleton(SqliteOutboxStore, database)


class MongoStore(containers.DeclarativeContainer):
    """The production profile's store: a MongoDB replica set (`CAMPAIGNS_STORE=mongodb://…` or `mongodb+srv://…`)."""

    settings = providers.Dependency(instance_of=Settings)
    ids: providers.Dependency[IdFactory] = providers.Dependency()
    client = providers.Resource(
        mongo_client, settings.provided.mongo_url, timeout_seconds=settings.provided.mongo_timeout_seconds
    )
    database = providers.Singleton(MongoDatabase, client, settings.provided.mongo_database)
    unit_of_work = providers.Singleton(mongo_units_of_work, database, ids)
    reads = providers.Singleton(MongoStoreReader, database)
    outbox = providers.Singleton(MongoOutboxStore, database)


STORES: dict[StoreKind, type[containers.DeclarativeContainer]] = {"sqlite": SqliteStore, "mongo": MongoStore}
"""The store container behind each `Settings.store_kind`. Each provides the same names: `database` (the
resource, with `ping`, `supports_transactions`, `check_indexes` and `ensure_indexes`), `unit_of_work`,
`reads` and `outbox`. Only the chosen one is part of the container, so only its resources are opened."""


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(ObjectIdFactory)
    metrics = providers.Singleton(Metrics)
    store = providers.DependenciesContainer()
    """One of `STORES`, chosen by `build_container`."""
    database: providers.Provider[StoreDatabase] = store.database
    unit_of_work: providers.Provider[UnitOfWorkFactory] = store.unit_of_work
    outbox: providers.Provider[OutboxStore] = store.outbox
    cache = providers.Singleton(InProcessCampaignCache, ttl_seconds=settings.provided.cache_ttl_seconds)
    password_verifier = providers.Singleton(ThreadPoolPasswordVerifier)
    json_lines_sink = providers.Selector(
        providers.Callable(json_lines_mode, settings),
        on=providers.Singleton(JsonLinesEventSink, settings.provided.events_path),
        off=providers.Object(None),
    )
    aws_session = providers.Singleton(AwsSession)
    aws_connection = providers.Singleton(aws_connection_of, settings)
    kinesis_client = providers.Resource(
        aws_clients.kinesis_client,
        aws_session,
        aws_connection,
        enabled=providers.Callable(bool, settings.provided.kinesis_stream),
    )
    """Opened only while a stream is configured (else None); closed by `shutdown_resources()`."""
    sqs_client = providers.Resource(
        aws_clients.sqs_client, aws_session, aws_connection, enabled=providers.Callable(sqs_wanted, settings)
    )
    """One client for both queues, opened only while one is configured (else None)."""
    kinesis_sink = providers.Selector(
        providers.Callable(configured, settings.provided.kinesis_stream),
        on=providers.Singleton(KinesisEventSink, kinesis_client, settings.provided.kinesis_stream),
        off=providers.Object(None),
    )
    data_pipeline_sink = providers.Selector(
        providers.Callable(configured, settings.provided.data_pipeline_queue_url),
        on=providers.Singleton(
            SqsEventSink, sqs_client, settings.provided.data_pipeline_queue_url, route=DATA_PIPELINE_ROUTE
        ),
        off=providers.Object(None),
    )
    refresh_selections_sink = providers.Selector(
        providers.Callable(configured, settings.provided.refresh_selections_queue_url),
        on=providers.Singleton(
            SqsEventSink, sqs_client, settings.provided.refresh_selections_queue_url, route=REFRESH_SELECTIONS_ROUTE
        ),
        off=providers.Object(None),
    )
    redis_primary = providers.Resource(redis_client, settings.provided.redis_url)
    """The Redis primary (documents and Discovery answers are written there), None while `redis_url` is unset."""
    redis_replica = providers.Resource(redis_client, providers.Callable(redis_read_url, settings))
    """Where the lookup by domain reads documents: the replica, else the primary; None without Redis."""
    redis_documents_sink = providers.Selector(
        providers.Callable(configured, settings.provided.redis_url),
        on=providers.Singleton(RedisCampaignDocumentsSink, redis_primary, store.reads),
        off=providers.Object(None),
    )
    fastly_client = providers.Resource(
        fastly_http_client,
        settings.provided.fastly_api_url,
        enabled=providers.Callable(bool, settings.provided.fastly_service_id),
    )
    cdn_sink = providers.Selector(
        providers.Callable(configured, settings.provided.fastly_service_id),
        on=providers.Singleton(
            FastlyCdnPurger,
            fastly_client,
            service_id=settings.provided.fastly_service_id,
            api_key=settings.provided.fastly_api_key,
        ),
        off=providers.Singleton(LoggingCdnPurger),
    )
    """Fastly purges when a service is configured, else purges logged (`cdn-log`)."""
    sinks = providers.Callable(
        configured_sinks,
        json_lines_sink,
        kinesis_sink,
        data_pipeline_sink,
        refresh_selections_sink,
        redis_documents_sink,
        cdn_sink,
    )
    """Every sink the settings configure; each adapter's provider answers None when it is not configured."""
    token_verifier = providers.Singleton(
        TokenVerifier,
        providers.Callable(jwt_public_key, settings),
        issuer=settings.provided.jwt_issuer,
        audience=settings.provided.jwt_audience,
    )
    discovery_client = providers.Resource(
        discovery_http_client,
        settings.provided.discovery_url,
        connect_timeout=settings.provided.discovery_connect_timeout_seconds,
        read_timeout=settings.provided.discovery_read_timeout_seconds,
    )
    discovery_catalog = providers.Selector(
        providers.Callable(discovery_mode, settings),
        api=providers.Singleton(HttpxDiscoveryCatalog, discovery_client, api_key=settings.provided.discovery_api_key),
        unconfigured=providers.Singleton(UnconfiguredDiscoveryCatalog),
    )
    discovery_redis_health = providers.Singleton(RedisHealth, "discovery cache")
    lookup_redis_health = providers.Singleton(RedisHealth, "campaign documents")
    password_attempts_redis_health = providers.Singleton(RedisHealth, "password attempts")
    """Whether each use of Redis works now: one log line when it stops, one when it is back."""
    discovery_cache = providers.Selector(
        providers.Callable(configured, settings.provided.redis_url),
        on=providers.Singleton(
            RedisDiscoveryCache,
            redis_primary,
            ttl_seconds=settings.provided.discovery_cache_ttl_seconds,
            health=discovery_redis_health,
        ),
        off=providers.Singleton(InProcessDiscoveryCache, ttl_seconds=settings.provided.discovery_cache_ttl_seconds),
    )
    lookup_cache = providers.Selector(
        providers.Callable(configured, settings.provided.redis_url),
        on=providers.Singleton(
            TieredCampaignCache,
            cache,
            providers.Singleton(
                RedisCampaignDocuments,
                redis_replica,
                primary=redis_primary,
                health=lookup_redis_health,
                on_degraded=metrics.provided.redis_degraded.inc,
            ),
        ),
        off=cache,
    )
    """The lookup by domain's reads: in-process, then the Redis documents when Redis is configured."""
    password_attempts = providers.Singleton(
        LimitsAttemptLimiter, attempts=10, window_seconds=60, redis=redis_primary, health=password_attempts_redis_health
    )
    """Counted in Redis when it is configured (one count for the fleet), else in this process."""
    cache_invalidations = providers.Selector(
        providers.Callable(configured, settings.provided.redis_url),
        on=providers.Singleton(
            CacheInvalidationListener,
            redis_replica,
            cache,
            health=providers.Singleton(RedisHealth, "cache invalidations"),
        ),
        off=providers.Object(None),
    )
    """With Redis, what keeps this process's cache fresh after other processes' commits (an API process runs it)."""

    create_campaign = providers.Singleton(CreateCampaign, uow=unit_of_work, clock=clock, ids=ids)
    update_campaign = providers.Singleton(UpdateCampaign, uow=unit_of_work, clock=clock, ids=ids, cache=lookup_cache)
    reads: providers.Provider[StoreReader] = store.reads
    update_campaign_faqs = providers.Singleton(
        UpdateCampaignFaqs, uow=unit_of_work, clock=clock, ids=ids, cache=lookup_cache
    )
    update_campaign_terms = providers.Singleton(
        UpdateCampaignTerms, uow=unit_of_work, clock=clock, ids=ids, cache=lookup_cache
    )
    update_campaign_contacts = providers.Singleton(
        UpdateCampaignContacts, uow=unit_of_work, clock=clock, ids=ids, cache=lookup_cache
    )
    list_promoters = providers.Singleton(ListPromoters, reads=reads)
    create_promoter = providers.Singleton(CreatePromoter, uow=unit_of_work, clock=clock, ids=ids)
    update_promoter = providers.Singleton(UpdatePromoter, uow=unit_of_work, clock=clock)
    delete_promoter = providers.Singleton(DeletePromoter, uow=unit_of_work, clock=clock)
    search_contacts = providers.Singleton(SearchContacts, reads=reads)
    get_campaign = providers.Singleton(GetCampaign, reads=reads, prepared=cache)
    get_campaign_by_domain = providers.Singleton(
        GetCampaignByDomain,
        reads=reads,
        cache=lookup_cache,
        nearest_cache=cache,
        verifier=password_verifier,
        limiter=password_attempts,
        clock=clock,
        verified_ttl_seconds=settings.provided.cache_ttl_seconds,
    )
    list_campaigns = providers.Singleton(ListCampaigns, reads=reads)
    find_campaigns_for_event = providers.Singleton(FindCampaignsForEvent, reads=reads, prepared=cache)
    find_presale_window_ids = providers.Singleton(FindPresaleWindowIds, reads=reads)
    find_campaign_ids_by_category = providers.Singleton(FindCampaignIdsByCategory, reads=reads)
    refresh_lifecycle = providers.Singleton(RefreshLifecycle, uow=unit_of_work, clock=clock, cache=lookup_cache)
    check_health = providers.Singleton(CheckHealth, reads=reads)
    list_upcoming_markets = providers.Singleton(ListUpcomingMarkets, reads=reads, clock=clock)
    list_scheduled_transitions = providers.Singleton(ListScheduledTransitions, reads=reads, clock=clock)
    schedule_market_notifications = providers.Singleton(
        ScheduleMarketNotifications, uow=unit_of_work, clock=clock, cache=lookup_cache
    )
    list_notifiable_markets = providers.Singleton(ListNotifiableMarkets, reads=reads, clock=clock)
    mark_markets_notified = providers.Singleton(MarkMarketsNotified, uow=unit_of_work, clock=clock, cache=lookup_cache)
    list_event_statuses = providers.Singleton(ListEventStatuses, reads=reads)
    upsert_event_status = providers.Singleton(UpsertEventStatus, uow=unit_of_work)
    list_markets = providers.Singleton(ListMarkets, reads=reads, prepared=cache)
    get_market = providers.Singleton(GetMarket, reads=reads)
    create_market = providers.Singleton(CreateMarket, uow=unit_of_work, clock=clock, ids=ids, cache=lookup_cache)
    update_market = providers.Singleton(UpdateMarket, uow=unit_of_work, clock=clock, cache=lookup_cache)
    delete_market = providers.Singleton(DeleteMarket, uow=unit_of_work, clock=clock, cache=lookup_cache)
    clone_markets = providers.Singleton(CloneMarkets, uow=unit_of_work, clock=clock, ids=ids, cache=lookup_cache)
    search_artists = providers.Singleton(SearchArtists, catalog=discovery_catalog, cache=discovery_cache)
    search_venues = providers.Singleton(SearchVenues, catalog=discovery_catalog, cache=discovery_cache)
    get_artist = providers.Singleton(
        GetArtist,
        catalog=discovery_catalog,
        cache=discovery_cache,
        not_found_ttl_seconds=settings.provided.discovery_not_found_ttl_seconds,
    )
    get_venue = providers.Singleton(
        GetVenue,
        catalog=discovery_catalog,
        cache=discovery_cache,
        not_found_ttl_seconds=settings.provided.discovery_not_found_ttl_seconds,
    )
    relay_outbox = providers.Singleton(
        RelayOutbox, outbox=outbox, sinks=sinks, clock=clock, holder=providers.Callable(relay_holder)
    )
    replay_outbox = providers.Singleton(ReplayOutbox, outbox=outbox, sinks=sinks)
    purge_outbox = providers.Singleton(
        PurgeDeliveredOutbox,
        outbox=outbox,
        sinks=sinks,
        clock=clock,
        retention=providers.Callable(dt.timedelta, hours=settings.provided.outbox_retention_hours),
    )

    scheduler = providers.Singleton(
        Scheduler,
        refresh=refresh_lifecycle,
        relay=relay_outbox,
        purge=purge_outbox,
        outbox=outbox,
        metrics=metrics,
        clock=clock,
        tick_seconds=settings.provided.tick_seconds,
        relay_seconds=settings.provided.relay_seconds,
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
