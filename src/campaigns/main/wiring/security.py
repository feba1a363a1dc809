"""Who the caller is (bearer tokens) and what guards campaign passwords."""

from __future__ import annotations

from dependency_injector import containers, providers
from redis.asyncio import Redis

from campaigns.adapters.local.dev_jwt_keys import DevKeyPair, read_public_key
from campaigns.adapters.local.password_verifier import ThreadPoolPasswordVerifier
from campaigns.adapters.redis.attempt_limiter import LimitsAttemptLimiter
from campaigns.adapters.redis.connections import RedisHealth
from campaigns.config import Settings
from campaigns.entrypoints.http.auth import TokenVerifier


def jwt_public_key(settings: Settings) -> str:
    """The configured verification key, else the embedded profile's dev key (created on first use)."""
    if settings.jwt_public_key:
        return read_public_key(settings.jwt_public_key)
    return DevKeyPair(settings.dev_key_dir).ensure()


class Security(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    redis: providers.Dependency[Redis | None] = providers.Dependency()
    """The Redis primary, or None without Redis."""

    token_verifier = providers.Singleton(
        TokenVerifier,
        providers.Callable(jwt_public_key, settings),
        issuer=settings.provided.jwt_issuer,
        audience=settings.provided.jwt_audience,
    )
    password_verifier = providers.Singleton(ThreadPoolPasswordVerifier)
    password_attempts_redis_health = providers.Singleton(RedisHealth, "password attempts")
    password_attempts = providers.Singleton(
        LimitsAttemptLimiter, attempts=10, window_seconds=60, redis=redis, health=password_attempts_redis_health
    )
    """Counted in Redis when it is configured (one count for the fleet), else in this process."""
