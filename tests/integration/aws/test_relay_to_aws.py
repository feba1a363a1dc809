"""The relay (SQLite outbox) to the AWS sinks on moto: oversize records parked, a missing stream waited out."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from campaigns.application.errors import DependencyUnavailable
from campaigns.application.event_catalogue import event_type
from campaigns.domain.events import CampaignEventIdsMapped
from campaigns.main.container import Container, resolve
from tests.integration.aws.conftest import composed_with_aws, create_queue, create_stream, unique
from tests.integration.aws.moto import MotoServer
from tests.integration.aws.support import (
    AT,
    campaign_events,
    event_id,
    market_events,
    new_id,
    queue_messages,
    stream_records,
)

if TYPE_CHECKING:
    from types_aiobotocore_kinesis.client import KinesisClient
    from types_aiobotocore_sqs.client import SQSClient

    from campaigns.application.ports.outbox import EventSink
    from campaigns.application.use_cases.relay_outbox import RelayOutbox


@pytest.fixture
async def composition(tmp_path: Path, moto: MotoServer, sqs: SQSClient) -> AsyncIterator[tuple[Container, str, str]]:
    """The service's composition, with a stream name (not created yet) and a pipeline queue."""
    stream, pipeline = unique("campaigns"), await create_queue(sqs)
    async with composed_with_aws(tmp_path, moto, kinesis_stream=stream, data_pipeline_queue_url=pipeline) as container:
        yield container, stream, pipeline


def sink_named(relay: RelayOutbox, name: str) -> EventSink:
    return next(sink for sink in relay.sinks if sink.route.name == name)


async def test_an_oversize_record_is_parked_for_kinesis_alone_and_a_missing_stream_only_delays_it(
    composition: tuple[Container, str, str], kinesis: KinesisClient, sqs: SQSClient
) -> None:
    container, stream, pipeline = composition
    campaign = new_id()
    huge = CampaignEventIdsMapped(occurred_at=AT, campaign_id=campaign, event_ids=[f"E{n:012d}" for n in range(80_000)])
    events = [*campaign_events(campaign)[:2], huge, *campaign_events(campaign)[2:], *market_events(campaign)]
    async with (await resolve(container.store.unit_of_work))() as uow:
        uow.outbox.append(events)
        await uow.commit()
    relay = await resolve(container.jobs.relay_outbox)
    outbox = await resolve(container.store.outbox)
    to_stream, to_pipeline = sink_named(relay, "kinesis"), sink_named(relay, "data-pipeline")

    with pytest.raises(DependencyUnavailable, match="ResourceNotFoundException"):  # the stream is not there yet
        await relay.execute(to_stream)
    assert (await relay.execute(to_pipeline)).delivered == 3  # the queue's sink does not wait for the stream's
    assert (await outbox.stats(to_stream.route)).backlog == 6
    assert await outbox.parked() == []

    await create_stream(kinesis, stream)
    report = await relay.execute(to_stream)

    assert (report.delivered, report.parked) == (5, 1)
    parked = await outbox.parked()
    assert [(one.sink, one.type, "1048576 bytes" in one.error) for one in parked] == [
        ("kinesis", "campaign.event-mapping", True)
    ]
    on_stream = [event_id(data) for _, data in await stream_records(kinesis, stream)]
    delivered = await outbox.delivered_since(to_stream.route, AT, after_sequence=0, limit=100)
    by_id = {one.id: event_type(one.event) for one in delivered}
    assert [by_id[one] for one in on_stream] == [event_type(e) for e in events[:6] if e is not huge]
    assert parked[0].entry_id not in on_stream
    assert sorted(event_type_of(m["Body"]) for m in await queue_messages(sqs, pipeline)) == [
        "market.created",
        "market.deleted",
        "market.updated",
    ]
    assert (await outbox.stats(to_stream.route)).backlog == 0


def event_type_of(body: str) -> str:
    return str(json.loads(body)["type"])
