"""`scripts/stack.sh --serve` takes changes over HTTP to every sink, and stopping it leaves nothing running.

The sinks: Kinesis, both SQS queues, Redis and the Fastly stand-in.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
import redis

from tests.integration.destinations import market_body
from tests.integration.http.support import bearer, valid_campaign_body
from tests.integration.processes import run_campaigns

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
READY_WITHIN = 120.0
"""The script may install and sync first; after that it starts in seconds."""


class StackRun:
    """The script's process and the lines it printed, read as they come."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.process = subprocess.Popen(  # noqa: S603 - the project's own script
            ["/bin/bash", str(ROOT / "scripts/stack.sh"), "--serve", "--ports", "auto", "--dir", str(workdir)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={name: value for name, value in os.environ.items() if not name.startswith("CAMPAIGNS_")},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.printed: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str) -> None:
        deadline = time.monotonic() + READY_WITHIN
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    pytest.fail("stack.sh exited:\n" + "\n".join(self.printed))
                continue
            self.printed.append(line)
            if text in line:
                return
        pytest.fail(f"stack.sh printed no {text!r}:\n" + "\n".join(self.printed))

    @property
    def exports(self) -> dict[str, str]:
        found = (re.match(r"^export (\w+)=(.*)$", line) for line in self.printed)
        return {match[1]: match[2] for match in found if match}


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[StackRun]:
    run = StackRun(tmp_path / "stack")
    try:
        run.wait_for("stack ready")
        yield run
    finally:
        if run.process.poll() is None:
            run.process.send_signal(signal.SIGTERM)
            run.process.wait(timeout=60)


DELIVERED_WITHIN = 90.0
"""A sink the relay found failing is retried with a back-off of up to 30 s (the stand-in refuses some
overlapping transactions, which the relay retries): a change may wait that long, and is never lost."""


def poll(what: str, check: Any, logs: Path) -> Any:
    deadline = time.monotonic() + DELIVERED_WITHIN
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.2)
    tails = "\n".join(
        f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-40:])
        for log in sorted(logs.glob("*.log"))
    )
    pytest.fail(f"no {what} within {DELIVERED_WITHIN:g} s; the stack's logs end with:\n{tails}")


def processes_using(directory: Path) -> list[int]:
    """PIDs of live processes whose command line or environment names `directory`."""
    marker = str(directory).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "cmdline").read_bytes() or marker in (entry / "environ").read_bytes():
                status = (entry / "status").read_text()
                if "State:\tZ" not in status:
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_one_stack_takes_a_change_to_every_sink_and_stops_everything(stack: StackRun) -> None:
    env = {**os.environ, **stack.exports}
    api = f"http://127.0.0.1:{env['CAMPAIGNS_PORT']}"
    minted = run_campaigns("token", "--supreme", env=env)
    assert minted.returncode == 0, minted.stderr
    headers = bearer(minted.stdout.strip())

    created = httpx.post(f"{api}/campaigns", json=valid_campaign_body("stack-site"), headers=headers)
    assert created.status_code == 201, created.text
    campaign_id = created.json()["id"]
    renamed = httpx.post(f"{api}/campaigns/{campaign_id}", json={"name": "Renamed"}, headers=headers)
    assert renamed.status_code == 200, renamed.text
    presale = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    market = httpx.post(
        f"{api}/campaigns/{campaign_id}/markets", json=market_body("Boston", presale, ["E1"]), headers=headers
    )
    assert market.status_code == 201, market.text
    moved = {"event": {"ids": ["E1"], "presaleDateTime": (presale + dt.timedelta(days=1)).isoformat()}}
    updated = httpx.post(f"{api}/campaigns/{campaign_id}/markets/{market.json()['id']}", json=moved, headers=headers)
    assert updated.status_code == 200, updated.text

    aws = {
        "endpoint_url": env["CAMPAIGNS_AWS_ENDPOINT_URL"],
        "region_name": env["CAMPAIGNS_AWS_REGION"],
        "aws_access_key_id": "stack",
        "aws_secret_access_key": "stack",
    }
    kinesis, sqs = boto3.client("kinesis", **aws), boto3.client("sqs", **aws)
    stream = env["CAMPAIGNS_KINESIS_STREAM"]
    shard = kinesis.list_shards(StreamName=stream)["Shards"][0]["ShardId"]

    def stream_types() -> set[str]:
        iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
        records = kinesis.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
        return {json.loads(record["Data"])["type"] for record in records}

    def queued_types(url: str) -> set[str]:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        return {json.loads(message["Body"])["type"] for message in messages}

    assert poll(
        "campaign events on Kinesis",
        lambda: {"campaign.created", "campaign.event-mapping"} <= stream_types(),
        stack.workdir,
    )
    assert poll(
        "a market on the data pipeline queue",
        lambda: "market.created" in queued_types(env["CAMPAIGNS_DATA_PIPELINE_QUEUE_URL"]),
        stack.workdir,
    )
    assert poll(
        "a presale change on the refresh selections queue",
        lambda: "market.presale-changed" in queued_types(env["CAMPAIGNS_REFRESH_SELECTIONS_QUEUE_URL"]),
        stack.workdir,
    )
    documents = redis.Redis.from_url(env["CAMPAIGNS_REDIS_URL"])
    document = poll(
        "the campaign document in Redis", lambda: documents.get(f"campaign:id:{campaign_id}"), stack.workdir
    )
    assert json.loads(document)["name"] == "Renamed"
    purges = stack.workdir / "fastly-purges.jsonl"
    purged = poll("a purge at the Fastly stand-in", lambda: purges.exists() and purges.read_text(), stack.workdir)
    assert f"campaign-{campaign_id}" in purged

    stack.process.send_signal(signal.SIGTERM)
    assert stack.process.wait(timeout=60) == 0
    pids = [int(line.split()[0]) for line in (stack.workdir / "pids").read_text().splitlines()]
    assert len(pids) == 6, "redis, its replica, moto, the MongoDB stand-in, serve and the scheduler"
    assert processes_using(stack.workdir) == [], "nothing the stack started is left running"
