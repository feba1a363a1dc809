"""Events per second the relay delivers to Kinesis (on moto), beside the local JSON-lines sink.

For each sink, a fresh embedded store (SQLite) is composed exactly as the service composes it
(`build_container`; `CAMPAIGNS_KINESIS_STREAM` and `CAMPAIGNS_AWS_ENDPOINT_URL` for Kinesis, none of
them for the JSON-lines file), its outbox seeded with `--events` committed campaign events (default
20,000, spread over 1,000 campaigns, about 300 bytes each as CloudEvents), and the relay
(`RelayOutbox.execute`, batches of 500: one PutRecords call each) drains that sink's backlog.
Measured: from the first batch read to the last acknowledged, so outbox reads and acknowledgements
count. Then, for comparison, the sink alone (`deliver` on the same entries in batches of 500, no
outbox) and, for Kinesis, bare PutRecords calls on records encoded beforehand (moto's ceiling).
Kinesis records are counted back from the stream after each run.

moto's own ceiling here is about 9,800 records/s on an idle machine (docs/development.md), and
moto runs on the same two cores as the relay, so a busy machine lowers both. Target: >= 5,000
events/s to Kinesis through the relay. PASS/FAIL line, never asserts. `bench/relay.sh` starts
moto_server on a free port and stops it by PID.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import msgspec

from campaigns.application.event_catalogue import encode
from campaigns.application.ports.outbox import EventSink
from campaigns.config import load_settings
from campaigns.domain.events import CampaignEventIdsMapped
from campaigns.main.container import Container, build_container, opened, resolve

TARGET = 5_000.0
BATCH = 500
CAMPAIGNS = 1_000
SEED_PER_COMMIT = 5_000
SHARDS = 16
"""moto finds a shard's last sequence number by listing all its records on every put, so a put slows
as its shard fills: more shards keep moto's own cost flat over the run (real Kinesis has no such cost)."""
AT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


class Run(msgspec.Struct, frozen=True, kw_only=True):
    sink: str
    path: str
    """`relay` (outbox reads, delivery, acknowledgements), `sink alone` (`deliver` only) or `PutRecords`
    (the client alone on pre-encoded records: moto's ceiling on this machine, this run)."""
    events: int
    delivered: int
    seconds: float
    landed: int | None = None
    """Records counted back on the stream (Kinesis only)."""

    @property
    def rate(self) -> float:
        return self.delivered / self.seconds


@asynccontextmanager
async def composed(data_dir: Path, environ: dict[str, str]) -> AsyncIterator[Container]:
    settings = load_settings(environ={"CAMPAIGNS_DATA_DIR": str(data_dir), **environ})
    async with opened(build_container(settings)) as container:
        await (await resolve(container.store.database)).ensure_indexes()
        yield container


async def seed(container: Container, events: int) -> None:
    """`events` campaign events, committed `SEED_PER_COMMIT` at a time, as the use cases write them."""
    campaigns = [uuid.uuid4().hex[:24] for _ in range(CAMPAIGNS)]
    units = await resolve(container.store.unit_of_work)
    for start in range(0, events, SEED_PER_COMMIT):
        async with units() as uow:
            uow.outbox.append(
                [
                    CampaignEventIdsMapped(
                        occurred_at=AT,
                        campaign_id=campaigns[n % CAMPAIGNS],
                        event_ids=[f"G5v0Z9{n:010d}", f"Z7r9jZ{n:010d}", f"1A9Zk{n:011d}"],
                    )
                    for n in range(start, min(start + SEED_PER_COMMIT, events))
                ]
            )
            await uow.commit()


def chosen(sinks: Sequence[EventSink], name: str) -> EventSink:
    for sink in sinks:
        if sink.route.name == name:
            return sink
    raise SystemExit(f"no {name} sink is configured (have: {[sink.route.name for sink in sinks]})")


async def measure(name: str, environ: dict[str, str], events: int, *, path: str = "relay") -> Run:
    """One fresh store, stream and sink; `events` delivered along `path` (see `PATHS`)."""
    stream = environ.get("CAMPAIGNS_KINESIS_STREAM")
    with tempfile.TemporaryDirectory(prefix="bench-relay-") as tmp:
        async with composed(Path(tmp), environ) as container:
            client: Any = None
            if stream is not None:
                client = await resolve(container.events.kinesis_client)
                await client.create_stream(StreamName=stream, ShardCount=SHARDS)
            await seed(container, events)
            relay = await resolve(container.jobs.relay_outbox)
            sink = chosen(relay.sinks, name)
            backlog = await (await resolve(container.store.outbox)).pending(sink.route, events)
            started = time.perf_counter()
            if path == "relay":
                delivered = (await relay.execute(sink)).delivered
            elif path == "sink alone":
                for begin in range(0, len(backlog), BATCH):
                    await sink.deliver(backlog[begin : begin + BATCH])
                delivered = len(backlog)
            else:  # "PutRecords": the client alone, on records encoded beforehand
                records = [{"Data": encode(one), "PartitionKey": one.event.aggregate_id} for one in backlog]
                started = time.perf_counter()
                for begin in range(0, len(records), BATCH):
                    await client.put_records(StreamName=stream, Records=records[begin : begin + BATCH])
                delivered = len(records)
            seconds = time.perf_counter() - started
            landed = await count_records(client, stream) if stream is not None else None
    return Run(sink=name, path=path, events=events, delivered=delivered, seconds=seconds, landed=landed)


async def count_records(client: Any, stream: str) -> int:
    total = 0
    for shard in (await client.list_shards(StreamName=stream))["Shards"]:
        iterator = (
            await client.get_shard_iterator(
                StreamName=stream, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )
        )["ShardIterator"]
        while True:
            page = await client.get_records(ShardIterator=iterator, Limit=10_000)
            if not page["Records"]:
                break
            total += len(page["Records"])
            iterator = page["NextShardIterator"]
    return total


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint-url", required=True, help="moto_server (bench/relay.sh starts one)")
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()
    for name, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}.items():
        os.environ.setdefault(name, value)

    def kinesis(tag: str) -> dict[str, str]:
        stream = f"bench-{tag}-{uuid.uuid4().hex[:8]}"
        return {"CAMPAIGNS_KINESIS_STREAM": stream, "CAMPAIGNS_AWS_ENDPOINT_URL": args.endpoint_url}

    # Warm up (imports, the botocore service model, moto's first requests), then the measured runs.
    await measure("kinesis", kinesis("warm"), 1_000)
    runs = [
        await measure("kinesis", kinesis("relay"), args.events),
        await measure("kinesis", kinesis("alone"), args.events, path="sink alone"),
        await measure("kinesis", kinesis("raw"), args.events, path="PutRecords"),
        await measure("json-lines", {}, args.events),
        await measure("json-lines", {}, args.events, path="sink alone"),
    ]

    print(f"{args.events:,} events in batches of {BATCH}: SQLite outbox, Kinesis on moto at {args.endpoint_url}")
    print(f"{'sink':<12} {'path':<11} {'events/s':>10} {'seconds':>8} {'on stream':>10}")
    for run in runs:
        landed = "" if run.landed is None else f"{run.landed:,}"
        print(f"{run.sink:<12} {run.path:<11} {run.rate:>10,.0f} {run.seconds:>8.2f} {landed:>10}")
    relayed, raw, json_lines = runs[0], runs[2], runs[3]
    complete = relayed.delivered == args.events and relayed.landed == args.events
    ok = relayed.rate >= TARGET and complete
    print(
        f"{'PASS' if ok else 'FAIL'}: {relayed.rate:,.0f} events/s to Kinesis through the relay"
        f" (target >= {TARGET:,.0f}; {relayed.rate / raw.rate:.0%} of bare PutRecords on this moto, this run;"
        f" JSON-lines sink {json_lines.rate:,.0f} events/s);"
        f" every event on the stream: {'yes' if complete else 'NO'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
