"""The `campaigns` command (the console script's entry point): its options and its commands.

Commands are registered here, in the order `campaigns --help` lists them; each lives in the module
of its group.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated

import typer

from campaigns.main.cli.db import db_cli
from campaigns.main.cli.dev_token import token
from campaigns.main.cli.lifecycle import refresh, schedule
from campaigns.main.cli.outbox import outbox_cli
from campaigns.main.cli.service import scheduler, serve

cli = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # plain click help: flags show as flags, not as `<bool>` options
    help="Presale campaign service.",
)
for command in (serve, scheduler, refresh, schedule, token):
    cli.command()(command)
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


def main() -> None:
    cli()
