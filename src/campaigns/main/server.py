"""`campaigns serve` on granian: worker processes sharing one socket, the scheduler in the first one only.

See docs/adr/0013-granian-server.md for why granian and how its settings were chosen, and the ADR on
workers as one instance for the metrics they share and the workers that replace those that die.
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from granian.constants import HTTPModes, Interfaces, Loops
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server import MPServer
from litestar.types import ASGIApp

from campaigns.config import Settings
from campaigns.entrypoints.logging import configure_logging
from campaigns.entrypoints.metrics import forget_process, share_across_processes
from campaigns.main.app import create_app_from_container
from campaigns.main.container import build_container

SHUTDOWN_GRACE_SECONDS = 30
"""After SIGTERM, how long a worker may take to finish its in-flight requests (and the scheduler its tick)."""
_GRANIAN_LOGS_TO_ROOT: dict[str, Any] = {
    "handlers": {},
    "loggers": {name: {"handlers": [], "propagate": True} for name in ("_granian", "granian.access")},
}
"""granian's loggers write through the root handler: the same JSON lines on stderr as the service's."""
CONNECTIONS_PER_WORKER = 4096
"""granian's `backpressure`: the connections one worker serves at once (the rest wait to be accepted).

granian holds one permit per connection for the connection's whole life, so its default (the listen
backlog, 1024, over the workers) let about a thousand clients that never finished a body stop every
other request. Slow clients are now cut (headers and an idle start by the header timeout, bodies by
`CAMPAIGNS_HTTP_BODY_TIMEOUT_SECONDS`), and this leaves room for thousands of them held at once
beside the callers that finish their requests; each costs a socket and a small task meanwhile.
"""
SCHEDULER_WORKER = 0
"""The worker that runs the embedded profile's scheduler and relay (granian numbers it worker-1)."""


def worker_app(settings: Settings, *, worker: int) -> ASGIApp:
    """The app of worker `worker`, built in the worker's own process: its own container, store connections, cache.

    Production runs `campaigns scheduler` processes of its own, so its API workers stay stateless; the
    embedded profile's scheduler and relay run in one worker only, however many serve.
    """
    configure_logging(settings.log_level)  # granian configured logging again as the worker started
    container = build_container(settings)
    return create_app_from_container(
        container, run_scheduler=settings.profile == "embedded" and worker == SCHEDULER_WORKER
    )


class _NumberedWorkers(MPServer):
    """Tells each worker's app loader which worker it loads for, and forgets a replaced worker's live gauges.

    granian 2.8 has a public hook for neither: it passes the loader no worker number, and tells no
    one when a worker exits. Every worker it starts, first or replacement, comes through
    `_spawn_worker` with its number: a replacement keeps its predecessor's number (so a respawned
    worker 1 runs the scheduler again), and its predecessor is gone or about to be. The ADR on
    private framework APIs lists this one; its test fails on a granian that starts workers otherwise.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._latest: dict[int, Any] = {}

    def _spawn_worker(self, idx: Any, target: Any, callback_loader: Callable[..., ASGIApp], *rest: Any) -> Any:
        if (replaced := self._latest.get(idx)) is not None and replaced.inner.pid is not None:
            forget_process(replaced.inner.pid)
        worker = super()._spawn_worker(idx, target, functools.partial(callback_loader, worker=idx), *rest)
        self._latest[idx] = worker
        return worker


def serve(settings: Settings, address: str) -> None:
    """Serve until SIGTERM or SIGINT, then drain in-flight requests, stop the scheduler and close the store.

    `address` is an IP address (granian binds literals only: `startup.listen_address` resolves the host).
    A worker that exits on its own is replaced at once (the embedded scheduler with worker 1). Returns
    once every worker stopped; raises SystemExit(1) if a worker exits again within 5.5 s of replacing
    one (granian's crash-loop guard: a worker that cannot start is not restarted forever).
    The workers' metrics live in a fresh temporary directory, removed when `serve` ends.
    """
    with tempfile.TemporaryDirectory(prefix="campaigns-metrics-") as metrics_dir:
        share_across_processes(Path(metrics_dir))
        server = _NumberedWorkers(
            "campaigns.main.server:worker_app",
            address=address,
            port=settings.port,
            interface=Interfaces.ASGI,
            workers=settings.workers,
            loop=Loops.auto,
            # HTTP/1 only: in `auto` mode a connection waits unbounded for the bytes that tell HTTP/2 from
            # HTTP/1, so one that never sends any was held forever; HTTP/1's header timer cuts it.
            http=HTTPModes.http1,
            backpressure=CONNECTIONS_PER_WORKER,
            http1_settings=HTTP1Settings(header_read_timeout=round(settings.http_header_timeout_seconds * 1000)),
            # Its start and stop lines would repeat the service's own; warnings and errors still show.
            log_level=LogLevels.debug if settings.log_level == "DEBUG" else LogLevels.warning,
            log_dictconfig=_GRANIAN_LOGS_TO_ROOT,
            workers_kill_timeout=SHUTDOWN_GRACE_SECONDS,
            respawn_failed_workers=True,
        )
        configure_logging(settings.log_level)  # granian's logging set-up closed the root handler
        server.serve(target_loader=functools.partial(worker_app, settings), wrap_loader=False)
