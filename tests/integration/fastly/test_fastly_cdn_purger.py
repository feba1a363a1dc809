"""The `fastly` sink against a local stub of the purge API: which keys, which headers, and what each answer means."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator, Sequence

import httpx
import pytest
import structlog

from campaigns.adapters.fastly.cdn_purger import MAX_KEYS_PER_PURGE, FastlyCdnPurger, fastly_http_client
from campaigns.adapters.local.logging_cdn_purger import LoggingCdnPurger
from campaigns.application.errors import DependencyUnavailable
from campaigns.application.event_catalogue import ROUTES
from campaigns.application.outbox import OutboxEntry
from campaigns.domain.campaign import Status
from campaigns.domain.events import (
    AnyEvent,
    CampaignDomainReleased,
    CampaignStatusChanged,
    CampaignUpdated,
)
from tests.integration.fastly.stub import API_KEY, SERVICE_ID, FastlyStub, fastly_stub
from tests.integration.processes import free_port

pytestmark = pytest.mark.integration

AT = dt.datetime(2030, 1, 15, 12, tzinfo=dt.UTC)
CID = "6a0c3a4e3b9e4c579d2e2f1f"


@pytest.fixture
def stub() -> Iterator[FastlyStub]:
    with fastly_stub() as server:
        yield server


async def _client(url: str) -> AsyncIterator[httpx.AsyncClient]:
    async for client in fastly_http_client(url, enabled=True):
        assert client is not None
        yield client


@pytest.fixture
async def purger(stub: FastlyStub) -> AsyncIterator[FastlyCdnPurger]:
    async for client in _client(stub.url):
        yield FastlyCdnPurger(client, route=ROUTES["fastly"], service_id=SERVICE_ID, api_key=API_KEY)


def entries(*events: AnyEvent) -> list[OutboxEntry]:
    return [OutboxEntry(id=f"entry-{n}", sequence=n, event=event) for n, event in enumerate(events, start=1)]


def updated(site: str | None, previous: str | None, cid: str = CID) -> CampaignUpdated:
    return CampaignUpdated(
        occurred_at=AT, campaign_id=cid, domain_site=site, changed_fields=["content"], previous_domain_site=previous
    )


def status_changed(site: str | None) -> CampaignStatusChanged:
    return CampaignStatusChanged(
        occurred_at=AT,
        campaign_id=CID,
        domain_site=site,
        from_status=Status.CLOSED,
        to_status=Status.INACTIVE,
        by="scheduler",
        reason="scheduled",
    )


def released(site: str) -> CampaignDomainReleased:
    return CampaignDomainReleased(occurred_at=AT, campaign_id=CID, released_site=site)


async def test_a_content_change_soft_purges_the_campaign_and_domain_keys(
    stub: FastlyStub, purger: FastlyCdnPurger
) -> None:
    assert await purger.deliver(entries(updated("tour", "tour"))) == []

    [purge] = stub.purges
    assert purge.path == f"/service/{SERVICE_ID}/purge"
    assert purge.keys == [f"campaign-{CID}", "domain-tour"]
    assert purge.headers["fastly-key"] == API_KEY
    assert purge.headers["fastly-soft-purge"] == "1"


async def test_a_domain_change_purges_the_old_domain_too(stub: FastlyStub, purger: FastlyCdnPurger) -> None:
    await purger.deliver(entries(updated("new-site", "old-site")))

    assert stub.purges[0].keys == [f"campaign-{CID}", "domain-new-site", "domain-old-site"]


async def test_a_batch_purges_each_key_once_in_one_request(stub: FastlyStub, purger: FastlyCdnPurger) -> None:
    """Deactivation: the status change (no domain left) and the release, then a later content change."""
    await purger.deliver(entries(status_changed(None), released("closing"), updated(None, None)))

    assert [purge.keys for purge in stub.purges] == [[f"campaign-{CID}", "domain-closing"]]


async def test_more_keys_than_one_request_takes_are_split(stub: FastlyStub, purger: FastlyCdnPurger) -> None:
    many = [updated(None, None, cid=f"{n:024x}") for n in range(MAX_KEYS_PER_PURGE + 1)]

    await purger.deliver(entries(*many))

    assert [len(purge.keys) for purge in stub.purges] == [MAX_KEYS_PER_PURGE, 1]
    assert [key for purge in stub.purges for key in purge.keys] == [f"campaign-{n:024x}" for n in range(len(many))]


@pytest.mark.parametrize("status", [500, 503, 429, 401, 403])
async def test_a_server_error_throttling_or_a_refused_key_is_unavailable(
    stub: FastlyStub, purger: FastlyCdnPurger, status: int
) -> None:
    stub.statuses.append(status)

    with pytest.raises(DependencyUnavailable, match=str(status)):
        await purger.deliver(entries(updated("tour", None)))


async def test_another_4xx_rejects_the_entries_whose_keys_it_carried(stub: FastlyStub, purger: FastlyCdnPurger) -> None:
    many = [updated(None, None, cid=f"{n:024x}") for n in range(MAX_KEYS_PER_PURGE + 1)]
    stub.statuses.extend([200, 400])

    rejections = await purger.deliver(entries(*many))

    assert [r.entry_id for r in rejections] == [f"entry-{len(many)}"]
    assert "400" in rejections[0].reason


async def test_fastly_unreachable_is_unavailable() -> None:
    async for client in _client(f"http://127.0.0.1:{free_port()}"):
        purger = FastlyCdnPurger(client, route=ROUTES["fastly"], service_id=SERVICE_ID, api_key=API_KEY)

        with pytest.raises(DependencyUnavailable, match="could not be reached"):
            await purger.deliver(entries(updated("tour", None)))


async def test_without_fastly_the_purges_are_logged() -> None:
    batch: Sequence[OutboxEntry] = entries(updated("new-site", "old-site"))

    with structlog.testing.capture_logs() as logs:
        assert await LoggingCdnPurger(route=ROUTES["cdn-log"]).deliver(batch) == []

    assert logs == [
        {
            "event": "cdn purge",
            "log_level": "info",
            "surrogate_keys": [f"campaign-{CID}", "domain-new-site", "domain-old-site"],
            "soft": True,
            "events": ["entry-1"],
        }
    ]
