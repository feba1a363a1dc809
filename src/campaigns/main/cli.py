"""The `campaigns` command line: serve, scheduler, refresh, token, db init, outbox status."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, TypeVar

import msgspec
import typer
import uvicorn
import uvloop
from uvicorn.config import STARTUP_FAILURE

from campaigns.adapters.dev_jwt_keys import DevKeyPair
from campaigns.application.errors import DependencyUnavailable
from campaigns.application.ports import OutboxStats
from campaigns.application.use_cases.refresh_lifecycle import RefreshReport
from campaigns.config import ConfigurationError, Settings, load_settings
from campaigns.container import Container, build_container, resolve
from campaigns.domain.permissions import Action
from campaigns.entrypoints.logging import configure_logging
from campaigns.main.app import create_app_from_container
from campaigns.main.startup import NotReady, check_store, unavailable

T = TypeVar("T")

cli = typer.Typer(no_args_is_help=True, add_completion=False, help="Presale campaign service.")
db_cli = typer.Typer(no_args_is_help=True, help="Database maintenance.")
outbox_cli = typer.Typer(no_args_is_help=True, help="Outbox inspection.")
cli.add_typer(db_cli, name="db")
cli.add_typer(outbox_cli, name="outbox")

_TTL = re.compile(r"^(?P<amount>\d+)(?P<unit>[smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def _settings(**overrides: object) -> Settings:
    try:
        settings = load_settings(overrides=overrides)
    except ConfigurationError as error:
        typer.echo(f"configuration error: {error}", err=True)
        raise typer.Exit(code=2) from error
    configure_logging(settings.log_level)
    return settings


@asynccontextmanager
async def _running(settings: Settings, *, in_service: bool = True) -> AsyncIterator[Container]:
    """The container with its resources open and its store checked (`check_store`), closed on the way out.

    Every command starts here, `serve` included: the one place resources are opened and closed.
    """
    container = build_container(settings)
    try:
        try:
            await container.init_resources()  # type: ignore[misc]
            await check_store(await resolve(container.database), settings, in_service=in_service)
        except DependencyUnavailable as error:
            raise unavailable(settings, error) from error
        yield container
    finally:
        await container.shutdown_resources()  # type: ignore[misc]


def _run(
    settings: Settings,
    job: Callable[[Container], Awaitable[T]],
    *,
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None,
    in_service: bool = True,
) -> T:
    """Run `job` on a started container; a store that is not ready exits 2 with its one line on stderr."""

    async def main() -> T:
        async with _running(settings, in_service=in_service) as container:
            return await job(container)

    try:
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            return runner.run(main())
    except NotReady as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=2) from error


@cli.command()
def serve(port: Annotated[int | None, typer.Option(help="Overrides CAMPAIGNS_PORT.")] = None) -> None:
    """Run the HTTP API; in the embedded profile, the lifecycle scheduler and the outbox relay too."""
    settings = _settings(port=port)

    async def job(container: Container) -> None:
        # Production runs `campaigns scheduler` processes of its own, so API instances stay stateless.
        app = create_app_from_container(container, run_scheduler=settings.profile == "embedded")
        config = uvicorn.Config(
            app, host=settings.host, port=settings.port, log_config=None, access_log=False, lifespan="on"
        )
        server = uvicorn.Server(config)
        await server.serve()
        if not server.started:  # the port is taken, say: uvicorn logged why
            raise typer.Exit(code=STARTUP_FAILURE)

    # uvicorn drains in-flight requests and runs the lifespan shutdown, then re-raises the signal to
    # the handler it found installed: make that handler a clean exit, the end of an orderly stop.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _exit_cleanly)
    _run(settings, job, loop_factory=uvloop.new_event_loop)


@cli.command()
def scheduler() -> None:
    """Tick the lifecycle and relay the outbox until SIGTERM or SIGINT (safe to run several)."""
    settings = _settings()
    for signum in (signal.SIGTERM, signal.SIGINT):  # while starting; running, the loop's handlers take over
        signal.signal(signum, _exit_cleanly)

    async def job(container: Container) -> None:
        loops = await resolve(container.scheduler)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, loops.stop)
        await loops.run()

    _run(settings, job)


@cli.command()
def refresh(dry_run: Annotated[bool, typer.Option("--dry-run", help="Report without applying.")] = False) -> None:
    """Apply every due transition once and print what changed, as JSON."""

    async def job(container: Container) -> RefreshReport:
        return await (await resolve(container.refresh_lifecycle)).execute(dry_run=dry_run)

    report = _run(_settings(), job)
    typer.echo(msgspec.json.format(msgspec.json.encode(report)).decode())


@cli.command()
def token(
    supreme: Annotated[bool, typer.Option("--supreme", help="Grant everything.")] = False,
    campaign: Annotated[list[str] | None, typer.Option("--campaign", help="ID:read,write,admin (repeatable).")] = None,
    user: Annotated[str, typer.Option("--user", help="The token's userId.")] = "dev",
    ttl: Annotated[str, typer.Option("--ttl", help="Lifetime: 30s, 15m, 1h, 7d.")] = "1h",
) -> None:
    """Print a dev JWT signed with the embedded key pair (created under the data dir if missing)."""
    settings = _settings()
    claims: dict[str, object] = {"userId": user, "supreme": supreme, "campaignActions": _grants(campaign or [])}
    if settings.jwt_issuer:
        claims["iss"] = settings.jwt_issuer
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    now = dt.datetime.now(dt.UTC)
    typer.echo(DevKeyPair(settings.dev_key_dir).mint(claims, ttl=_lifetime(ttl), now=now))


@db_cli.command("init")
def db_init() -> None:
    """Create the store's tables and indexes and print their names (idempotent)."""

    async def job(container: Container) -> list[str]:
        return await (await resolve(container.database)).ensure_indexes()

    settings = _settings()
    # Only that the store answers: this is what gives it its indexes (a standalone server can be
    # prepared too, though the service refuses to run on one).
    created = _run(settings, job, in_service=False)
    for name in created:
        typer.echo(f"created: {name}")
    typer.echo(f"store ready: {settings.store_description} ({len(created)} created)")


@outbox_cli.command("status")
def outbox_status() -> None:
    """Print the outbox backlog and parked entries, as JSON."""

    async def job(container: Container) -> OutboxStats:
        return await (await resolve(container.outbox)).stats()

    stats = _run(_settings(), job)
    typer.echo(msgspec.json.format(msgspec.json.encode(stats)).decode())


@outbox_cli.command("requeue")
def outbox_requeue() -> None:
    """Put every parked entry back in line, once whatever made a sink reject it is fixed."""

    async def job(container: Container) -> int:
        return await (await resolve(container.outbox)).requeue_parked()

    typer.echo(f"requeued: {_run(_settings(), job)}")


@outbox_cli.command("purge")
def outbox_purge(
    older_than: Annotated[
        str | None,
        typer.Option("--older-than", help="e.g. 7d or 12h; default CAMPAIGNS_OUTBOX_RETENTION_HOURS."),
    ] = None,
) -> None:
    """Delete entries delivered longer ago than the retention period (the scheduler does this hourly)."""
    retention = _lifetime(older_than, "--older-than") if older_than is not None else None

    async def job(container: Container) -> int:
        return await (await resolve(container.purge_outbox)).execute(retention)

    typer.echo(f"purged: {_run(_settings(), job)}")


def _exit_cleanly(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def _grants(specs: list[str]) -> dict[str, list[str]]:
    grants: dict[str, list[str]] = {}
    for spec in specs:
        campaign_id, _, names = spec.partition(":")
        actions = [name.strip() for name in names.split(",") if name.strip()]
        if not campaign_id or not actions or any(a not in Action.__members__.values() for a in actions):
            raise typer.BadParameter(f"{spec!r}: expected ID:read,write,admin", param_hint="--campaign")
        grants[campaign_id] = actions
    return grants


def _lifetime(text: str, option: str = "--ttl") -> dt.timedelta:
    match = _TTL.match(text.strip())
    if not match:
        raise typer.BadParameter(f"{text!r}: expected a number and s, m, h or d", param_hint=option)
    return dt.timedelta(**{_UNITS[match["unit"]]: int(match["amount"])})


def main() -> None:
    cli()
