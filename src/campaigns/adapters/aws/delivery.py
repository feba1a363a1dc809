"""What the Kinesis and SQS sinks share: batching, re-sending what failed, and reading AWS errors.

A sink supplies `send`, one batch call that reports, per record index, what must be retried and what
is refused for good, and `unfit`, the reason a record is too large for it. `BatchDelivery` does the rest:
- each entry becomes a `Record`: its CloudEvent (`event_catalogue.encode`) keyed by its aggregate id;
  an unfit record is refused (parked for this sink) while the rest flows;
- batches of at most `max_count` records and `max_bytes` bytes, sent one after the other;
- a record that fails for a passing reason (throttling, an internal error) is re-sent, with every
  later record of the same key in that batch, so the key's last copies arrive in commit order;
  bounded tries with backoff (stamina), then `DependencyUnavailable`: the relay retries the batch later;
- throttling, 5xx, timeouts and refused connections are retried the same way; a missing stream or
  queue, refused credentials and other account-level errors are an outage of the sink at once;
- any other 4xx about a whole request (a record it cannot take) splits the batch in halves, down to
  the one record at fault, which is refused (`Rejection`) while the rest flows;
- an answer that makes no sense for the batch (`GarbageAnswer`) refuses every record it was about,
  with the reason, at once: parked for this sink, never a retry loop.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence

import msgspec
import structlog
from botocore.exceptions import BotoCoreError, ClientError

from campaigns.adapters.retries import attempts
from campaigns.application.errors import DependencyUnavailable
from campaigns.application.event_catalogue import encode, event_type
from campaigns.application.outbox import OutboxEntry, Rejection

log = structlog.get_logger("campaigns.sinks")

THROTTLING_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "LimitExceededException",
        "KMSThrottlingException",
        "ThrottlingException",
        "Throttling",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "InternalFailure",
        "InternalError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "ResourceInUseException",
    }
)
"""Error codes that pass: try again after a wait."""

OUTAGE_CODES = frozenset(
    {
        "ResourceNotFoundException",
        "QueueDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue",
        "AWS.SimpleQueueService.QueueDeletedRecently",
        "QueueDeletedRecently",
        "AccessDenied",
        "AccessDeniedException",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSecurity",
        "ExpiredToken",
        "ExpiredTokenException",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
        "IncompleteSignature",
        "MissingAuthenticationToken",
        "RequestExpired",
        "OptInRequired",
    }
)
"""Error codes that say the sink itself is unusable now (missing, or refusing this account): no record's fault."""


class RetryPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """How hard a sink retries one batch before the relay takes over (times in seconds)."""

    attempts: int = 5
    wait_initial: float = 0.1
    wait_max: float = 2.0
    wait_jitter: float = 0.1
    deadline: float | None = 20.0
    """No new try starts after this long since the first one."""


class Record(msgspec.Struct, frozen=True, kw_only=True):
    """One entry as a sink sends it: `key` orders it (partition key, message group), `size` counts against limits."""

    entry: OutboxEntry
    key: str
    payload: bytes
    size: int


class BatchOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """What one call made of a batch, by record index; an index in neither map was delivered."""

    retry: dict[int, str] = {}
    refused: dict[int, str] = {}


SendBatch = Callable[[Sequence[Record]], Awaitable[BatchOutcome]]
Unfit = Callable[[Record], str | None]


class _Passing(Exception):
    """This try failed for a reason that may pass; stamina retries it."""


class _Refused(Exception):
    """The service refused the whole request as invalid: one of its records is at fault."""


class GarbageAnswer(Exception):
    """The service answered a batch call with something that cannot be read as its outcome."""


def batches(records: Sequence[Record], *, max_count: int, max_bytes: int) -> Iterator[list[Record]]:
    """Consecutive runs of `records` within both limits (every record is at most `max_bytes` itself)."""
    batch: list[Record] = []
    size = 0
    for record in records:
        if batch and (len(batch) == max_count or size + record.size > max_bytes):
            yield batch
            batch, size = [], 0
        batch.append(record)
        size += record.size
    if batch:
        yield batch


def to_resend(pending: Sequence[Record], outcome: BatchOutcome) -> list[Record]:
    """The records to send again: from each key's first passing failure, every later record of that key.

    Later records of the key that were delivered go again too, so the key's last copies arrive in
    commit order (consumers drop duplicates by event id); refused records never go again.
    """
    failed_keys: set[str] = set()
    again: list[Record] = []
    for index, record in enumerate(pending):
        if index in outcome.refused:
            continue
        if index in outcome.retry:
            failed_keys.add(record.key)
        if record.key in failed_keys:
            again.append(record)
    return again


class BatchDelivery:
    """Sends records through `send` in batches, retrying and refusing as the module docstring says."""

    def __init__(
        self,
        sink: str,
        send: SendBatch,
        *,
        unfit: Unfit,
        max_count: int,
        max_bytes: int,
        key_counts: bool,
        retry: RetryPolicy | None = None,
    ) -> None:
        """`key_counts`: a record's key counts against the limits beside its payload."""
        self._sink = sink
        self._send = send
        self._unfit = unfit
        self._max_count = max_count
        self._max_bytes = max_bytes
        self._key_counts = key_counts
        self._retry = retry or RetryPolicy()

    async def deliver(self, entries: Sequence[OutboxEntry]) -> list[Rejection]:
        rejections: list[Rejection] = []
        records: list[Record] = []
        for entry in entries:
            record = self._record(entry)
            if problem := self._unfit(record):
                rejections.append(self._refuse(record, problem))
            else:
                records.append(record)
        for batch in batches(records, max_count=self._max_count, max_bytes=self._max_bytes):
            rejections.extend(await self._deliver_batch(batch))
        return rejections

    def _record(self, entry: OutboxEntry) -> Record:
        key = entry.event.aggregate_id
        payload = encode(entry)
        return Record(
            entry=entry, key=key, payload=payload, size=len(payload) + (len(key.encode()) if self._key_counts else 0)
        )

    def _refuse(self, record: Record, reason: str) -> Rejection:
        """A rejection of `record`, logged: the relay parks it for this sink."""
        log.warning(
            "sink.record_refused",
            sink=self._sink,
            entry_id=record.entry.id,
            type=event_type(record.entry.event),
            reason=reason,
        )
        return Rejection(entry_id=record.entry.id, reason=reason)

    async def _deliver_batch(self, batch: list[Record]) -> list[Rejection]:
        rejections: list[Rejection] = []
        pending = batch
        tries = 0
        try:
            async for attempt in attempts(self._retry, on=_Passing):
                with attempt:
                    tries += 1
                    outcome = await self._call(pending)
                    rejections.extend(self._refuse(pending[index], why) for index, why in outcome.refused.items())
                    pending = to_resend(pending, outcome)
                    if pending:
                        first = next(iter(outcome.retry.values()))
                        raise _Passing(f"{len(outcome.retry)} of the batch's records failed ({first})")
        except _Passing as error:
            raise DependencyUnavailable(
                f"The {self._sink} sink still fails after {tries} tries: {error}; the relay will retry."
            ) from error
        except _Refused as error:
            rejections.extend(await self._isolate(pending, str(error)))
        except GarbageAnswer as error:
            rejections.extend(self._refuse(record, str(error)) for record in pending)
        return rejections

    async def _isolate(self, pending: list[Record], reason: str) -> list[Rejection]:
        """Halves of a refused request, in order, until the record at fault stands alone."""
        if len(pending) == 1:
            return [self._refuse(pending[0], reason)]
        middle = len(pending) // 2
        first = await self._deliver_batch(pending[:middle])
        return first + await self._deliver_batch(pending[middle:])

    async def _call(self, pending: Sequence[Record]) -> BatchOutcome:
        try:
            return await self._send(pending)
        except ClientError as error:
            raise self._read(error) from error
        except BotoCoreError as error:
            # Refused connections, timeouts, dropped connections, unreadable answers: all may pass.
            raise _Passing(f"{type(error).__name__}: {error}") from error

    def _read(self, error: ClientError) -> Exception:
        details = error.response.get("Error", {})
        code = str(details.get("Code", ""))
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        described = f"{code or 'HTTP ' + str(status)}: {details.get('Message', '')}".rstrip(": ")
        if code in THROTTLING_CODES or status == 429 or status >= 500:
            return _Passing(described)
        if code in OUTAGE_CODES or code.startswith("KMS") or status in {401, 403, 404}:
            log.warning("sink.outage", sink=self._sink, code=code, status=status, error=described)
            return DependencyUnavailable(f"The {self._sink} sink cannot be used: {described}")
        if 400 <= status < 500:
            return _Refused(described)
        return DependencyUnavailable(f"The {self._sink} sink answered an unexpected error: {described}")
