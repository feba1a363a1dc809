"""The lookup by domain through Redis: the replica first, the store behind it, and never a 5xx when Redis is down."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
import structlog
from dependency_injector import providers

from campaigns.adapters.local.clock import FixedClock
from campaigns.adapters.redis.connections import RedisHealth
from campaigns.application.read_models import public_document
from campaigns.domain.campaign import Campaign, CampaignDomain, Status
from campaigns.main.container import Container
from tests.bootstrap import START
from tests.integration.http.support import bearer, valid_campaign_body
from tests.integration.redis.servers import RedisPair, RedisServer, redis_server
from tests.integration.redis.service import Service, service

pytestmark = pytest.mark.integration

PASSWORD = "s3cret!"


def only_in_redis(site: str, name: str) -> Campaign:
    """An open campaign the store has never seen: a lookup can only find it in Redis."""
    return Campaign(id="f" * 24, name=name, status=Status.OPEN, domain=CampaignDomain(site=site), version=3)


def store_in(client: redis.Redis, item: Campaign) -> None:
    assert item.site is not None
    client.set(f"campaign:domain:{item.site}", public_document(item))


async def lookup(app: Service, site: str, **params: str) -> httpx.Response:
    fan = bearer(app.api.tokens.mint({"userId": "fan", "supreme": False}))
    return await app.client.get("/campaigns", params={"domain": site, **params}, headers=fan)


async def test_a_document_written_on_the_primary_is_served_once_replicated(
    app: Service, servers: RedisPair, primary: redis.Redis
) -> None:
    store_in(primary, only_in_redis("from-redis", "Replicated"))
    servers.replicated()

    response = await lookup(app, "from-redis")

    assert response.status_code == 200, response.text
    assert (response.json()["id"], response.json()["name"]) == ("f" * 24, "Replicated")
    assert response.headers["surrogate-key"].split() == [f"campaign-{'f' * 24}", "domain-from-redis"]


@pytest.fixture
def writable_replica(replica: redis.Redis) -> Iterator[redis.Redis]:
    replica.config_set("replica-read-only", "no")
    yield replica
    replica.config_set("replica-read-only", "yes")


async def test_lookups_read_the_replica_not_the_primary(app: Service, writable_replica: redis.Redis) -> None:
    store_in(writable_replica, only_in_redis("replica-only", "On the replica"))

    response = await lookup(app, "replica-only")

    assert response.status_code == 200, response.text
    assert response.json()["name"] == "On the replica"


async def test_a_domain_missing_from_redis_is_read_from_the_store(app: Service) -> None:
    created = await app.api.create(valid_campaign_body("store-only"))
    await app.api.update(created["id"], {"status": "OPEN"})

    response = await lookup(app, "store-only")

    assert response.status_code == 200, response.text
    assert response.json()["id"] == created["id"]


async def test_a_protected_campaign_in_redis_still_needs_its_password(app: Service, primary: redis.Redis) -> None:
    created = await app.api.create(valid_campaign_body("protected", password=PASSWORD))
    await app.api.update(created["id"], {"status": "OPEN"})
    app.deliver("redis")
    assert json.loads(primary.get("campaign:domain:protected") or b"{}")["hasPassword"] is True

    without = await lookup(app, "protected")
    right = await lookup(app, "protected", password=PASSWORD)

    assert without.status_code == 401, without.text
    assert without.json()["code"] == "INVALID_CAMPAIGN_PASSWORD"
    assert right.status_code == 200, right.text


async def test_a_change_is_never_answered_from_the_document_before_it_while_the_sink_lags(
    app: Service, servers: RedisPair, primary: redis.Redis
) -> None:
    created = await app.api.create(valid_campaign_body("lagging"))
    await app.api.update(created["id"], {"status": "OPEN"})
    app.deliver("redis")
    servers.replicated()
    assert (await lookup(app, "lagging")).status_code == 200

    await app.api.update(created["id"], {"password": PASSWORD})  # committed; the redis sink has not run
    servers.replicated()

    assert primary.get("campaign:domain:lagging") is None, "evicted at commit"
    answer = await lookup(app, "lagging")
    assert answer.status_code == 401, "read from the store: the new password applies at once"
    app.deliver("redis")
    assert json.loads(primary.get("campaign:domain:lagging") or b"{}")["hasPassword"] is True


async def test_a_document_left_under_a_site_its_campaign_no_longer_holds_is_a_miss(
    app: Service, primary: redis.Redis
) -> None:
    moved = only_in_redis("elsewhere", "Moved away")
    primary.set("campaign:domain:old-site", public_document(moved))

    response = await lookup(app, "old-site")

    assert response.status_code == 404, response.text


# --------------------------------------------------------------------------- Redis down


@pytest.fixture
def lone_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A primary of this test's own, which the test stops and restarts."""
    with redis_server(tmp_path / "redis") as server:
        yield server


RECOVERED_WITHIN_LOOKUPS = 20


def retry_at_once(container: Container) -> None:
    """Ask Redis again on every lookup (the default waits a second after a failure)."""
    container.caches.lookup_redis_health.override(providers.Object(RedisHealth("campaign documents", retry_seconds=0)))


async def test_with_redis_down_lookups_come_from_the_store_counted_and_recover(
    tmp_path: Path, lone_server: RedisServer
) -> None:
    async with service(tmp_path / "data", FixedClock(START), retry_at_once, redis_url=lone_server.url) as app:
        created = await app.api.create(valid_campaign_body("outage"))
        await app.api.update(created["id"], {"status": "OPEN"})
        assert (await lookup(app, "outage")).status_code == 200
        assert app.degraded_lookups() == 0

        lone_server.stop()
        with structlog.testing.capture_logs() as logs:
            during = [await lookup(app, "outage") for _ in range(3)]

            lone_server.start()
            with lone_server.client() as client:
                store_in(client, only_in_redis("back-again", "Served by Redis"))
            # The first command after the restart may meet a pooled connection the outage left stale:
            # that lookup then reads the store (which has no "back-again"), counted like the others.
            from_the_store_after_restart = 0
            while (after := await lookup(app, "back-again")).status_code == 404:
                from_the_store_after_restart += 1
                assert from_the_store_after_restart < RECOVERED_WITHIN_LOOKUPS, "Redis never came back"

    assert [r.status_code for r in during] == [200, 200, 200]
    assert {r.json()["id"] for r in during} == {created["id"]}
    assert app.degraded_lookups() == 3 + from_the_store_after_restart
    assert after.status_code == 200, after.text
    assert after.json()["name"] == "Served by Redis"
    redis_lines = [line["event"] for line in logs if line["event"].startswith("redis ")]
    assert redis_lines == ["redis unavailable", "redis recovered"]
