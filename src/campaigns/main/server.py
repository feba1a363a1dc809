"""`campaigns serve` on granian: worker processes sharing one socket, the scheduler in the first one only.

See docs/adr/0013-granian-server.md for why granian and how its settings were chosen.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from granian.constants import HTTPModes, Interfaces, Loops
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server import MPServer
from litestar.types import ASGIApp

from campaigns.config import Settings
from campaigns.container import build_container
from campaigns.entrypoints.logging import configure_logging
from campaigns.main.app import create_app_from_container

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
    """Tells each worker's app loader which worker it is loading for (granian does not pass it on)."""

    def _spawn_worker(self, idx: Any, target: Any, callback_loader: Callable[..., ASGIApp], *rest: Any) -> Any:
        return super()._spawn_worker(idx, target, functools.partial(callback_loader, worker=idx), *rest)


def serve(settings: Settings, address: str) -> None:
    """Serve until SIGTERM or SIGINT, then drain in-flight requests, stop the scheduler and close the store.

    `address` is an IP address (granian binds literals only: `startup.listen_address` resolves the host).
    Returns once every worker stopped; raises SystemExit(1) if a worker died on its own.
    """
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
    )
    configure_logging(settings.log_level)  # granian's logging set-up closed the root handler
    server.serve(target_loader=functools.partial(worker_app, settings), wrap_loader=False)
