"""The Redis connections and the caches of campaigns: in this process, and in Redis when it is configured."""

from __future__ import annotations

from dependency_injector import containers, providers

from campaigns.adapters.local.campaign_cache import InProcessCampaignCache
from campaigns.adapters.local.tiered_campaign_cache import TieredCampaignCache
from campaigns.adapters.redis.cache_invalidations import CacheInvalidationListener
from campaigns.adapters.redis.campaign_documents import RedisCampaignDocuments
from campaigns.adapters.redis.connections import RedisHealth, redis_client
from campaigns.config import Settings
from campaigns.entrypoints.metrics import Metrics
from campaigns.main.wiring.selectors import when_set


def redis_read_url(settings: Settings) -> str | None:
    """Where lookups read Redis: the replica when one is configured, else the primary (None: no Redis)."""
    return settings.redis_replica_url or settings.redis_url


class Caches(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    metrics = providers.Dependency(instance_of=Metrics)

    redis_primary = providers.Resource(redis_client, settings.provided.redis_url)
    """The Redis primary (documents and Discovery answers are written there), None while `redis_url` is unset."""
    redis_replica = providers.Resource(redis_client, providers.Callable(redis_read_url, settings))
    """Where the lookup by domain reads documents: the replica, else the primary; None without Redis."""
    cache = providers.Singleton(InProcessCampaignCache, ttl_seconds=settings.provided.cache_ttl_seconds)
    lookup_redis_health = providers.Singleton(RedisHealth, "campaign documents")
    """Whether the lookup's Redis works now: one log line when it stops, one when it is back."""
    lookup_cache = when_set(
        settings.provided.redis_url,
        providers.Singleton(
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
        otherwise=cache,
    )
    """The lookup by domain's reads: in-process, then the Redis documents when Redis is configured."""
    cache_invalidations = when_set(
        settings.provided.redis_url,
        providers.Singleton(
            CacheInvalidationListener,
            redis_replica,
            cache,
            health=providers.Singleton(RedisHealth, "cache invalidations"),
        ),
    )
    """With Redis, what keeps this process's cache fresh after other processes' commits (an API process runs it)."""
