"""The `campaigns` command line: serve, scheduler, refresh, token, db init, outbox status."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, TypeVar

import msgspec
import structlog
import typer

from campaigns.adapters.local.dev_jwt_keys import DevKeyPair
from campaigns.application.errors import DependencyUnavailable, NotFound
from campaigns.application.outbox import ParkedEntry
from campaigns.application.use_cases.list_scheduled_transitions import Agenda
from campaigns.application.use_cases.refresh_lifecycle import RefreshReport
from campaigns.config import ConfigurationError, Settings, load_settings
from campaigns.domain.errors import InvalidQuery
from campaigns.domain.permissions import Action, Principal
from campaigns.entrypoints.logging import configure_logging
from campaigns.main import server
from campaigns.main.container import Container, build_container, opened, resolve
from campaigns.main.startup import (
    NotReady,
    check_jwt_key,
    check_store,
    listen_address,
    prepare_data_dir,
    require_existing_store,
    unavailable,
)

T = TypeVar("T")

log = structlog.get_logger("campaigns.main")

cli = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # plain click help: flags show as flags, not as `<bool>` options
    help="Presale campaign service.",
)
db_cli = typer.Typer(no_args_is_help=True, help="Database maintenance.")
outbox_cli = typer.Typer(no_args_is_help=True, help="Outbox inspection.")
cli.add_typer(db_cli, name="db")
cli.add_typer(outbox_cli, name="outbox")


def _print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"campaigns {version('campaigns')}")
        raise typer.Exit


@cli.callback()
def _options(
    _version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Presale campaign service."""


OPERATOR = Principal(user_id="cli", supreme=True)
"""Who the read-only operator commands act as: they run on the service's own machine, with its configuration."""

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
    async with AsyncExitStack() as stack:
        try:
            container = await stack.enter_async_context(opened(build_container(settings)))
            await check_store(await resolve(container.store.database), settings, in_service=in_service)
        except DependencyUnavailable as error:
            raise unavailable(settings, error) from error
        yield container


def _run(
    settings: Settings,
    job: Callable[[Container], Awaitable[T]],
    *,
    in_service: bool = True,
    read_only: bool = False,
) -> T:
    """Run `job` on a started container; a store that is not ready exits 2 with its one line on stderr.

    `read_only`: the command only looks, so it refuses to start rather than create a missing store.
    """

    async def main() -> T:
        async with _running(settings, in_service=in_service) as container:
            return await job(container)

    def run() -> T:
        if read_only:
            require_existing_store(settings)
        with asyncio.Runner() as runner:
            return runner.run(main())

    return _ready(run)


def _ready(check: Callable[[], T]) -> T:
    """`check()`'s result; when it finds the command cannot start, its one line on stderr and exit code 2."""
    try:
        return check()
    except NotReady as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=2) from error


@cli.command()
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
    settings = _settings(port=port, workers=workers)
    for signum in (signal.SIGTERM, signal.SIGINT):  # while starting; serving, granian's handlers take over
        signal.signal(signum, _exit_cleanly)
    address = _ready(lambda: listen_address(settings))
    _ready(lambda: prepare_data_dir(settings))
    dev_keys_created = _ready(lambda: check_jwt_key(settings))

    async def sink_names(container: Container) -> list[str]:
        """Opening checks the store; it closes again before the workers start, each opening its own."""
        return [sink.route.name for sink in await resolve(container.events.sinks)]

    sinks = _run(settings, sink_names)
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


@cli.command()
def scheduler() -> None:
    """Tick the lifecycle and relay the outbox until SIGTERM or SIGINT (safe to run several)."""
    settings = _settings()
    for signum in (signal.SIGTERM, signal.SIGINT):  # while starting; running, the loop's handlers take over
        signal.signal(signum, _exit_cleanly)
    _ready(lambda: prepare_data_dir(settings))

    async def job(container: Container) -> None:
        loops = await resolve(container.jobs.scheduler)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, loops.stop)
        await loops.run()

    _run(settings, job)


@cli.command()
def refresh(dry_run: Annotated[bool, typer.Option("--dry-run", help="Report without applying.")] = False) -> None:
    """Apply every due transition once and print what changed, as JSON."""

    async def job(container: Container) -> RefreshReport:
        return await (await resolve(container.use_cases.refresh_lifecycle)).execute(dry_run=dry_run)

    report = _run(_settings(), job, read_only=dry_run)
    typer.echo(msgspec.json.format(msgspec.json.encode(report)).decode())


@cli.command()
def schedule(
    next_: Annotated[
        str, typer.Option("--next", metavar="DURATION", help="How far ahead: 30m, 24h, 7d (at most 31d).")
    ] = "24h",
    as_json: Annotated[bool, typer.Option("--json", help="Print the agenda as JSON instead of a table.")] = False,
) -> None:
    """List the lifecycle transitions due from now on (the agenda), by the rule the scheduler applies."""
    ahead = _lifetime(next_, "--next")

    async def job(container: Container) -> Agenda:
        now = (await resolve(container.clock)).now()
        agenda = await resolve(container.use_cases.list_scheduled_transitions)
        return await agenda.execute(OPERATOR, now, now + ahead)

    try:
        agenda = _run(_settings(), job, read_only=True)
    except InvalidQuery as error:
        raise typer.BadParameter(error.errors[0].message.replace("`from`", "now"), param_hint="--next") from error
    if as_json:
        typer.echo(msgspec.json.format(msgspec.json.encode(agenda)).decode())
        return
    typer.echo(agenda_table(agenda))


def agenda_table(agenda: Agenda) -> str:
    """The agenda as an aligned text table, one transition a line, with a closing count."""
    rows = [(_instant(t.due_at), t.id, t.domain or "-", f"{t.from_.value} -> {t.to.value}") for t in agenda.transitions]
    header = ("DUE", "CAMPAIGN", "DOMAIN", "TRANSITION")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    count = len(rows)
    lines.append(
        f"{count} transition{'' if count == 1 else 's'} from {_instant(agenda.from_)} to {_instant(agenda.to)}"
    )
    return "\n".join(lines)


def _instant(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@cli.command()
def token(
    supreme: Annotated[bool, typer.Option("--supreme", help="Grant everything.")] = False,
    campaign: Annotated[
        list[str] | None, typer.Option("--campaign", metavar="ID:ACTIONS", help="ID:read,write,admin (repeatable).")
    ] = None,
    user: Annotated[str, typer.Option("--user", metavar="USER", help="The token's userId.")] = "dev",
    ttl: Annotated[str, typer.Option("--ttl", metavar="DURATION", help="Lifetime: 30s, 15m, 1h, 7d.")] = "1h",
) -> None:
    """Print a dev JWT signed with the embedded key pair (created under the data dir if missing)."""
    settings = _settings()
    grants = _grants(campaign or [])
    if not supreme and not grants:
        typer.echo(
            "warning: this token grants no right (add --supreme or --campaign ID:read,write); it only passes"
            " routes that need any valid token, such as the lookup by domain",
            err=True,
        )
    claims: dict[str, object] = {"userId": user, "supreme": supreme, "campaignActions": grants}
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
        return await (await resolve(container.store.database)).ensure_indexes()

    settings = _settings()
    # Only that the store answers: this is what gives it its indexes (a standalone server can be
    # prepared too, though the service refuses to run on one).
    created = _run(settings, job, in_service=False)
    for name in created:
        typer.echo(f"created: {name}")
    typer.echo(f"store ready: {settings.store_description} ({len(created)} created)")


class SinkStatus(msgspec.Struct, frozen=True, kw_only=True):
    sink: str
    backlog: int
    parked: int
    oldest_pending_at: dt.datetime | None


class OutboxStatus(msgspec.Struct, frozen=True, kw_only=True):
    sinks: list[SinkStatus]
    parked: list[ParkedEntry]


_SINK_OPTION = typer.Option(
    "--sink", metavar="NAME", help="One sink by name (see `campaigns outbox status`); default: every sink."
)


@outbox_cli.command("status")
def outbox_status() -> None:
    """Print each sink's backlog and the parked entries with their error, as JSON."""

    async def job(container: Container) -> OutboxStatus:
        outbox = await resolve(container.store.outbox)
        sinks = await resolve(container.events.sinks)
        return OutboxStatus(
            sinks=[
                SinkStatus(sink=sink.route.name, **msgspec.structs.asdict(await outbox.stats(sink.route)))
                for sink in sinks
            ],
            parked=await outbox.parked(),
        )

    status = _run(_settings(), job, read_only=True)
    typer.echo(msgspec.json.format(msgspec.json.encode(status)).decode())


@outbox_cli.command("requeue")
def outbox_requeue(sink: Annotated[str | None, _SINK_OPTION] = None) -> None:
    """Put parked entries back in line for their sink, once whatever made it reject them is fixed."""

    async def job(container: Container) -> int:
        if sink is not None:
            await _known_sink(container, sink)
        return await (await resolve(container.store.outbox)).requeue_parked(sink)

    typer.echo(f"requeued: {_run(_settings(), job)}")


@outbox_cli.command("replay")
def outbox_replay(
    sink: Annotated[str, typer.Option("--sink", metavar="NAME", help="The sink to send to again, e.g. kinesis.")],
    since: Annotated[
        str, typer.Option("--since", metavar="INSTANT", help="An ISO 8601 instant, e.g. 2026-11-30T00:00:00Z.")
    ],
) -> None:
    """Send one sink the entries it already had since an instant again (consumers drop duplicates by id)."""
    try:
        instant = msgspec.convert(since, dt.datetime)
    except msgspec.ValidationError as error:
        raise typer.BadParameter(f"{since!r} is not an ISO 8601 instant", param_hint="--since") from error
    if instant.tzinfo is None:
        raise typer.BadParameter(f"{since!r} needs a UTC offset, e.g. Z", param_hint="--since")

    async def job(container: Container) -> int:
        await _known_sink(container, sink)
        return await (await resolve(container.jobs.replay_outbox)).execute(sink, instant)

    try:
        replayed = _run(_settings(), job)
    except (NotFound, DependencyUnavailable) as error:
        typer.echo(f"replay stopped: {error}", err=True)
        raise typer.Exit(code=2 if isinstance(error, NotFound) else 1) from error
    typer.echo(f"replayed: {replayed}")


@outbox_cli.command("purge")
def outbox_purge(
    older_than: Annotated[
        str | None,
        typer.Option(
            "--older-than", metavar="DURATION", help="e.g. 7d or 12h; default CAMPAIGNS_OUTBOX_RETENTION_HOURS."
        ),
    ] = None,
) -> None:
    """Delete entries delivered longer ago than the retention period (the scheduler does this hourly)."""
    retention = _lifetime(older_than, "--older-than") if older_than is not None else None

    async def job(container: Container) -> int:
        return await (await resolve(container.jobs.purge_outbox)).execute(retention)

    typer.echo(f"purged: {_run(_settings(), job)}")


async def _known_sink(container: Container, name: str) -> None:
    """Refuse a sink this configuration does not have, naming the ones it does (exit code 2)."""
    names = [sink.route.name for sink in await resolve(container.events.sinks)]
    if name not in names:
        raise typer.BadParameter(
            f"{name!r} is not a sink of this configuration; its sinks: {', '.join(names)}", param_hint="--sink"
        )


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
