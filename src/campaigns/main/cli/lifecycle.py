"""The lifecycle commands an operator runs by hand: `refresh` applies what is due, `schedule` lists what will be."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from campaigns.application.use_cases.list_scheduled_transitions import Agenda
from campaigns.application.use_cases.refresh_lifecycle import RefreshReport
from campaigns.domain.errors import InvalidQuery
from campaigns.domain.permissions import Principal
from campaigns.main.cli.running import command_settings, echo_json, lifetime, run_job
from campaigns.main.container import Container, resolve

OPERATOR = Principal(user_id="cli", supreme=True)
"""Who the read-only operator commands act as: they run on the service's own machine, with its configuration."""


def refresh(dry_run: Annotated[bool, typer.Option("--dry-run", help="Report without applying.")] = False) -> None:
    """Apply every due transition once and print what changed, as JSON."""

    async def job(container: Container) -> RefreshReport:
        return await (await resolve(container.use_cases.refresh_lifecycle)).execute(dry_run=dry_run)

    echo_json(run_job(command_settings(), job, read_only=dry_run))


def schedule(
    next_: Annotated[
        str, typer.Option("--next", metavar="DURATION", help="How far ahead: 30m, 24h, 7d (at most 31d).")
    ] = "24h",
    as_json: Annotated[bool, typer.Option("--json", help="Print the agenda as JSON instead of a table.")] = False,
) -> None:
    """List the lifecycle transitions due from now on (the agenda), by the rule the scheduler applies."""
    ahead = lifetime(next_, "--next")

    async def job(container: Container) -> Agenda:
        now = (await resolve(container.clock)).now()
        agenda = await resolve(container.use_cases.list_scheduled_transitions)
        return await agenda.execute(OPERATOR, now, now + ahead)

    try:
        agenda = run_job(command_settings(), job, read_only=True)
    except InvalidQuery as error:
        raise typer.BadParameter(error.errors[0].message.replace("`from`", "now"), param_hint="--next") from error
    if as_json:
        echo_json(agenda)
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
