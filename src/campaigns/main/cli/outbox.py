"""`campaigns outbox`: what an operator needs when a sink falls behind or rejects entries.

`status` looks, `requeue` and `replay` send entries again, `purge` drops delivered ones; a sink is
always named as the configuration names it, and an unknown name is refused with the known ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
import typer

from campaigns.application.errors import DependencyUnavailable, NotFound
from campaigns.application.outbox import ParkedEntry
from campaigns.main.cli.running import command_settings, echo_json, lifetime, run_job
from campaigns.main.container import Container, resolve

outbox_cli = typer.Typer(no_args_is_help=True, help="Outbox inspection.")


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

    echo_json(run_job(command_settings(), job, read_only=True))


@outbox_cli.command("requeue")
def outbox_requeue(sink: Annotated[str | None, _SINK_OPTION] = None) -> None:
    """Put parked entries back in line for their sink, once whatever made it reject them is fixed."""

    async def job(container: Container) -> int:
        if sink is not None:
            await _known_sink(container, sink)
        return await (await resolve(container.store.outbox)).requeue_parked(sink)

    typer.echo(f"requeued: {run_job(command_settings(), job)}")


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
        replayed = run_job(command_settings(), job)
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
    retention = lifetime(older_than, "--older-than") if older_than is not None else None

    async def job(container: Container) -> int:
        return await (await resolve(container.jobs.purge_outbox)).execute(retention)

    typer.echo(f"purged: {run_job(command_settings(), job)}")


async def _known_sink(container: Container, name: str) -> None:
    """Refuse a sink this configuration does not have, naming the ones it does (exit code 2)."""
    names = [sink.route.name for sink in await resolve(container.events.sinks)]
    if name not in names:
        raise typer.BadParameter(
            f"{name!r} is not a sink of this configuration; its sinks: {', '.join(names)}", param_hint="--sink"
        )
