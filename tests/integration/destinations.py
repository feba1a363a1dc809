"""Every destination of the production-like composition running for a test, and what each has received.

moto (the Kinesis stream and both SQS queues), a Redis primary with its replica, and the Fastly stub;
`Destinations.down(...)` stops one of them and brings it back (moto and Redis come back empty).
`Service` drives the composition through its use cases and its relay, one sink at a time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from http.server import ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Literal

import msgspec
import pytest
import redis

from campaigns.application.errors import DependencyUnavailable
from campaigns.application.event_catalogue import encode, event_type
from campaigns.application.outbox import OutboxEntry
from campaigns.application.read_models import public_document
from campaigns.domain.market_writes import MarketInput
from campaigns.domain.permissions import Principal
from campaigns.main.container import Container, resolve
from tests.commands import command
from tests.integration.aws.conftest import create_queue, create_stream, unique
from tests.integration.aws.moto import MotoServer
from tests.integration.aws.support import event_id, queue_messages, stream_records
from tests.integration.fastly.stub import API_KEY, SERVICE_ID, FastlyStub, Purge
from tests.integration.http.support import valid_campaign_body
from tests.integration.redis.servers import RedisPair
from tests.streams import EVERY_EVENT

if TYPE_CHECKING:
    from types_aiobotocore_kinesis.client import KinesisClient
    from types_aiobotocore_sqs.client import SQSClient

    from campaigns.application.use_cases.relay_outbox import RelayOutbox

CAMPAIGN_STREAM_TYPES = frozenset(
    {
        "campaign.created",
        "campaign.updated",
        "campaign.status-changed",
        "campaign.domain-released",
        "campaign.event-mapping",
    }
)
PURGE_TYPES = frozenset({"campaign.updated", "campaign.status-changed", "campaign.domain-released"})
DOCUMENT_TYPES = frozenset({"campaign.created", *PURGE_TYPES})
ROUTES: Mapping[str, frozenset[str]] = {
    "kinesis": CAMPAIGN_STREAM_TYPES,
    "data-pipeline": frozenset({"market.created", "market.updated", "market.deleted"}),
    "refresh-selections": frozenset({"market.presale-changed"}),
    "redis": DOCUMENT_TYPES,
    "fastly": PURGE_TYPES,
}
"""Each sink of the composition and the event types it takes, as the spec assigns them."""

Outage = Literal["aws", "redis", "fastly"]
STOPS: Mapping[Outage, frozenset[str]] = {
    "aws": frozenset({"kinesis", "data-pipeline", "refresh-selections"}),
    "redis": frozenset({"redis"}),
    "fastly": frozenset({"fastly"}),
}
"""The sinks each stopped destination takes down."""

SUPREME = Principal(user_id="outage-tester", supreme=True)
PRESALE = dt.datetime(2031, 5, 1, 10, tzinfo=dt.UTC)


class RestartableFastlyStub(FastlyStub):
    """The Fastly stub, which `stop()` makes unreachable and `start()` serves again on the same port.

    The purges it recorded are kept across a restart.
    """

    def __init__(self) -> None:
        super().__init__()
        self.port = int(self.url.rsplit(":", 1)[1])
        self.serving = False
        self._closed = False

    def start(self) -> None:
        if self._closed:
            self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
            self._closed = False
        self.serve()
        self.serving = True

    def stop(self) -> None:
        if self.serving:
            super().stop()
            self.serving, self._closed = False, True


@dataclasses.dataclass
class Destinations:
    """The servers and this test's stream and queues (made again after moto restarts, under the same names)."""

    moto: MotoServer
    redis: RedisPair
    fastly: RestartableFastlyStub
    kinesis: KinesisClient
    sqs: SQSClient
    stream: str = dataclasses.field(default_factory=lambda: unique("campaigns"))
    queue_names: tuple[str, str] = dataclasses.field(default_factory=lambda: (unique("pipeline"), unique("selections")))
    pipeline: str = ""
    selections: str = ""

    async def create_aws(self) -> None:
        await create_stream(self.kinesis, self.stream)
        self.pipeline = await create_queue(self.sqs, self.queue_names[0])
        self.selections = await create_queue(self.sqs, self.queue_names[1])

    def variables(self) -> dict[str, str]:
        """The `CAMPAIGNS_*` settings (without the prefix) that point every sink at these destinations."""
        return {
            "kinesis_stream": self.stream,
            "data_pipeline_queue_url": self.pipeline,
            "refresh_selections_queue_url": self.selections,
            "redis_url": self.redis.primary.url,
            "redis_replica_url": self.redis.replica.url,
            "fastly_service_id": SERVICE_ID,
            "fastly_api_key": API_KEY,
            "fastly_api_url": self.fastly.url,
        }

    @asynccontextmanager
    async def down(self, outage: Outage) -> AsyncIterator[None]:
        """`outage`'s server stopped for the block, then started again, whatever happens in the block."""
        stop, start = {
            "aws": (self.moto.stop, self.moto.start),
            "redis": (self.redis.primary.stop, self.redis.primary.start),
            "fastly": (self.fastly.stop, self.fastly.start),
        }[outage]
        stop()
        try:
            yield
        finally:
            start()
            if outage == "aws":
                await self.create_aws()
            if outage == "redis":
                self.redis.replica.wait_until_linked()


@dataclasses.dataclass(frozen=True)
class Phase:
    """The changes made at one stage of a test: the entries they committed and what they should leave behind."""

    entries: list[OutboxEntry]
    campaign_ids: list[str] = dataclasses.field(default_factory=list)
    left_sites: list[str] = dataclasses.field(default_factory=list)
    """Sites the phase's campaigns held and no longer hold: Redis must not keep a document under them."""
    purge_keys: frozenset[str] = frozenset()

    def of(self, sink: str) -> list[OutboxEntry]:
        """The phase's entries that `sink` takes, in commit order."""
        return [entry for entry in self.entries if event_type(entry.event) in ROUTES[sink]]


NOTHING = Phase(entries=[])


def market_body(name: str, presale: dt.datetime, event_ids: Sequence[str]) -> dict[str, Any]:
    return {
        "name": name,
        "city": "Boston",
        "state": "MA",
        "timezone": "America/New_York",
        "event": {"ids": list(event_ids), "presaleDateTime": presale.isoformat()},
    }


def market_command(name: str, presale: dt.datetime, event_ids: Sequence[str]) -> MarketInput:
    """`market_body` as the HTTP edge hands it to the market use cases: decoded once, strictly."""
    return msgspec.json.decode(msgspec.json.encode(market_body(name, presale, event_ids)), type=MarketInput)


class Service:
    """The composition under test: changes made through its use cases, delivered by its relay sink by sink."""

    def __init__(self, container: Container, relay: RelayOutbox) -> None:
        self.container = container
        self.relay = relay
        self._committed = 0

    @classmethod
    async def of(cls, container: Container) -> Service:
        return cls(container, await resolve(container.jobs.relay_outbox))

    async def every_change(self, tag: str) -> Phase:
        """Two new campaigns taken through every change a sink carries; the phase they make.

        `<tag>-a` gets a market whose presale moves, a new name, a new domain (`<tag>-a2`) and
        opens; `<tag>-b` gets a market that is deleted, then opens, closes and is deactivated
        (its domain released).
        """
        create, update = (
            await resolve(self.container.use_cases.create_campaign),
            await resolve(self.container.use_cases.update_campaign),
        )
        create_market = await resolve(self.container.use_cases.create_market)
        update_market = await resolve(self.container.use_cases.update_market)
        delete_market = await resolve(self.container.use_cases.delete_market)
        first = await create.execute(SUPREME, command(valid_campaign_body(f"{tag}-a")))
        second = await create.execute(SUPREME, command(valid_campaign_body(f"{tag}-b")))
        market = await create_market.execute(SUPREME, first.id, market_command(f"{tag} Boston", PRESALE, ["E1"]))
        moved = market_command(f"{tag} Boston", PRESALE + dt.timedelta(days=1), ["E1", "E2"])
        await update_market.execute(SUPREME, first.id, market.id, moved)
        await update.execute(SUPREME, first.id, command({"name": f"Renamed {tag}"}))
        await update.execute(SUPREME, first.id, command({"domain": {"site": f"{tag}-a2"}}))
        await update.execute(SUPREME, first.id, command({"status": "OPEN"}))
        other = await create_market.execute(SUPREME, second.id, market_command(f"{tag} Austin", PRESALE, ["E3"]))
        await delete_market.execute(SUPREME, second.id, other.id)
        for status in ("OPEN", "CLOSED", "INACTIVE"):
            await update.execute(SUPREME, second.id, command({"status": status}))
        sites = [f"{tag}-a", f"{tag}-a2", f"{tag}-b"]
        return Phase(
            entries=await self._new_entries(),
            campaign_ids=[first.id, second.id],
            left_sites=[f"{tag}-a", f"{tag}-b"],
            purge_keys=frozenset({f"campaign-{first.id}", f"campaign-{second.id}", *(f"domain-{s}" for s in sites)}),
        )

    async def _new_entries(self) -> list[OutboxEntry]:
        outbox = await resolve(self.container.store.outbox)
        entries = [entry for entry in await outbox.pending(EVERY_EVENT, 100_000) if entry.sequence > self._committed]
        self._committed = max((entry.sequence for entry in entries), default=self._committed)
        return entries

    async def relay_every_sink(self) -> set[str]:
        """One relay pass per sink, as the scheduler's loops make them; the sinks that were unavailable."""
        unavailable: set[str] = set()
        for sink in self.relay.sinks:
            try:
                report = await self.relay.execute(sink)
            except DependencyUnavailable:
                unavailable.add(sink.route.name)
            else:
                assert (report.parked, report.standing_by) == (0, False), report
        return unavailable

    async def backlogs(self) -> dict[str, int]:
        outbox = await resolve(self.container.store.outbox)
        return {sink.route.name: (await outbox.stats(sink.route)).backlog for sink in self.relay.sinks}


def by_id(payloads: Iterable[bytes | str]) -> dict[str, list[bytes]]:
    copies: dict[str, list[bytes]] = defaultdict(list)
    for payload in payloads:
        copies[event_id(payload)].append(payload.encode() if isinstance(payload, str) else payload)
    return copies


def assert_each_arrived(payloads: Iterable[bytes | str], expected: Sequence[OutboxEntry]) -> None:
    """Every expected entry arrived, nothing else did, and each copy of one is its CloudEvent, byte for byte."""
    copies = by_id(payloads)
    assert set(copies) == {entry.id for entry in expected}, "every event arrives, and nothing else"
    for entry in expected:
        assert set(copies[entry.id]) == {encode(entry)}, f"copies of {entry.id} are the entry's CloudEvent"


class Received:
    """Checks what each sink's destination received, phase by phase."""

    def __init__(self, destinations: Destinations, service: Service) -> None:
        self._destinations = destinations
        self._service = service
        self._on_stream: list[OutboxEntry] = []
        self._purges_seen = 0

    def stream_emptied(self) -> None:
        """After moto restarted: the stream holds nothing of what came before."""
        self._on_stream = []

    async def check(self, sink: str, phase: Phase) -> None:
        """`sink`'s destination holds what `phase` should have left there (`NOTHING`: nothing more came)."""
        destinations = self._destinations
        if sink == "kinesis":
            self._on_stream.extend(phase.of(sink))
            await self._check_stream()
        elif sink in {"data-pipeline", "refresh-selections"}:
            queue = destinations.pipeline if sink == "data-pipeline" else destinations.selections
            received = await queue_messages(destinations.sqs, queue)  # each message once: those since the last check
            assert_each_arrived((message["Body"] for message in received), phase.of(sink))
        elif sink == "redis":
            with destinations.redis.primary.client() as primary:
                await self.check_documents(primary, phase)
        elif sink == "fastly":
            purges = destinations.fastly.purges[self._purges_seen :]
            self._purges_seen += len(purges)
            assert_purged(purges, phase.purge_keys)
        else:
            pytest.fail(f"no check for the sink {sink!r}")

    async def _check_stream(self) -> None:
        records = await stream_records(self._destinations.kinesis, self._destinations.stream)
        assert_each_arrived((data for _, data in records), self._on_stream)
        for key, _ in records:
            assert key in {entry.event.aggregate_id for entry in self._on_stream}, "keyed by campaign id"
        first_seen: dict[str, list[str]] = defaultdict(list)
        for key, data in records:  # one campaign's records share a shard, read in order
            if (one := event_id(data)) not in first_seen[key]:
                first_seen[key].append(one)
        committed: dict[str, list[str]] = defaultdict(list)
        for entry in self._on_stream:
            committed[entry.event.aggregate_id].append(entry.id)
        assert first_seen == committed, "each campaign's events first arrive in commit order"

    async def check_documents(self, client: redis.Redis, phase: Phase) -> None:
        """Each campaign the phase changed is stored as the API serves it now; the sites it left hold nothing."""
        reads = await resolve(self._service.container.store.reads)
        for campaign_id in phase.campaign_ids:
            campaign = await reads.campaigns.get(campaign_id)
            assert campaign is not None
            document = public_document(campaign)
            assert client.get(f"campaign:id:{campaign_id}") == document
            if campaign.site is not None:
                assert client.get(f"campaign:domain:{campaign.site}") == document
        for site in phase.left_sites:
            assert client.get(f"campaign:domain:{site}") is None, f"{site} was left"


def assert_purged(purges: Sequence[Purge], keys: frozenset[str]) -> None:
    assert {key for purge in purges for key in purge.keys} == keys
    for purge in purges:
        assert purge.path == f"/service/{SERVICE_ID}/purge"
        assert (purge.headers["fastly-key"], purge.headers["fastly-soft-purge"]) == (API_KEY, "1")
