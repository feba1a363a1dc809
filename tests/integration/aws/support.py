"""Outbox entries of every type, readers of what landed on moto, and clients that fail on purpose."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import secrets
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from campaigns.adapters.aws.delivery import RetryPolicy
from campaigns.application.outbox import OutboxEntry
from campaigns.domain.campaign import Status
from campaigns.domain.events import (
    AnyEvent,
    CampaignCreated,
    CampaignDomainReleased,
    CampaignEventIdsMapped,
    CampaignStatusChanged,
    CampaignUpdated,
    MarketCreated,
    MarketDeleted,
    MarketPresaleChanged,
    MarketUpdated,
)
from campaigns.domain.market import Market, MarketEventInfo

if TYPE_CHECKING:
    from types_aiobotocore_kinesis.client import KinesisClient
    from types_aiobotocore_sqs.client import SQSClient

FAST_RETRY = RetryPolicy(attempts=3, wait_initial=0.01, wait_max=0.02, wait_jitter=0.0, deadline=10.0)
AT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
_sequence = itertools.count(1)


def new_id() -> str:
    return secrets.token_hex(12)


def entry(event: AnyEvent) -> OutboxEntry:
    return OutboxEntry(id=new_id(), sequence=next(_sequence), event=event)


def campaign_events(campaign_id: str) -> list[AnyEvent]:
    """One event of each campaign type, in a plausible order."""
    site = f"site-{campaign_id[-6:]}"
    return [
        CampaignCreated(occurred_at=AT, campaign_id=campaign_id, domain_site=site, status=Status.DRAFT),
        CampaignEventIdsMapped(occurred_at=AT, campaign_id=campaign_id, domain_site=site, event_ids=["E1", "E2"]),
        CampaignUpdated(occurred_at=AT, campaign_id=campaign_id, domain_site=site, changed_fields=["name"]),
        CampaignStatusChanged(
            occurred_at=AT,
            campaign_id=campaign_id,
            domain_site=site,
            from_status=Status.DRAFT,
            to_status=Status.OPEN,
            by="tester",
            reason="manual",
        ),
        CampaignDomainReleased(occurred_at=AT, campaign_id=campaign_id, released_site=site),
    ]


def market(campaign_id: str, *, event_ids: Sequence[str] = ("E1",), name: str = "Paris") -> Market:
    return Market(
        id=new_id(),
        campaign_id=campaign_id,
        name=name,
        city="Paris",
        state="IDF",
        timezone="Europe/Paris",
        event=MarketEventInfo(ids=list(event_ids), presaleDateTime=AT),
    )


def market_events(campaign_id: str) -> list[AnyEvent]:
    """One event of each market type."""
    one = market(campaign_id)
    return [
        MarketCreated(occurred_at=AT, market=one),
        MarketUpdated(occurred_at=AT, market=one),
        MarketPresaleChanged(occurred_at=AT, market=one, previous_presale_date_time=None),
        MarketDeleted(occurred_at=AT, market=one),
    ]


def mapping(campaign_id: str, event_ids: int = 2) -> OutboxEntry:
    """A `campaign.event-mapping` entry; with many event ids, as large as a test needs."""
    ids = [f"E{n:012d}" for n in range(event_ids)]
    return entry(CampaignEventIdsMapped(occurred_at=AT, campaign_id=campaign_id, event_ids=ids))


def event_id(payload: bytes | str) -> str:
    return str(json.loads(payload)["id"])


async def stream_records(client: KinesisClient, stream: str) -> list[tuple[str, bytes]]:
    """Every record on the stream as (partition key, data): shard by shard, each shard in order."""
    found: list[tuple[str, bytes]] = []
    shards = (await client.list_shards(StreamName=stream))["Shards"]
    for shard in shards:
        iterator = (
            await client.get_shard_iterator(
                StreamName=stream, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )
        )["ShardIterator"]
        while True:
            page = await client.get_records(ShardIterator=iterator, Limit=10_000)
            found.extend((record["PartitionKey"], record["Data"]) for record in page["Records"])
            if not page["Records"]:
                break
            iterator = page["NextShardIterator"]
    return found


async def queue_messages(client: SQSClient, queue_url: str) -> list[dict[str, Any]]:
    """Every message on the queue (received once, hidden for a minute)."""
    found: list[dict[str, Any]] = []
    while True:
        page = await client.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=0,
            VisibilityTimeout=60,
            MessageSystemAttributeNames=["All"],
        )
        messages = page.get("Messages", [])
        if not messages:
            return found
        found.extend(dict(message) for message in messages)


Plan = Callable[[int, list[str]], dict[int, dict[str, Any]]]
"""(call number from 1, event ids of the call) -> {index: the failure to answer for that record}."""


def fail_on_first_call(failures: dict[str, dict[str, Any]]) -> Plan:
    """Answer `failures[event id]` for those records on the first call only."""

    def plan(call: int, ids: list[str]) -> dict[int, dict[str, Any]]:
        if call > 1:
            return {}
        return {index: failures[one] for index, one in enumerate(ids) if one in failures}

    return plan


def fail_always(failures: dict[str, dict[str, Any]]) -> Plan:
    def plan(_call: int, ids: list[str]) -> dict[int, dict[str, Any]]:
        return {index: failures[one] for index, one in enumerate(ids) if one in failures}

    return plan


class Recorder:
    """Replaces one client operation: records each call's event ids, then answers through `answer`."""

    def __init__(self, answer: Callable[..., Awaitable[Any]]) -> None:
        self.calls: list[list[str]] = []
        self._answer = answer

    async def __call__(self, **request: Any) -> Any:
        return await self._answer(**request)


def faulty_put_records(client: KinesisClient, plan: Plan) -> Recorder:
    """PutRecords that fails the records `plan` names (they never reach moto) and forwards the rest."""
    real = client.put_records

    async def answer(**request: Any) -> Any:
        records = request["Records"]
        ids = [event_id(record["Data"]) for record in records]
        recorder.calls.append(ids)
        failing = plan(len(recorder.calls), ids)
        forward = [record for index, record in enumerate(records) if index not in failing]
        response: dict[str, Any] = {"FailedRecordCount": 0, "Records": []}
        if forward:
            response = dict(await real(**{**request, "Records": forward}))
        delivered = iter(response["Records"])
        merged = [failing[index] if index in failing else next(delivered) for index in range(len(records))]
        return {**response, "Records": merged, "FailedRecordCount": response["FailedRecordCount"] + len(failing)}

    recorder = Recorder(answer)
    client.put_records = recorder  # type: ignore[method-assign]
    return recorder


def faulty_send_message_batch(client: SQSClient, plan: Plan) -> Recorder:
    """SendMessageBatch that answers `Failed` for the entries `plan` names (they never reach moto)."""
    real = client.send_message_batch

    async def answer(**request: Any) -> Any:
        entries = request["Entries"]
        ids = [item["Id"] for item in entries]
        recorder.calls.append(ids)
        failing = plan(len(recorder.calls), ids)
        forward = [item for index, item in enumerate(entries) if index not in failing]
        response: dict[str, Any] = {"Successful": [], "Failed": []}
        if forward:
            response = dict(await real(**{**request, "Entries": forward}))
        failed = [{"Id": ids[index], **failure} for index, failure in failing.items()]
        return {**response, "Failed": [*response.get("Failed", []), *failed]}

    recorder = Recorder(answer)
    client.send_message_batch = recorder  # type: ignore[method-assign]
    return recorder


def client_error(code: str, message: str, *, status: int, operation: str) -> ClientError:
    """The error botocore raises for an error answer."""
    answer: Any = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}
    return ClientError(answer, operation)


def ids_of(entries: Iterable[OutboxEntry]) -> list[str]:
    return [one.id for one in entries]
