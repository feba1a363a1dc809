"""Correlation ids, access logs and Prometheus request metrics, as one plain ASGI middleware."""

from __future__ import annotations

import time
import uuid

import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

CORRELATION_HEADER = b"x-titan-correlation-id"

log = structlog.get_logger("campaigns.http")


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
        self.outbox_backlog = Gauge("outbox_backlog", "Outbox entries not yet delivered.", registry=self.registry)
        self.outbox_parked = Gauge(
            "outbox_parked", "Outbox entries parked after a sink rejected them.", registry=self.registry
        )


class RequestContextMiddleware:
    """Echo or mint `x-titan-correlation-id`, bind it to every log line, and measure the request."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self._app = app
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self._app(scope, receive, send)
            return
        correlation_id = _header(scope, CORRELATION_HEADER) or uuid.uuid4().hex.encode()
        started = time.perf_counter()
        status = 500

        async def send_with_context(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (CORRELATION_HEADER, correlation_id)]
            await send(message)

        with structlog.contextvars.bound_contextvars(correlationId=correlation_id.decode("latin-1")):
            try:
                await self._app(scope, receive, send_with_context)
            finally:
                elapsed = time.perf_counter() - started
                route = scope.get("path_template") or "unmatched"
                labels = (scope["method"], route, str(status))
                self._metrics.requests.labels(*labels).inc()
                self._metrics.latency.labels(*labels).observe(elapsed)
                log.info(
                    "request", method=scope["method"], path=scope["path"], status=status, duration_ms=elapsed * 1000
                )


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return value
    return None
