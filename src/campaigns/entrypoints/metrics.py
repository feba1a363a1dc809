"""The Prometheus metrics of the process: shared by the HTTP app and the scheduler.

Under `campaigns serve` every worker writes its metrics to files in one directory and `/metrics`
of any worker sums them all (prometheus-client's multiprocess mode, `share_across_processes`), so
an instance answers one set of counters however many workers it runs and whichever one is asked.
Elsewhere (the `scheduler` command, tests) the metrics live in the process's memory as usual.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess, values

from campaigns.application.outbox import OutboxStats
from campaigns.application.use_cases.refresh_lifecycle import RefreshReport

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
"""prometheus-client's variable: set, metrics are kept in files in that directory, one per process and kind."""


def share_across_processes(directory: Path) -> None:
    """Metrics created from now on, here and in the processes forked from here, go to files in `directory`.

    prometheus-client reads the variable once, when it is imported, and this process imported it
    already (the command line loads the container): its choice is made again now. Call it before
    any metric is created and before the workers fork.
    """
    os.environ[MULTIPROCESS_DIR] = str(directory)
    values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]


def forget_process(pid: int) -> None:
    """Drop what a process that is gone reported to the `live…` gauges; its counters stay in the sums."""
    multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


class Metrics:
    """Every metric the service exports, in one registry (a fresh one per app keeps tests apart).

    `exposition()` is what `/metrics` answers: this registry, or under multiprocess mode the sum of
    every process's files. Each gauge says how processes' values combine (`multiprocess_mode`).
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        if directory := os.environ.get(MULTIPROCESS_DIR):
            self._exposed = CollectorRegistry()
            multiprocess.MultiProcessCollector(self._exposed, path=directory)  # type: ignore[no-untyped-call]
        else:
            self._exposed = self.registry
        self.requests = Counter(
            "http_requests", "HTTP requests served.", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency.",
            ["method", "route", "status"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
            registry=self.registry,
        )
        self.transitions = Counter(
            "campaign_transitions",
            "Lifecycle transitions applied.",
            ["from_status", "to_status"],
            registry=self.registry,
        )
        self.transition_lateness = Histogram(
            "campaign_transition_lateness_seconds",
            "Seconds between a scheduled transition falling due and being applied.",
            buckets=(1, 5, 15, 30, 60, 120, 300, 900, 3600),
            registry=self.registry,
        )
        # The outbox gauges are snapshots of the store, the same whichever process took them: the latest
        # one from a live process is the answer. A sum would count the backlog once per process that
        # reported it (two schedulers, or a respawned worker beside its predecessor's file), and a gone
        # process's snapshot only grows stale.
        self.outbox_backlog = Gauge(
            "outbox_backlog",
            "Outbox entries a sink has not taken yet.",
            ["sink"],
            registry=self.registry,
            multiprocess_mode="livemostrecent",
        )
        self.outbox_parked = Gauge(
            "outbox_parked",
            "Outbox entries parked after a sink rejected them.",
            ["sink"],
            registry=self.registry,
            multiprocess_mode="livemostrecent",
        )
        self.redis_degraded = Counter(
            "redis_degraded",
            "Lookups by domain answered from the store because Redis could not be asked.",
            registry=self.registry,
        )
        self.outbox_lag = Gauge(
            "outbox_lag_seconds",
            "Seconds since the event of a sink's oldest pending entry (0 when it has none).",
            ["sink"],
            registry=self.registry,
            multiprocess_mode="livemostrecent",
        )

    def exposition(self) -> bytes:
        return generate_latest(self._exposed)

    def record_outbox(self, sink: str, stats: OutboxStats, *, now: dt.datetime) -> None:
        self.outbox_backlog.labels(sink).set(stats.backlog)
        self.outbox_parked.labels(sink).set(stats.parked)
        lag = (now - stats.oldest_pending_at).total_seconds() if stats.oldest_pending_at is not None else 0.0
        self.outbox_lag.labels(sink).set(max(lag, 0.0))

    def record_refresh(self, report: RefreshReport) -> None:
        """Count applied transitions and how late each was, whoever ran the refresh."""
        if report.dry_run:
            return
        for change in report.campaigns:
            self.transitions.labels(change.from_, change.to).inc()
            if change.due_at is not None:
                self.transition_lateness.observe((report.at - change.due_at).total_seconds())
