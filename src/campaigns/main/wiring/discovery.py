"""The Discovery catalog (artists and venues) and the cache of its answers."""

from __future__ import annotations

from dependency_injector import containers, providers
from redis.asyncio import Redis

from campaigns.adapters.discovery.httpx_catalog import HttpxDiscoveryCatalog, discovery_http_client
from campaigns.adapters.discovery.unconfigured_catalog import UnconfiguredDiscoveryCatalog
from campaigns.adapters.local.discovery_cache import InProcessDiscoveryCache
from campaigns.adapters.redis.connections import RedisHealth
from campaigns.adapters.redis.discovery_cache import RedisDiscoveryCache
from campaigns.config import Settings
from campaigns.main.wiring.selectors import when_set


def discovery_mode(settings: Settings) -> str:
    """Which Discovery catalog stands behind the port: the API when a key is set, else one saying how to set it."""
    return "api" if settings.discovery_api_key else "unconfigured"


class Discovery(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    redis: providers.Dependency[Redis | None] = providers.Dependency()
    """The Redis primary, or None without Redis."""

    client = providers.Resource(
        discovery_http_client,
        settings.provided.discovery_url,
        connect_timeout=settings.provided.discovery_connect_timeout_seconds,
        read_timeout=settings.provided.discovery_read_timeout_seconds,
    )
    catalog = providers.Selector(
        providers.Callable(discovery_mode, settings),
        api=providers.Singleton(HttpxDiscoveryCatalog, client, api_key=settings.provided.discovery_api_key),
        unconfigured=providers.Singleton(UnconfiguredDiscoveryCatalog),
    )
    redis_health = providers.Singleton(RedisHealth, "discovery cache")
    """Whether the cache's Redis works now: one log line when it stops, one when it is back."""
    cache = when_set(
        settings.provided.redis_url,
        providers.Singleton(
            RedisDiscoveryCache, redis, ttl_seconds=settings.provided.discovery_cache_ttl_seconds, health=redis_health
        ),
        otherwise=providers.Singleton(
            InProcessDiscoveryCache, ttl_seconds=settings.provided.discovery_cache_ttl_seconds
        ),
    )
