"""The SQS sinks against moto: market documents and presale changes on their queues; `Failed` entries read."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from campaigns.adapters.aws.sqs_event_sink import MAX_MESSAGE_BYTES, SqsEventSink
from campaigns.application.errors import DependencyUnavailable
from campaigns.application.event_catalogue import ROUTES, encode, event_type
from campaigns.application.outbox import SinkRoute
from tests.integration.aws.conftest import create_queue
from tests.integration.aws.support import (
    FAST_RETRY,
    entry,
    fail_always,
    fail_on_first_call,
    faulty_send_message_batch,
    ids_of,
    mapping,
    market_events,
    new_id,
    queue_messages,
)

if TYPE_CHECKING:
    from types_aiobotocore_sqs.client import SQSClient

    from campaigns.application.outbox import OutboxEntry


def sink(sqs: SQSClient, queue_url: str, route: SinkRoute = ROUTES["data-pipeline"]) -> SqsEventSink:
    return SqsEventSink(sqs, queue_url, route=route, retry=FAST_RETRY)


def small(count: int) -> list[OutboxEntry]:
    """Entries of two campaigns (the sink sends any type it is handed; the relay picks them by route)."""
    campaigns = [new_id(), new_id()]
    return [mapping(campaigns[n % 2]) for n in range(count)]


async def bodies(sqs: SQSClient, queue_url: str) -> list[str]:
    return sorted(message["Body"] for message in await queue_messages(sqs, queue_url))


async def test_market_documents_and_presale_changes_go_to_their_own_queues(sqs: SQSClient) -> None:
    pipeline, selections = await create_queue(sqs), await create_queue(sqs)
    events = [entry(event) for event in market_events(new_id())]
    sinks = [sink(sqs, pipeline, ROUTES["data-pipeline"]), sink(sqs, selections, ROUTES["refresh-selections"])]

    for one in sinks:  # as the relay hands them over: only the route's types
        assert await one.deliver([e for e in events if event_type(e.event) in one.route.event_types]) == []

    market_types = [e for e in events if event_type(e.event) in ROUTES["data-pipeline"].event_types]
    assert await bodies(sqs, pipeline) == sorted(encode(e).decode() for e in market_types)
    assert await bodies(sqs, selections) == [encode(events[2]).decode()]


async def test_batches_hold_at_most_10_messages_and_256_kib(sqs: SQSClient) -> None:
    queue = await create_queue(sqs)
    entries = [*small(12), *(mapping(new_id(), event_ids=7_000) for _ in range(3))]  # then 3 of about 110 KB
    calls = faulty_send_message_batch(sqs, fail_always({}))

    assert await sink(sqs, queue).deliver(entries) == []

    assert [len(call) for call in calls.calls] == [10, 4, 1]
    assert calls.calls[0] == ids_of(entries[:10])
    assert await bodies(sqs, queue) == sorted(encode(e).decode() for e in entries)


async def test_entries_failed_by_sqs_itself_are_sent_again(sqs: SQSClient) -> None:
    queue = await create_queue(sqs)
    entries = small(4)
    failure = {"SenderFault": False, "Code": "InternalError", "Message": "try again"}
    calls = faulty_send_message_batch(sqs, fail_on_first_call({entries[1].id: failure}))

    assert await sink(sqs, queue).deliver(entries) == []

    # entries[3] is the same campaign's later message: sent again so the campaign's last copies keep its order.
    assert calls.calls == [ids_of(entries), [entries[1].id, entries[3].id]]
    assert set(await bodies(sqs, queue)) == {encode(e).decode() for e in entries}


async def test_entries_failed_as_the_senders_fault_are_refused_with_the_code(sqs: SQSClient) -> None:
    queue = await create_queue(sqs)
    entries = small(3)
    failure = {"SenderFault": True, "Code": "InvalidMessageContents", "Message": "bad characters"}
    calls = faulty_send_message_batch(sqs, fail_always({entries[0].id: failure}))

    rejections = await sink(sqs, queue).deliver(entries)

    assert [(one.entry_id, one.reason) for one in rejections] == [
        (entries[0].id, "SQS refused the message: InvalidMessageContents: bad characters")
    ]
    assert len(calls.calls) == 1
    assert await bodies(sqs, queue) == sorted(encode(e).decode() for e in entries[1:])


async def test_an_answer_about_other_entries_parks_the_batch_with_the_reason(sqs: SQSClient) -> None:
    queue = await create_queue(sqs)
    entries = small(2)
    calls: list[object] = []

    async def send_message_batch(**request: object) -> object:
        calls.append(request)
        return {"Successful": [{"Id": "someone-else", "MessageId": "m", "MD5OfMessageBody": "x"}], "Failed": []}

    sqs.send_message_batch = send_message_batch  # type: ignore[assignment]

    rejections = await sink(sqs, queue).deliver(entries)

    assert [one.entry_id for one in rejections] == [entry.id for entry in entries]
    assert all("other entries than it was sent" in one.reason for one in rejections)
    assert len(calls) == 1


async def test_an_oversize_message_is_refused_and_the_rest_lands(sqs: SQSClient) -> None:
    queue = await create_queue(sqs)
    campaign = new_id()
    huge = mapping(campaign, event_ids=17_000)
    assert len(encode(huge)) > MAX_MESSAGE_BYTES
    entries = [mapping(campaign), huge, mapping(campaign)]

    rejections = await sink(sqs, queue).deliver(entries)

    assert [(one.entry_id, str(MAX_MESSAGE_BYTES) in one.reason) for one in rejections] == [(huge.id, True)]
    assert await bodies(sqs, queue) == sorted(encode(e).decode() for e in (entries[0], entries[2]))


async def test_a_fifo_queue_groups_by_campaign_and_deduplicates_by_event_id(sqs: SQSClient) -> None:
    queue = await create_queue(sqs, fifo=True)
    entries = small(4)
    fifo_sink = sink(sqs, queue)

    assert await fifo_sink.deliver(entries) == []
    assert await fifo_sink.deliver(entries[:1]) == []  # a redelivery: SQS drops it

    received = await queue_messages(sqs, queue)
    assert sorted(
        (m["Body"], m["Attributes"]["MessageGroupId"], m["Attributes"]["MessageDeduplicationId"]) for m in received
    ) == sorted((encode(e).decode(), e.event.aggregate_id, e.id) for e in entries)


async def test_a_missing_queue_is_an_outage_of_the_sink_not_a_rejection(sqs: SQSClient) -> None:
    missing = (await create_queue(sqs)).rsplit("/", 1)[0] + "/no-such-queue"
    with pytest.raises(DependencyUnavailable, match=r"cannot be used: AWS\.SimpleQueueService\.NonExistentQueue"):
        await sink(sqs, missing).deliver(small(1))
