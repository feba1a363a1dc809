"""The Prometheus metrics of the process: shared by the HTTP app and the scheduler."""

from __future__ import annotations

import datetime as dt

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from campaigns.application.ports import OutboxStats
from campaigns.application.use_cases.refresh_lifecycle import RefreshReport


class Metrics:
    """Every metric the service exports, in one registry (a fresh one per app keeps tests apart)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
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
        self.outbox_backlog = Gauge(
            "outbox_backlog", "Outbox entries a sink has not taken yet.", ["sink"], registry=self.registry
        )
        self.outbox_parked = Gauge(
            "outbox_parked", "Outbox entries parked after a sink rejected them.", ["sink"], registry=self.registry
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
        )

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
