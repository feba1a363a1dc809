"""Correlation ids, access logs and Prometheus request metrics, as one plain ASGI middleware."""

from __future__ import annotations

import itertools
import os
import time

import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import Counter, Histogram

from campaigns.entrypoints.logging import CORRELATION_ID
from campaigns.entrypoints.metrics import Metrics

CORRELATION_HEADER = b"x-titan-correlation-id"

log = structlog.get_logger("campaigns.http")


class RequestContextMiddleware:
    """Echo or mint `x-titan-correlation-id`, bind it to every log line, and measure the request.

    This runs on every request, the hottest path included, so it keeps per-request work small:
    a plain context variable instead of structlog's bind, and metric children looked up once per
    (method, route, status).
    """

    def __init__(self, app: ASGIApp, metrics: Metrics, *, log_requests: bool) -> None:
        self._app = app
        self._metrics = metrics
        self._log_requests = log_requests
        self._children: dict[tuple[str, str, str], tuple[Counter, Histogram]] = {}
        self._id_prefix = os.urandom(8).hex()
        self._id_sequence = itertools.count()

    def _new_correlation_id(self) -> bytes:
        """Unique per process (random prefix) and per request (sequence), without a syscall per request."""
        return f"{self._id_prefix}{next(self._id_sequence):016x}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self._app(scope, receive, send)
            return
        correlation_id = _header(scope, CORRELATION_HEADER) or self._new_correlation_id()
        started = time.perf_counter()
        status = 500

        async def send_with_context(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (CORRELATION_HEADER, correlation_id)]
            await send(message)

        token = CORRELATION_ID.set(correlation_id.decode("latin-1"))
        try:
            await self._app(scope, receive, send_with_context)
        finally:
            elapsed = time.perf_counter() - started
            labels = (scope["method"], scope.get("path_template") or "unmatched", str(status))
            if (children := self._children.get(labels)) is None:
                children = self._children[labels] = (
                    self._metrics.requests.labels(*labels),
                    self._metrics.latency.labels(*labels),
                )
            children[0].inc()
            children[1].observe(elapsed)
            if self._log_requests:
                log.info("request", method=labels[0], path=scope["path"], status=status, duration_ms=elapsed * 1000)
            CORRELATION_ID.reset(token)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return value
    return None
