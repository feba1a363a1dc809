"""The container with the AWS variables set: one sink per destination, each fed the types of its route."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from campaigns.application.event_catalogue import encode, event_type
from campaigns.main.container import resolve
from tests.integration.aws.conftest import composed_with_aws, create_queue, create_stream
from tests.integration.aws.moto import MotoServer
from tests.integration.aws.support import (
    campaign_events,
    entry,
    event_id,
    market_events,
    new_id,
    queue_messages,
    stream_records,
)

if TYPE_CHECKING:
    from types_aiobotocore_kinesis.client import KinesisClient
    from types_aiobotocore_sqs.client import SQSClient

AWS_SINKS = ["kinesis", "data-pipeline", "refresh-selections"]


async def test_every_change_type_reaches_the_sink_of_its_route(
    tmp_path: Path, moto: MotoServer, kinesis: KinesisClient, sqs: SQSClient
) -> None:
    stream, pipeline, selections = await create_stream(kinesis), await create_queue(sqs), await create_queue(sqs)
    campaign = new_id()
    entries = [entry(event) for event in (*campaign_events(campaign), *market_events(campaign))]
    async with composed_with_aws(
        tmp_path,
        moto,
        kinesis_stream=stream,
        data_pipeline_queue_url=pipeline,
        refresh_selections_queue_url=selections,
    ) as container:
        configured = await resolve(container.events.sinks)
        sinks = [sink for sink in configured if sink.route.name in AWS_SINKS]
        assert [sink.route.name for sink in sinks] == AWS_SINKS
        assert "json-lines" not in {sink.route.name for sink in configured}
        for sink in sinks:  # as the relay hands them over: only the route's types, in commit order
            assert await sink.deliver([e for e in entries if event_type(e.event) in sink.route.event_types]) == []

    types = {one.id: event_type(one.event) for one in entries}
    on_stream = [event_id(data) for _, data in await stream_records(kinesis, stream)]
    assert [types[one] for one in on_stream] == [
        "campaign.created",
        "campaign.event-mapping",
        "campaign.updated",
        "campaign.status-changed",
        "campaign.domain-released",
    ]
    pipeline_types = sorted(types[event_id(m["Body"])] for m in await queue_messages(sqs, pipeline))
    assert pipeline_types == ["market.created", "market.deleted", "market.updated"]
    assert [m["Body"] for m in await queue_messages(sqs, selections)] == [encode(entries[7]).decode()]
