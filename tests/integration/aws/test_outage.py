"""moto stopped: both AWS sinks say they are unavailable (fast, no hang); restarted: delivery works again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from campaigns.adapters.aws.kinesis_event_sink import KinesisEventSink
from campaigns.adapters.aws.sqs_event_sink import SqsEventSink
from campaigns.application.errors import DependencyUnavailable
from campaigns.application.event_catalogue import ROUTES, encode
from tests.integration.aws.conftest import clients_of, create_queue, create_stream, unique
from tests.integration.aws.moto import MotoServer
from tests.integration.aws.support import FAST_RETRY, event_id, ids_of, mapping, new_id, queue_messages, stream_records


@pytest.fixture
def own_moto(tmp_path: Path) -> Iterator[MotoServer]:
    """A server of this test's own, since the test stops it."""
    server = MotoServer(tmp_path / "moto")
    server.start()
    yield server
    server.stop()


async def test_a_stopped_server_is_an_outage_and_delivery_resumes_once_it_is_back(own_moto: MotoServer) -> None:
    stream_name, queue_name = unique("campaigns"), unique("pipeline")
    async with clients_of(own_moto) as (kinesis, sqs):
        stream = await create_stream(kinesis, stream_name)
        queue = await create_queue(sqs, queue_name)
        to_stream = KinesisEventSink(kinesis, stream, route=ROUTES["kinesis"], retry=FAST_RETRY)
        to_queue = SqsEventSink(sqs, queue, route=ROUTES["data-pipeline"], retry=FAST_RETRY)
        campaign = new_id()
        before, during = [mapping(campaign)], [mapping(campaign), mapping(campaign)]
        assert await to_stream.deliver(before) == []
        assert await to_queue.deliver(before) == []

        own_moto.stop()
        with pytest.raises(DependencyUnavailable, match="EndpointConnectionError"):
            await to_stream.deliver(during)
        with pytest.raises(DependencyUnavailable, match="EndpointConnectionError"):
            await to_queue.deliver(during)

        own_moto.start()  # same port, no state: the stream and queue are made again
        await create_stream(kinesis, stream_name)
        await create_queue(sqs, queue_name)
        assert await to_stream.deliver(during) == []
        assert await to_queue.deliver(during) == []

        assert [event_id(data) for _, data in await stream_records(kinesis, stream)] == ids_of(during)
        assert sorted(m["Body"] for m in await queue_messages(sqs, queue)) == sorted(
            encode(one).decode() for one in during
        )
