"""`campaigns db`: database maintenance, run before the service on a new store."""

from __future__ import annotations

import typer

from campaigns.main.cli.running import command_settings, run_job
from campaigns.main.container import Container, resolve

db_cli = typer.Typer(no_args_is_help=True, help="Database maintenance.")


@db_cli.command("init")
def db_init() -> None:
    """Create the store's tables and indexes and print their names (idempotent)."""

    async def job(container: Container) -> list[str]:
        return await (await resolve(container.store.database)).ensure_indexes()

    settings = command_settings()
    # Only that the store answers: this is what gives it its indexes (a standalone server can be
    # prepared too, though the service refuses to run on one).
    created = run_job(settings, job, in_service=False)
    for name in created:
        typer.echo(f"created: {name}")
    typer.echo(f"store ready: {settings.store_description} ({len(created)} created)")
