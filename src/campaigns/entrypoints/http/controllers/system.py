"""Operational endpoints: heartbeat and metrics."""

from __future__ import annotations

import msgspec
from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from prometheus_client import CONTENT_TYPE_LATEST

from campaigns.application.use_cases.check_health import CheckHealth
from campaigns.entrypoints.metrics import Metrics


class HeartbeatView(msgspec.Struct, kw_only=True):
    status: str
    store: str | None = None


class SystemController(Controller):
    tags = ["system"]

    @get(
        "/heartbeat",
        operation_id="heartbeat",
        summary="Is the service up (and its store, with deep=true)",
        description="200 while the process is up; with `deep=true` the store must answer too (else 503).",
    )
    async def heartbeat(
        self,
        check_health: NamedDependency[CheckHealth],
        deep: FromQuery[bool] = False,
    ) -> HeartbeatView:
        if not deep:
            return HeartbeatView(status="ok")
        await check_health.execute()
        return HeartbeatView(status="ok", store="ok")

    @get(
        "/metrics",
        operation_id="metrics",
        summary="Prometheus metrics",
        description="Prometheus text format.",
        include_in_schema=True,
        media_type=CONTENT_TYPE_LATEST,
    )
    async def metrics(self, metrics: NamedDependency[Metrics]) -> Response[bytes]:
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
