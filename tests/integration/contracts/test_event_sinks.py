"""EventSink contract, over every sink against its real destination.

The sinks: JSON lines on a real file, Kinesis and SQS (standard and FIFO) on moto, the Redis
campaign documents on a real Redis (reading a SQLite store), Fastly against the local purge stub,
and the logging CDN purger. Each case says what an entry leaves at its destination (`marks`) and
reads what arrived there (`arrived`); what the tests assert is what the port promises: a batch of
the sink's types is delivered, again harmlessly, an empty one does nothing, an outage is
`DependencyUnavailable`, and an entry the sink will never take is a `Rejection`, never an error.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import structlog
from redis.asyncio import Redis as AsyncRedis

from campaigns.adapters.aws.kinesis_event_sink import KinesisEventSink
from campaigns.adapters.aws.sqs_event_sink import SqsEventSink
from campaigns.adapters.fastly.cdn_purger import FastlyCdnPurger, fastly_http_client
from campaigns.adapters.local.json_lines_event_sink import JsonLinesEventSink
from campaigns.adapters.local.logging_cdn_purger import LoggingCdnPurger
from campaigns.adapters.redis.campaign_documents import RedisCampaignDocumentsSink, domain_key, id_key
from campaigns.adapters.sqlite.database import sqlite_database
from campaigns.adapters.sqlite.reader import SqliteStoreReader
from campaigns.adapters.sqlite.unit_of_work import SqliteUnitOfWork
from campaigns.application.cdn import batch_purge_keys
from campaigns.application.errors import DependencyUnavailable
from campaigns.application.event_catalogue import EVENT_TYPES, ROUTES, event_type
from campaigns.application.outbox import OutboxEntry
from campaigns.application.ports.outbox import EventSink
from campaigns.application.ports.store import StoreReader
from campaigns.application.read_models import public_document
from campaigns.domain.campaign import Campaign, CampaignDomain
from campaigns.domain.events import MarketUpdated
from tests.fakes.in_memory import SequentialIdFactory
from tests.integration.aws.conftest import clients_of, create_queue, create_stream
from tests.integration.aws.moto import (
    MotoServer,
    aws_credentials,  # noqa: F401 - the autouse fixture, for this module
    moto_server,
)
from tests.integration.aws.support import (
    AT,
    FAST_RETRY,
    campaign_events,
    entry,
    event_id,
    mapping,
    market,
    market_events,
    new_id,
    queue_messages,
    stream_records,
)
from tests.integration.fastly.stub import API_KEY, SERVICE_ID, fastly_stub
from tests.integration.processes import free_port

pytestmark = pytest.mark.integration

SINKS = ["json_lines", "kinesis", "sqs", "sqs_fifo", "redis_documents", "fastly", "logging_cdn"]


async def _fresh_campaign_id() -> str:
    return new_id()


@dataclasses.dataclass(frozen=True)
class SinkCase:
    sink: EventSink
    arrived: Callable[[], Awaitable[set[str]]]
    """Everything found at the destination so far (as marks)."""
    marks: Callable[[Sequence[OutboxEntry]], set[str]]
    """What delivering these entries leaves at the destination."""
    campaign: Callable[[], Awaitable[str]] = _fresh_campaign_id
    """A campaign id the sink's entries may name (one the store has, where the sink reads it)."""
    refused: Callable[[str], Awaitable[OutboxEntry]] | None = None
    """An entry of the campaign the sink will never take; None: it takes every entry."""
    down: Callable[[], AsyncIterator[EventSink]] | None = None
    """The same sink with its destination unreachable; None: it has no destination that can fail."""


def event_ids(entries: Sequence[OutboxEntry]) -> set[str]:
    return {one.id for one in entries}


def of_its_types(sink: EventSink, campaign_id: str) -> list[OutboxEntry]:
    """One entry of each of the sink's types this campaign can have, as the relay hands them over."""
    events = [*campaign_events(campaign_id), *market_events(campaign_id)]
    return [entry(event) for event in events if event_type(event) in sink.route.event_types]


# --------------------------------------------------------------------------- destinations


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    with moto_server(tmp_path_factory.mktemp("moto-contracts")) as server:
        yield server


def nowhere() -> str:
    return f"http://127.0.0.1:{free_port()}"


def stopped_moto(tmp_path: Path) -> MotoServer:
    """A moto server never started: its port refuses every connection."""
    return MotoServer(tmp_path / "stopped-moto")


async def json_lines_case(tmp_path: Path) -> AsyncIterator[SinkCase]:
    path = tmp_path / "events" / "events.jsonl"

    async def arrived() -> set[str]:
        return {json.loads(line)["id"] for line in path.read_text().splitlines()} if path.exists() else set()

    async def down() -> AsyncIterator[EventSink]:
        (tmp_path / "a-file").write_text("not a directory")
        yield JsonLinesEventSink(tmp_path / "a-file" / "events.jsonl", route=ROUTES["json-lines"])

    yield SinkCase(
        sink=JsonLinesEventSink(path, route=ROUTES["json-lines"]), arrived=arrived, marks=event_ids, down=down
    )


async def kinesis_case(moto: MotoServer, tmp_path: Path) -> AsyncIterator[SinkCase]:
    async with clients_of(moto) as (kinesis, _):
        stream = await create_stream(kinesis)

        async def arrived() -> set[str]:
            return {event_id(data) for _, data in await stream_records(kinesis, stream)}

        async def refused(campaign_id: str) -> OutboxEntry:
            return mapping(campaign_id, event_ids=80_000)  # over Kinesis's 1 MiB per record

        async def down() -> AsyncIterator[EventSink]:
            async with clients_of(stopped_moto(tmp_path)) as (unreachable, _):
                yield KinesisEventSink(unreachable, stream, route=ROUTES["kinesis"], retry=FAST_RETRY)

        sink = KinesisEventSink(kinesis, stream, route=ROUTES["kinesis"], retry=FAST_RETRY)
        yield SinkCase(sink=sink, arrived=arrived, marks=event_ids, refused=refused, down=down)


async def sqs_case(moto: MotoServer, tmp_path: Path, *, fifo: bool) -> AsyncIterator[SinkCase]:
    async with clients_of(moto) as (_, sqs):
        queue = await create_queue(sqs, fifo=fifo)
        received: set[str] = set()

        async def arrived() -> set[str]:
            received.update(event_id(message["Body"]) for message in await queue_messages(sqs, queue))
            return set(received)

        async def refused(campaign_id: str) -> OutboxEntry:
            huge = market(campaign_id, event_ids=[f"E{n:012d}" for n in range(20_000)])  # over SQS's 256 KiB
            return entry(MarketUpdated(occurred_at=AT, market=huge))

        async def down() -> AsyncIterator[EventSink]:
            async with clients_of(stopped_moto(tmp_path)) as (_, unreachable):
                yield SqsEventSink(unreachable, queue, route=ROUTES["data-pipeline"], retry=FAST_RETRY)

        sink = SqsEventSink(sqs, queue, route=ROUTES["data-pipeline"], retry=FAST_RETRY)
        yield SinkCase(sink=sink, arrived=arrived, marks=event_ids, refused=refused, down=down)


async def redis_documents_case(tmp_path: Path, redis_url: str) -> AsyncIterator[SinkCase]:
    async with (
        asynccontextmanager(sqlite_database)(tmp_path / "store" / "campaigns.db") as db,
        AsyncRedis.from_url(redis_url) as client,
    ):
        reads: StoreReader = SqliteStoreReader(db)
        uow_factory = functools.partial(SqliteUnitOfWork, db, SequentialIdFactory(start=1 << 40))

        async def stored_campaign() -> str:
            campaign_id = new_id()
            async with uow_factory() as uow:
                site = f"site-{campaign_id[-6:]}"  # the site `campaign_events` names
                await uow.campaigns.add(Campaign(id=campaign_id, name="Stored", domain=CampaignDomain(site=site)))
                await uow.commit()
            return campaign_id

        async def arrived() -> set[str]:
            found: set[str] = set()
            async for key in client.scan_iter(match="campaign:*"):
                value = await client.get(key)
                assert isinstance(key, bytes)
                assert isinstance(value, bytes)
                found.add(f"{key.decode()}={value.decode()}")
            return found

        documents: dict[str, set[str]] = {}
        """Per stored campaign, its two keys with the document the API serves."""

        def marks(entries: Sequence[OutboxEntry]) -> set[str]:
            return set().union(*(documents[one.event.aggregate_id] for one in entries))

        async def campaign() -> str:
            campaign_id = await stored_campaign()
            held = await reads.campaigns.get(campaign_id)
            assert held is not None
            assert held.site is not None
            document = public_document(held).decode()
            documents[campaign_id] = {f"{id_key(campaign_id)}={document}", f"{domain_key(held.site)}={document}"}
            return campaign_id

        async def down() -> AsyncIterator[EventSink]:
            async with AsyncRedis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=1) as gone:
                yield RedisCampaignDocumentsSink(gone, reads, route=ROUTES["redis"])

        sink = RedisCampaignDocumentsSink(client, reads, route=ROUTES["redis"])
        yield SinkCase(sink=sink, arrived=arrived, marks=marks, campaign=campaign, down=down)


async def fastly_case() -> AsyncIterator[SinkCase]:
    def stub_client(url: str) -> Any:
        return asynccontextmanager(fastly_http_client)(url, enabled=True)

    with fastly_stub() as stub:
        async with stub_client(stub.url) as client:

            async def arrived() -> set[str]:
                return {key for purge in stub.purges if purge.keys for key in purge.keys}

            async def refused(campaign_id: str) -> OutboxEntry:
                stub.statuses.append(400)  # Fastly refuses the next purge request as malformed
                return of_its_types(sink, campaign_id)[0]

            async def down() -> AsyncIterator[EventSink]:
                async with stub_client(nowhere()) as unreachable:
                    yield FastlyCdnPurger(unreachable, route=ROUTES["fastly"], service_id=SERVICE_ID, api_key=API_KEY)

            sink = FastlyCdnPurger(client, route=ROUTES["fastly"], service_id=SERVICE_ID, api_key=API_KEY)
            yield SinkCase(
                sink=sink,
                arrived=arrived,
                marks=lambda entries: set(batch_purge_keys(one.event for one in entries)),
                refused=refused,
                down=down,
            )


async def logging_cdn_case() -> AsyncIterator[SinkCase]:
    with structlog.testing.capture_logs() as logs:

        async def arrived() -> set[str]:
            return {one for line in logs if line["event"] == "cdn purge" for one in line["events"]}

        yield SinkCase(sink=LoggingCdnPurger(route=ROUTES["cdn-log"]), arrived=arrived, marks=event_ids)


@pytest.fixture(params=SINKS)
async def case(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SinkCase]:
    cases: dict[str, Callable[[], AsyncIterator[SinkCase]]] = {
        "json_lines": lambda: json_lines_case(tmp_path),
        "kinesis": lambda: kinesis_case(request.getfixturevalue("moto"), tmp_path),
        "sqs": lambda: sqs_case(request.getfixturevalue("moto"), tmp_path, fifo=False),
        "sqs_fifo": lambda: sqs_case(request.getfixturevalue("moto"), tmp_path, fifo=True),
        "redis_documents": lambda: redis_documents_case(tmp_path, request.getfixturevalue("redis_url")),
        "fastly": fastly_case,
        "logging_cdn": logging_cdn_case,
    }
    async with asynccontextmanager(cases[request.param])() as one:
        yield one


# --------------------------------------------------------------------------- the contract


def test_the_route_names_the_sink_and_types_from_the_catalogue(case: SinkCase) -> None:
    route = case.sink.route

    assert route.name
    assert route.event_types
    assert route.event_types <= EVENT_TYPES


async def test_a_batch_of_its_types_is_delivered(case: SinkCase) -> None:
    batch = of_its_types(case.sink, await case.campaign()) + of_its_types(case.sink, await case.campaign())

    rejections = await case.sink.deliver(batch)

    assert rejections == []
    assert case.marks(batch)
    assert case.marks(batch) <= await case.arrived()


async def test_delivering_a_batch_again_is_harmless(case: SinkCase) -> None:
    batch = of_its_types(case.sink, await case.campaign())
    assert await case.sink.deliver(batch) == []
    first = await case.arrived()

    assert await case.sink.deliver(batch) == []

    assert await case.arrived() == first


async def test_an_empty_batch_does_nothing(case: SinkCase) -> None:
    assert await case.sink.deliver([]) == []

    assert await case.arrived() == set()


async def test_an_entry_it_will_never_take_is_rejected_and_the_rest_is_not_lost(case: SinkCase) -> None:
    if case.refused is None:
        pytest.skip(f"the {case.sink.route.name} sink takes every entry")
    campaign_id = await case.campaign()
    bad = await case.refused(campaign_id)
    good = [one for one in of_its_types(case.sink, campaign_id) if one.id != bad.id]
    batch = [*good[:1], bad, *good[1:]]

    rejections = await case.sink.deliver(batch)

    rejected = {one.entry_id for one in rejections}
    assert bad.id in rejected
    assert rejected <= event_ids(batch)
    assert all(one.reason for one in rejections)
    delivered = [one for one in batch if one.id not in rejected]
    assert case.marks(delivered) <= await case.arrived(), "every entry not rejected arrived"


async def test_an_outage_of_its_destination_is_dependency_unavailable(case: SinkCase) -> None:
    if case.down is None:
        pytest.skip(f"the {case.sink.route.name} sink has no destination that can be down")
    batch = of_its_types(case.sink, await case.campaign())

    async with asynccontextmanager(case.down)() as unreachable:
        with pytest.raises(DependencyUnavailable):
            await unreachable.deliver(batch)
