"""The `redis` sink against a real Redis: every campaign change leaves the API's exact document under both keys."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import msgspec
import pytest
import redis
from redis.asyncio import Redis as AsyncRedis

from campaigns.adapters.redis.campaign_documents import RedisCampaignDocumentsSink
from campaigns.application.errors import DependencyUnavailable
from campaigns.application.event_catalogue import ROUTES
from campaigns.application.outbox import OutboxEntry
from campaigns.application.read_models import public_document
from campaigns.domain.campaign import Campaign, CampaignDomain
from campaigns.domain.events import CampaignDomainReleased, CampaignUpdated
from tests.bootstrap import START
from tests.fakes.in_memory import InMemoryStore, InMemoryStoreReader
from tests.integration.http.support import event_types, valid_campaign_body
from tests.integration.processes import free_port
from tests.integration.redis.servers import RedisPair
from tests.integration.redis.service import Service

pytestmark = pytest.mark.integration


def document(client: redis.Redis, key: str) -> bytes | None:
    value = client.get(key)
    assert value is None or isinstance(value, bytes)
    return value


async def test_a_created_campaign_is_stored_under_both_keys_as_the_api_serves_it(
    app: Service, primary: redis.Redis
) -> None:
    created = await app.api.create(valid_campaign_body("docs-created"))

    delivered = app.deliver("redis")

    served = await app.served(created["id"])
    assert event_types(delivered) == ["campaign.created"]
    assert document(primary, f"campaign:id:{created['id']}") == served
    assert document(primary, "campaign:domain:docs-created") == served


async def test_an_update_rewrites_both_keys_with_the_new_version(app: Service, primary: redis.Redis) -> None:
    created = await app.api.create(valid_campaign_body("docs-updated"))
    app.deliver("redis")

    await app.api.update(created["id"], {"name": "Renamed"})
    app.deliver("redis")

    served = await app.served(created["id"])
    assert json.loads(served)["version"] == 2
    assert json.loads(served)["name"] == "Renamed"
    assert document(primary, f"campaign:id:{created['id']}") == served
    assert document(primary, "campaign:domain:docs-updated") == served


async def test_a_domain_change_removes_the_old_domain_key(app: Service, primary: redis.Redis) -> None:
    created = await app.api.create(valid_campaign_body("docs-before"))
    app.deliver("redis")

    await app.api.update(created["id"], {"domain": {"site": "docs-after"}})
    app.deliver("redis")

    served = await app.served(created["id"])
    assert document(primary, "campaign:domain:docs-before") is None
    assert document(primary, "campaign:domain:docs-after") == served
    assert document(primary, f"campaign:id:{created['id']}") == served


async def test_a_status_change_is_written_and_a_released_domain_removed(app: Service, primary: redis.Redis) -> None:
    created = await app.api.create(valid_campaign_body("docs-released"))
    cid = created["id"]
    await app.api.update(cid, {"status": "OPEN"})
    await app.api.update(cid, {"status": "CLOSED"})
    assert event_types(app.deliver("redis")) == [
        "campaign.created",
        "campaign.status-changed",
        "campaign.status-changed",
    ]
    assert json.loads(document(primary, "campaign:domain:docs-released") or b"{}")["status"] == "CLOSED"

    await app.api.update(cid, {"status": "INACTIVE"})
    delivered = app.deliver("redis")

    served = await app.served(cid)
    assert event_types(delivered) == ["campaign.status-changed", "campaign.domain-released"]
    assert json.loads(served)["status"] == "INACTIVE"
    assert document(primary, "campaign:domain:docs-released") is None
    assert document(primary, f"campaign:id:{cid}") == served


# --------------------------------------------------------------------------- the script's rules, sink by sink


def campaign(version: int, site: str | None, *, cid: str = "a" * 24, name: str = "Doc") -> Campaign:
    return Campaign(id=cid, name=name, domain=CampaignDomain(site=site), version=version)


def entry(n: int, event: CampaignUpdated | CampaignDomainReleased) -> OutboxEntry:
    return OutboxEntry(id=f"e{n}", sequence=n, event=event)


def updated(cid: str, site: str | None, previous: str | None = None) -> CampaignUpdated:
    return CampaignUpdated(
        occurred_at=START, campaign_id=cid, domain_site=site, changed_fields=["name"], previous_domain_site=previous
    )


@pytest.fixture
async def client(servers: RedisPair) -> AsyncIterator[AsyncRedis]:
    async with AsyncRedis.from_url(servers.primary.url) as connection:
        yield connection


def sink_over(client: AsyncRedis, *campaigns: Campaign) -> RedisCampaignDocumentsSink:
    return RedisCampaignDocumentsSink(
        client, InMemoryStoreReader(InMemoryStore(campaigns={c.id: c for c in campaigns})), route=ROUTES["redis"]
    )


async def test_a_late_write_of_an_older_version_never_replaces_a_newer_document(
    client: AsyncRedis, primary: redis.Redis
) -> None:
    newer, older = campaign(3, "late", name="Newer"), campaign(2, "late", name="Older")
    await sink_over(client, newer).deliver([entry(2, updated(newer.id, "late"))])

    await sink_over(client, older).deliver([entry(1, updated(older.id, "late"))])

    assert document(primary, "campaign:domain:late") == public_document(newer)
    assert document(primary, f"campaign:id:{newer.id}") == public_document(newer)


async def test_redelivering_the_same_version_rewrites_the_same_bytes(client: AsyncRedis, primary: redis.Redis) -> None:
    current = campaign(4, "again")
    sink = sink_over(client, current)

    await sink.deliver([entry(1, updated(current.id, "again"))])
    await sink.deliver([entry(1, updated(current.id, "again"))])

    assert document(primary, "campaign:domain:again") == public_document(current)


async def test_a_stale_domain_key_held_by_another_campaign_is_left_alone(
    client: AsyncRedis, primary: redis.Redis
) -> None:
    """A released its site, B took it and was written: A's release must not remove B's document."""
    holder = campaign(1, "shared", cid="b" * 24)
    await sink_over(client, holder).deliver([entry(1, updated(holder.id, "shared"))])
    released = campaign(5, None)

    await sink_over(client, released).deliver(
        [entry(2, CampaignDomainReleased(occurred_at=START, campaign_id=released.id, released_site="shared"))]
    )

    assert document(primary, "campaign:domain:shared") == public_document(holder)
    assert document(primary, f"campaign:id:{released.id}") == public_document(released)


async def test_the_previous_site_is_found_from_the_stored_document_when_no_event_names_it(
    client: AsyncRedis, primary: redis.Redis
) -> None:
    before, after = campaign(1, "first-site"), campaign(2, "second-site")
    await sink_over(client, before).deliver([entry(1, updated(before.id, "first-site"))])

    await sink_over(client, after).deliver([entry(2, updated(after.id, "second-site"))])

    assert document(primary, "campaign:domain:first-site") is None
    assert document(primary, "campaign:domain:second-site") == public_document(after)


async def test_a_campaign_the_store_no_longer_has_loses_both_keys(client: AsyncRedis, primary: redis.Redis) -> None:
    gone = campaign(2, "gone")
    await sink_over(client, gone).deliver([entry(1, updated(gone.id, "gone"))])

    await sink_over(client).deliver([entry(2, updated(gone.id, "gone"))])

    assert document(primary, "campaign:domain:gone") is None
    assert document(primary, f"campaign:id:{gone.id}") is None


async def test_one_batch_writes_every_campaign_it_names(client: AsyncRedis, primary: redis.Redis) -> None:
    first, second = campaign(1, "batch-1", cid="1" * 24), campaign(7, "batch-2", cid="2" * 24)

    await sink_over(client, first, second).deliver(
        [
            entry(1, updated(first.id, "batch-1")),
            entry(2, updated(second.id, "batch-2")),
            entry(3, updated(first.id, "batch-1")),
        ]
    )

    assert document(primary, "campaign:domain:batch-1") == public_document(first)
    assert document(primary, "campaign:domain:batch-2") == public_document(second)


async def test_redis_unreachable_is_dependency_unavailable() -> None:
    async with AsyncRedis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=1) as nowhere:
        sink = sink_over(nowhere, campaign(1, "nowhere"))

        with pytest.raises(DependencyUnavailable):
            await sink.deliver([entry(1, updated("a" * 24, "nowhere"))])


def test_the_documents_are_the_public_view_without_the_password_hash() -> None:
    protected = msgspec.structs.replace(campaign(1, "secret"), passwordHash="salt$hash")

    stored = json.loads(public_document(protected))

    assert stored["hasPassword"] is True
    assert "passwordHash" not in stored
    assert "salt$hash" not in public_document(protected).decode()
