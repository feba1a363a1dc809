"""Operational endpoints: heartbeat and metrics."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get
from litestar.params import Dependency, Parameter
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from campaigns.application.ports import UnitOfWorkFactory
from campaigns.entrypoints.http.dtos import HeartbeatView
from campaigns.entrypoints.http.observability import Metrics
from campaigns.entrypoints.http.problems import error_responses


class SystemController(Controller):
    tags = ["system"]

    @get(
        "/heartbeat",
        operation_id="heartbeat",
        description="200 while the process is up; with `deep=true` the store must answer too (else 503).",
        responses=error_responses(503),
    )
    async def heartbeat(
        self,
        unit_of_work: Annotated[UnitOfWorkFactory, Dependency(skip_validation=True)],
        deep: Annotated[bool, Parameter(query="deep")] = False,
    ) -> HeartbeatView:
        if not deep:
            return HeartbeatView(status="ok")
        async with unit_of_work() as uow:
            await uow.campaigns.ping()
        return HeartbeatView(status="ok", store="ok")

    @get("/metrics", operation_id="metrics", description="Prometheus text format.", include_in_schema=True)
    async def metrics(self, metrics: Metrics) -> Response[bytes]:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
