"""The long-running commands: `serve` (the HTTP API) and `scheduler` (the lifecycle and the outbox relay).

Both trap SIGTERM and SIGINT while they start, so a stop before the server or loop takes over is
still a clean exit 0.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Annotated

import structlog
import typer

from campaigns.main import server
from campaigns.main.cli.running import command_settings, exit_cleanly, ready_or_exit, run_job
from campaigns.main.container import Container, resolve
from campaigns.main.startup import check_jwt_key, listen_address, prepare_data_dir

log = structlog.get_logger("campaigns.main")


def serve(
    port: Annotated[int | None, typer.Option(metavar="N", help="Overrides CAMPAIGNS_PORT.")] = None,
    workers: Annotated[
        int | None, typer.Option(metavar="N", help="Worker processes; overrides CAMPAIGNS_WORKERS (1).")
    ] = None,
) -> None:
    """Run the HTTP API; in the embedded profile, the lifecycle scheduler and the outbox relay too (in one worker).

    Every check runs before the first worker starts, each failure one line on stderr and exit code 2.
    SIGTERM or SIGINT: in-flight requests finish, the scheduler ends its tick, the store closes, exit 0.
    """
    settings = command_settings(port=port, workers=workers)
    for signum in (signal.SIGTERM, signal.SIGINT):  # while starting; serving, granian's handlers take over
        signal.signal(signum, exit_cleanly)
    address = ready_or_exit(lambda: listen_address(settings))
    ready_or_exit(lambda: prepare_data_dir(settings))
    dev_keys_created = ready_or_exit(lambda: check_jwt_key(settings))

    async def sink_names(container: Container) -> list[str]:
        """Opening checks the store; it closes again before the workers start, each opening its own."""
        return [sink.route.name for sink in await resolve(container.events.sinks)]

    sinks = run_job(settings, sink_names)
    listen = f"http://{address}:{settings.port}" if ":" not in address else f"http://[{address}]:{settings.port}"
    log.info(
        "service_starting",
        profile=settings.profile,
        store=settings.store_description,
        data_dir=str(Path(settings.data_dir).resolve()),
        dev_keys=("created" if dev_keys_created else "found") if not settings.jwt_public_key else "not used",
        scheduler="in worker 1" if settings.profile == "embedded" else "not here: run `campaigns scheduler`",
        tick_seconds=settings.tick_seconds,
        relay_seconds=settings.relay_seconds,
        listen=listen,
        api_page=f"{listen}/schema",
        sinks=sinks,
        workers=settings.workers,
        header_timeout_seconds=settings.http_header_timeout_seconds,
        body_timeout_seconds=settings.http_body_timeout_seconds,
    )
    server.serve(settings, address)
    log.info("service_stopped", listen=listen)


def scheduler() -> None:
    """Tick the lifecycle and relay the outbox until SIGTERM or SIGINT (safe to run several)."""
    settings = command_settings()
    for signum in (signal.SIGTERM, signal.SIGINT):  # while starting; running, the loop's handlers take over
        signal.signal(signum, exit_cleanly)
    ready_or_exit(lambda: prepare_data_dir(settings))

    async def job(container: Container) -> None:
        loops = await resolve(container.jobs.scheduler)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, loops.stop)
        await loops.run()

    run_job(settings, job)
