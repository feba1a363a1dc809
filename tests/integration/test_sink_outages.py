"""Every sink fed through the relay, one destination stopped at a time; relays as processes delivering to Kinesis.

The composition is the production one on a SQLite file: Kinesis and both SQS queues on moto, a real
Redis primary and replica, the Fastly stub. A stopped destination delays only its own sinks, and once
it is back every event it missed arrives. Relay processes killed mid-stream, or two at once, lose nothing.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from campaigns.application.event_catalogue import event_type
from campaigns.application.outbox import SinkRoute
from tests.integration.aws.conftest import clients_of, composed_with_aws, create_stream
from tests.integration.aws.moto import (
    MotoServer,
    aws_credentials,  # noqa: F401 - the autouse fixture: this module's processes and clients use it
    moto_server,
)
from tests.integration.aws.support import stream_records
from tests.integration.backlogs import commit_entries, watching
from tests.integration.destinations import (
    NOTHING,
    ROUTES,
    STOPS,
    Destinations,
    Outage,
    Received,
    RestartableFastlyStub,
    Service,
    by_id,
)
from tests.integration.processes import Process, campaigns_environment, started, until
from tests.integration.redis.servers import RedisPair, redis_pair

if TYPE_CHECKING:
    from campaigns.main.container import Container

pytestmark = pytest.mark.integration

EVERY_TYPE = ROUTES["kinesis"] | ROUTES["data-pipeline"] | ROUTES["refresh-selections"]
"""Every campaign and market change: the stream and the two queues share them out."""


# --------------------------------------------------------------------------- destinations (this module stops them)


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    with moto_server(tmp_path_factory.mktemp("moto")) as server:
        yield server


@pytest.fixture(scope="module")
def redis_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisPair]:
    with redis_pair(tmp_path_factory.mktemp("redis")) as pair:
        yield pair


@pytest.fixture(scope="module")
def fastly() -> Iterator[RestartableFastlyStub]:
    stub = RestartableFastlyStub()
    stub.start()
    yield stub
    stub.stop()


@pytest.fixture
async def destinations(
    moto: MotoServer, redis_servers: RedisPair, fastly: RestartableFastlyStub
) -> AsyncIterator[Destinations]:
    """A new stream and queues, empty Redis servers, no purges recorded yet."""
    with redis_servers.primary.client() as client:
        client.flushall()
    redis_servers.replicated()
    fastly.purges.clear()
    async with clients_of(moto) as (kinesis, sqs):
        made = Destinations(moto=moto, redis=redis_servers, fastly=fastly, kinesis=kinesis, sqs=sqs)
        await made.create_aws()
        yield made


@pytest.fixture
async def container(tmp_path: Path, destinations: Destinations) -> AsyncIterator[Container]:
    async with composed_with_aws(tmp_path, destinations.moto, **destinations.variables()) as composition:
        yield composition


@pytest.fixture
async def service(container: Container) -> Service:
    return await Service.of(container)


@pytest.fixture
def received(destinations: Destinations, service: Service) -> Received:
    return Received(destinations, service)


# --------------------------------------------------------------------------- every sink, through the relay


async def test_every_sink_receives_the_changes_of_its_route(
    service: Service, received: Received, destinations: Destinations
) -> None:
    assert {sink.route.name: sink.route.event_types for sink in service.relay.sinks} == ROUTES

    phase = await service.every_change("all")
    assert await service.relay_every_sink() == set()

    assert {event_type(entry.event) for entry in phase.entries} == EVERY_TYPE, "the changes make every type"
    for sink in ROUTES:
        await received.check(sink, phase)
    destinations.redis.replicated()
    with destinations.redis.replica.client() as replica:
        await received.check_documents(replica, phase)
    assert await service.backlogs() == dict.fromkeys(ROUTES, 0)


@pytest.mark.parametrize("outage", ["aws", "redis", "fastly"])
async def test_a_stopped_destination_delays_only_its_sinks_and_then_gets_every_event(
    outage: Outage, service: Service, received: Received, destinations: Destinations
) -> None:
    stopped = STOPS[outage]
    before = await service.every_change("before")
    assert await service.relay_every_sink() == set()
    for sink in ROUTES:
        await received.check(sink, before)

    async with destinations.down(outage):
        during = await service.every_change("during")
        assert await service.relay_every_sink() == stopped
        assert await service.backlogs() == {sink: len(during.of(sink)) if sink in stopped else 0 for sink in ROUTES}
        for sink in ROUTES.keys() - stopped:
            await received.check(sink, during)
    if outage == "aws":
        received.stream_emptied()

    assert await service.relay_every_sink() == set()
    assert await service.backlogs() == dict.fromkeys(ROUTES, 0)
    for sink in ROUTES:
        await received.check(sink, during if sink in stopped else NOTHING)


# --------------------------------------------------------------------------- relay processes delivering to Kinesis

KINESIS = SinkRoute(name="kinesis", event_types=ROUTES["kinesis"])
HALF = 1_500
"""Three relay batches each half: the first relay is killed while the stream flows, the second has work left."""


def kinesis_relay_env(data_dir: Path, moto: MotoServer, stream: str) -> dict[str, str]:
    return campaigns_environment(
        data_dir, kinesis_stream=stream, aws_endpoint_url=moto.url, relay_seconds="0.1", tick_seconds="3600"
    )


def new_stream(moto: MotoServer) -> str:
    async def main() -> str:
        async with clients_of(moto) as (kinesis, _):
            return await create_stream(kinesis, shards=4)

    return asyncio.run(main())


def copies_on_stream(moto: MotoServer, stream: str) -> dict[str, list[bytes]]:
    """Each event id on the stream (every shard) with every copy of it."""

    async def main() -> dict[str, list[bytes]]:
        async with clients_of(moto) as (kinesis, _):
            return by_id(data for _, data in await stream_records(kinesis, stream))

    return asyncio.run(main())


def assert_on_stream_once_at_least(copies: dict[str, list[bytes]], ids: list[str]) -> None:
    assert set(copies) == set(ids), "every committed entry is on the stream, and nothing else"
    assert all(len(set(same)) == 1 for same in copies.values()), "duplicates are identical"


def test_a_relay_killed_mid_stream_loses_nothing_and_another_takes_over(tmp_path: Path, moto: MotoServer) -> None:
    data_dir, stream = tmp_path / "data", new_stream(moto)
    commit_entries(data_dir, HALF)
    env = kinesis_relay_env(data_dir, moto, stream)

    with watching(data_dir) as stats:
        with started("scheduler", env=env, log=tmp_path / "first.log") as first:
            until("a first batch on the stream", lambda: stats(KINESIS).backlog < HALF, first)
            first.process.send_signal(signal.SIGKILL)
            first.process.wait(timeout=10)
        ids = commit_entries(data_dir, HALF, first=HALF)  # committed while no relay runs: the next one must deliver
        assert stats(KINESIS).backlog >= HALF

        with started("scheduler", env=env, log=tmp_path / "second.log") as second:
            until("the rest delivered by the second relay", lambda: stats(KINESIS).backlog == 0, second)

    assert_on_stream_once_at_least(copies_on_stream(moto, stream), ids)


def test_two_relays_at_once_deliver_every_event_to_kinesis_at_most_twice(tmp_path: Path, moto: MotoServer) -> None:
    data_dir, stream = tmp_path / "data", new_stream(moto)
    ids = commit_entries(data_dir, 2 * HALF)
    env = kinesis_relay_env(data_dir, moto, stream)

    with (
        watching(data_dir) as stats,
        started("scheduler", env=env, log=tmp_path / "a.log") as a,
        started("scheduler", env=env, log=tmp_path / "b.log") as b,
    ):
        relays: list[Process] = [a, b]
        until("every event delivered", lambda: stats(KINESIS).backlog == 0, *relays)
        for relay in relays:
            relay.process.send_signal(signal.SIGTERM)
        for relay in relays:
            assert relay.process.wait(timeout=15) == 0, relay.output()

    copies = copies_on_stream(moto, stream)
    assert_on_stream_once_at_least(copies, ids)
    assert max(len(same) for same in copies.values()) <= 2, "duplicates are bounded"
