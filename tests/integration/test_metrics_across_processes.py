"""Metrics shared by processes (as `serve`'s workers share them): counters summed, outbox gauges the latest live one.

Each "worker" is a Python process of its own that switches to the shared directory, reports and exits;
this test reads the directory as `/metrics` does. Switching is done in the children only: it changes
prometheus-client for the rest of the process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector

from campaigns.entrypoints.metrics import MULTIPROCESS_DIR, forget_process

WORKER = """
import datetime as dt, os, sys
from pathlib import Path
from campaigns.application.outbox import OutboxStats
from campaigns.entrypoints.metrics import Metrics, share_across_processes

share_across_processes(Path(sys.argv[1]))
metrics = Metrics()
metrics.requests.labels("GET", "/heartbeat", "200").inc()
now = dt.datetime.now(dt.UTC)
metrics.record_outbox("kinesis", OutboxStats(backlog=int(sys.argv[2]), parked=0, oldest_pending_at=None), now=now)
print(os.getpid())
"""


def _report(directory: Path, backlog: int) -> int:
    """A process that counts one request and reports `backlog`; its pid."""
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", WORKER, str(directory), str(backlog)], capture_output=True, text=True, check=True
    )
    return int(done.stdout)


def _read(directory: Path) -> dict[str, float]:
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))  # type: ignore[no-untyped-call]
    requests = registry.get_sample_value(
        "http_requests_total", {"method": "GET", "route": "/heartbeat", "status": "200"}
    )
    backlog = registry.get_sample_value("outbox_backlog", {"sink": "kinesis"})
    return {name: value for name, value in (("requests", requests), ("backlog", backlog)) if value is not None}


def test_counters_add_up_and_the_backlog_is_the_latest_snapshot_of_a_live_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MULTIPROCESS_DIR, str(tmp_path))
    first = _report(tmp_path, backlog=7)
    second = _report(tmp_path, backlog=3)

    both = _read(tmp_path)
    forget_process(second)
    first_only = _read(tmp_path)
    forget_process(first)
    none_live = _read(tmp_path)

    assert both == {"requests": 2.0, "backlog": 3.0}  # not 10: one backlog, reported twice
    assert first_only == {"requests": 2.0, "backlog": 7.0}
    assert none_live == {"requests": 2.0}  # a gone process's counts stay; its snapshot does not
