"""The campaign data stream: campaign events on Kinesis (PutRecords), partitioned by campaign id.

Each record's data is the entry's CloudEvent (`event_catalogue.encode`), its partition key the
aggregate (campaign) id, so one campaign's events share a shard and keep their order. PutRecords takes at most
500 records and 5 MiB per call; a record of more than 1 MiB (data plus partition key) is refused
(parked for this sink) while the rest flows. Failed records, and only those (with the later
records of their campaign in the same call), are re-sent: see `delivery`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from campaigns.adapters.aws.delivery import BatchDelivery, BatchOutcome, GarbageAnswer, Record, RetryPolicy
from campaigns.application.outbox import OutboxEntry, Rejection, SinkRoute
from campaigns.application.ports.outbox import EventSink

if TYPE_CHECKING:
    from types_aiobotocore_kinesis.client import KinesisClient

MAX_RECORDS_PER_CALL = 500
MAX_BYTES_PER_CALL = 5 * 1024 * 1024
MAX_RECORD_BYTES = 1024 * 1024
"""The default record limit (a stream can opt in to larger records; this sink keeps to the default)."""
MAX_PARTITION_KEY_CHARS = 256
PASSING_RECORD_ERRORS = frozenset({"ProvisionedThroughputExceededException", "InternalFailure"})
"""The per-record error codes PutRecords documents; both pass."""


class KinesisEventSink(EventSink):
    """The events of `route` (the campaign events) to one Kinesis stream."""

    def __init__(
        self, client: KinesisClient, stream: str, *, route: SinkRoute, retry: RetryPolicy | None = None
    ) -> None:
        self.route = route
        self._client = client
        self._stream = stream
        self._delivery = BatchDelivery(
            route.name,
            self._put,
            unfit=_unfit,
            max_count=MAX_RECORDS_PER_CALL,
            max_bytes=MAX_BYTES_PER_CALL,
            key_counts=True,
            retry=retry,
        )

    async def deliver(self, entries: Sequence[OutboxEntry]) -> list[Rejection]:
        return await self._delivery.deliver(entries)

    async def _put(self, batch: Sequence[Record]) -> BatchOutcome:
        response = await self._client.put_records(
            StreamName=self._stream,
            Records=[{"Data": record.payload, "PartitionKey": record.key} for record in batch],
        )
        results = response.get("Records", [])
        if len(results) != len(batch):
            raise GarbageAnswer(
                f"Kinesis answered PutRecords on {self._stream} with {len(results)} results for {len(batch)} records."
            )
        retry: dict[int, str] = {}
        refused: dict[int, str] = {}
        for index, result in enumerate(results):
            code = result.get("ErrorCode")
            if code is None and result.get("SequenceNumber"):
                continue
            reason = f"{code or 'no sequence number and no error code'}: {result.get('ErrorMessage', '')}".rstrip(": ")
            if code in PASSING_RECORD_ERRORS:
                retry[index] = reason
            else:
                refused[index] = f"Kinesis refused the record: {reason}"
        return BatchOutcome(retry=retry, refused=refused)


def _unfit(record: Record) -> str | None:
    if record.size > MAX_RECORD_BYTES:
        return (
            f"The record is {record.size} bytes (data plus partition key); a Kinesis record is at most"
            f" {MAX_RECORD_BYTES} bytes."
        )
    if not 1 <= len(record.key) <= MAX_PARTITION_KEY_CHARS:
        return f"The partition key has {len(record.key)} characters; Kinesis takes 1 to {MAX_PARTITION_KEY_CHARS}."
    return None
