"""An SQS queue as a sink (SendMessageBatch): the data pipeline queue and the refresh selections queue.

Each message body is the entry's CloudEvent (`event_catalogue.encode`) and its batch entry id the
event id (24 hex characters, a valid SQS batch id). A batch holds at most 10 messages and
`max_message_bytes` of bodies in all; a larger message is refused (parked for this sink) while the
rest flows. `Failed` entries are read on every answer: `SenderFault` true is a refusal with SQS's
code and message, false is retried (with the later messages of the same campaign): see
`delivery`. On a FIFO queue (URL ending in `.fifo`) the campaign id is the message group and
the event id the deduplication id, so SQS itself drops a re-sent copy within its 5-minute window.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from campaigns.adapters.aws.delivery import BatchDelivery, BatchOutcome, GarbageAnswer, Record, RetryPolicy
from campaigns.application.outbox import OutboxEntry, Rejection, SinkRoute
from campaigns.application.ports.outbox import EventSink

if TYPE_CHECKING:
    from types_aiobotocore_sqs.client import SQSClient
    from types_aiobotocore_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

MAX_MESSAGES_PER_CALL = 10
MAX_MESSAGE_BYTES = 256 * 1024
"""The long-standing SQS limit, for a message and for a whole batch. AWS has since raised both to
1 MiB (a queue's `MaximumMessageSize` says what it takes); pass `max_message_bytes` to use more."""


class SqsEventSink(EventSink):
    """The events of `route` to the SQS queue at `queue_url`."""

    def __init__(
        self,
        client: SQSClient,
        queue_url: str,
        *,
        route: SinkRoute,
        max_message_bytes: int = MAX_MESSAGE_BYTES,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.route = route
        self._client = client
        self._queue_url = queue_url
        self._fifo = queue_url.endswith(".fifo")
        self._max_message_bytes = max_message_bytes
        self._delivery = BatchDelivery(
            route.name,
            self._send,
            unfit=self._too_large,
            max_count=MAX_MESSAGES_PER_CALL,
            max_bytes=max_message_bytes,
            key_counts=False,
            retry=retry,
        )

    async def deliver(self, entries: Sequence[OutboxEntry]) -> list[Rejection]:
        return await self._delivery.deliver(entries)

    def _too_large(self, record: Record) -> str | None:
        if record.size > self._max_message_bytes:
            return f"The message is {record.size} bytes; this queue takes at most {self._max_message_bytes}."
        return None

    def _entry(self, record: Record) -> SendMessageBatchRequestEntryTypeDef:
        entry: SendMessageBatchRequestEntryTypeDef = {"Id": record.entry.id, "MessageBody": record.payload.decode()}
        if self._fifo:
            entry["MessageGroupId"] = record.key
            entry["MessageDeduplicationId"] = record.entry.id
        return entry

    async def _send(self, batch: Sequence[Record]) -> BatchOutcome:
        response = await self._client.send_message_batch(
            QueueUrl=self._queue_url, Entries=[self._entry(record) for record in batch]
        )
        index_of = {record.entry.id: index for index, record in enumerate(batch)}
        successful = response.get("Successful", [])
        failed = response.get("Failed", [])
        answered = [item.get("Id") for item in (*successful, *failed)]
        if sorted(map(str, answered)) != sorted(index_of):
            raise GarbageAnswer(
                f"SQS answered SendMessageBatch on {self._queue_url} with results for other entries than it was sent."
            )
        retry: dict[int, str] = {}
        refused: dict[int, str] = {}
        for item in failed:
            reason = f"{item.get('Code', '')}: {item.get('Message', '')}".strip(": ")
            if item.get("SenderFault") is False:
                retry[index_of[item["Id"]]] = reason
            else:
                refused[index_of[item["Id"]]] = f"SQS refused the message: {reason}"
        return BatchOutcome(retry=retry, refused=refused)
