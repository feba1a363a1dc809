"""The Kinesis sink against moto: what lands, with which key and bytes; failures retried, refused or fatal."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

import pytest

from campaigns.adapters.aws.kinesis_event_sink import MAX_RECORD_BYTES, KinesisEventSink
from campaigns.application.errors import DependencyUnavailable
from campaigns.application.event_catalogue import ROUTES, encode, event_type
from tests.integration.aws.support import (
    FAST_RETRY,
    campaign_events,
    client_error,
    entry,
    event_id,
    fail_always,
    fail_on_first_call,
    faulty_put_records,
    ids_of,
    mapping,
    new_id,
    stream_records,
)

if TYPE_CHECKING:
    from types_aiobotocore_kinesis.client import KinesisClient

    from campaigns.application.outbox import OutboxEntry

THROTTLED = {"ErrorCode": "ProvisionedThroughputExceededException", "ErrorMessage": "Rate exceeded for shard"}


def sink(kinesis: KinesisClient, stream: str) -> KinesisEventSink:
    return KinesisEventSink(kinesis, stream, route=ROUTES["kinesis"], retry=FAST_RETRY)


def interleaved(campaigns: int, each: int) -> list[OutboxEntry]:
    """`each` entries of each of `campaigns` campaigns, in round-robin commit order."""
    ids = [new_id() for _ in range(campaigns)]
    return [mapping(ids[n % campaigns]) for n in range(campaigns * each)]


def by_key(records: list[tuple[str, bytes]]) -> dict[str, list[str]]:
    keyed: dict[str, list[str]] = defaultdict(list)
    for key, data in records:
        keyed[key].append(event_id(data))
    return keyed


async def test_every_campaign_type_lands_keyed_by_campaign_with_the_catalogue_bytes(
    kinesis: KinesisClient, stream: str
) -> None:
    first, second = new_id(), new_id()
    entries = [
        entry(event) for pair in zip(campaign_events(first), campaign_events(second), strict=True) for event in pair
    ]
    assert {event_type(one.event) for one in entries} == ROUTES["kinesis"].event_types
    kinesis_sink = sink(kinesis, stream)

    assert await kinesis_sink.deliver(entries) == []

    records = await stream_records(kinesis, stream)
    assert sorted(records) == sorted((one.event.aggregate_id, encode(one)) for one in entries)
    assert by_key(records) == {
        campaign: [one.id for one in entries if one.event.aggregate_id == campaign] for campaign in (first, second)
    }


async def test_calls_hold_at_most_500_records(kinesis: KinesisClient, stream: str) -> None:
    entries = interleaved(campaigns=7, each=180)
    calls = faulty_put_records(kinesis, fail_always({}))

    assert await sink(kinesis, stream).deliver(entries) == []

    assert [len(call) for call in calls.calls] == [500, 500, 260]
    assert sorted(event_id(data) for _, data in await stream_records(kinesis, stream)) == sorted(ids_of(entries))


async def test_calls_hold_at_most_5_mib(kinesis: KinesisClient, stream: str) -> None:
    entries = [mapping(new_id(), event_ids=44_000) for _ in range(8)]  # about 700 KB each
    assert all(600_000 < len(encode(one)) < MAX_RECORD_BYTES for one in entries)
    calls = faulty_put_records(kinesis, fail_always({}))

    assert await sink(kinesis, stream).deliver(entries) == []

    assert [len(call) for call in calls.calls] == [7, 1]
    assert sorted(event_id(data) for _, data in await stream_records(kinesis, stream)) == sorted(ids_of(entries))


async def test_failed_records_alone_are_sent_again_with_the_rest_of_their_campaign(
    kinesis: KinesisClient, stream: str
) -> None:
    entries = interleaved(campaigns=3, each=3)  # a b c a b c a b c
    a_second, c_third = entries[3], entries[8]
    calls = faulty_put_records(kinesis, fail_on_first_call({a_second.id: THROTTLED, c_third.id: THROTTLED}))

    assert await sink(kinesis, stream).deliver(entries) == []

    # The second call: a's failed record and a's later one (delivered, sent again to keep a's order), c's failed one.
    assert calls.calls == [ids_of(entries), [a_second.id, entries[6].id, c_third.id]]
    landed = by_key(await stream_records(kinesis, stream))
    assert sorted(set().union(*landed.values())) == sorted(ids_of(entries))
    for campaign, ids in landed.items():
        committed = [one.id for one in entries if one.event.aggregate_id == campaign]
        last_copies = sorted(set(ids), key=lambda one: max(n for n, seen in enumerate(ids) if seen == one))
        assert last_copies == committed
    assert landed[a_second.event.aggregate_id].count(entries[6].id) == 2


async def test_a_record_failing_every_try_makes_the_sink_unavailable(kinesis: KinesisClient, stream: str) -> None:
    entries = interleaved(campaigns=2, each=2)
    calls = faulty_put_records(kinesis, fail_always({entries[1].id: THROTTLED}))

    with pytest.raises(DependencyUnavailable, match="3 tries"):
        await sink(kinesis, stream).deliver(entries)

    assert len(calls.calls) == FAST_RETRY.attempts
    assert calls.calls[1:] == [[entries[1].id, entries[3].id]] * (FAST_RETRY.attempts - 1)


async def test_an_oversize_record_is_refused_and_the_rest_lands(kinesis: KinesisClient, stream: str) -> None:
    campaign = new_id()
    huge = mapping(campaign, event_ids=80_000)
    assert len(encode(huge)) > MAX_RECORD_BYTES
    entries = [mapping(campaign), huge, mapping(campaign)]

    rejections = await sink(kinesis, stream).deliver(entries)

    assert [(one.entry_id, "1048576 bytes" in one.reason) for one in rejections] == [(huge.id, True)]
    assert [event_id(data) for _, data in await stream_records(kinesis, stream)] == [entries[0].id, entries[2].id]


async def test_a_record_error_kinesis_does_not_document_is_refused(kinesis: KinesisClient, stream: str) -> None:
    entries = interleaved(campaigns=2, each=2)
    odd = {"ErrorCode": "Gibberish", "ErrorMessage": "?"}
    calls = faulty_put_records(kinesis, fail_always({entries[2].id: odd}))

    rejections = await sink(kinesis, stream).deliver(entries)

    assert [(one.entry_id, one.reason) for one in rejections] == [
        (entries[2].id, "Kinesis refused the record: Gibberish: ?")
    ]
    assert len(calls.calls) == 1
    landed = {event_id(data) for _, data in await stream_records(kinesis, stream)}
    assert landed == set(ids_of(entries)) - {entries[2].id}


async def test_a_request_refused_as_invalid_isolates_the_record_at_fault(kinesis: KinesisClient, stream: str) -> None:
    entries = interleaved(campaigns=3, each=4)
    poison = entries[5]
    real = kinesis.put_records
    calls: list[list[str]] = []

    async def put_records(**request: Any) -> Any:
        ids = [event_id(record["Data"]) for record in request["Records"]]
        calls.append(ids)
        if poison.id in ids:
            raise client_error("InvalidArgumentException", "bad record", status=400, operation="PutRecords")
        return await real(**request)

    kinesis.put_records = put_records  # type: ignore[method-assign]

    rejections = await sink(kinesis, stream).deliver(entries)

    assert [(one.entry_id, one.reason) for one in rejections] == [(poison.id, "InvalidArgumentException: bad record")]
    assert len(calls) <= 2 * 4 + 1  # halving 12 records down to one
    landed = {event_id(data) for _, data in await stream_records(kinesis, stream)}
    assert landed == set(ids_of(entries)) - {poison.id}


async def test_an_answer_without_results_parks_the_batch_with_the_reason_not_a_retry_loop(
    kinesis: KinesisClient, stream: str
) -> None:
    calls: list[dict[str, Any]] = []

    async def put_records(**request: Any) -> Any:
        calls.append(request)
        return {"FailedRecordCount": 0}

    kinesis.put_records = put_records  # type: ignore[method-assign]

    entries = interleaved(campaigns=1, each=2)
    rejections = await sink(kinesis, stream).deliver(entries)

    assert [rejection.entry_id for rejection in rejections] == [entry.id for entry in entries]
    assert all("0 results for 2 records" in rejection.reason for rejection in rejections)
    assert len(calls) == 1


async def test_a_missing_stream_is_an_outage_of_the_sink_not_a_rejection(kinesis: KinesisClient) -> None:
    with pytest.raises(DependencyUnavailable, match="ResourceNotFoundException"):
        await sink(kinesis, "no-such-stream").deliver(interleaved(campaigns=1, each=2))
