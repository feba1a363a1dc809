"""What every command shares: settings read once, the container opened and closed in one place, one exit code.

A command that cannot start (bad configuration, a store that is not ready) says so in one line on
stderr and exits 2, whichever command it is.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TypeVar

import msgspec
import typer

from campaigns.application.errors import DependencyUnavailable
from campaigns.config import ConfigurationError, Settings, load_settings
from campaigns.entrypoints.logging import configure_logging
from campaigns.main.container import Container, build_container, opened, resolve
from campaigns.main.startup import NotReady, check_store, require_existing_store, unavailable

T = TypeVar("T")

_TTL = re.compile(r"^(?P<amount>\d+)(?P<unit>[smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def command_settings(**overrides: object) -> Settings:
    try:
        settings = load_settings(overrides=overrides)
    except ConfigurationError as error:
        typer.echo(f"configuration error: {error}", err=True)
        raise typer.Exit(code=2) from error
    configure_logging(settings.log_level)
    return settings


@asynccontextmanager
async def running(settings: Settings, *, in_service: bool = True) -> AsyncIterator[Container]:
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


def run_job(
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
        async with running(settings, in_service=in_service) as container:
            return await job(container)

    def run() -> T:
        if read_only:
            require_existing_store(settings)
        with asyncio.Runner() as runner:
            return runner.run(main())

    return ready_or_exit(run)


def ready_or_exit(check: Callable[[], T]) -> T:
    """`check()`'s result; when it finds the command cannot start, its one line on stderr and exit code 2."""
    try:
        return check()
    except NotReady as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=2) from error


def echo_json(value: object) -> None:
    typer.echo(msgspec.json.format(msgspec.json.encode(value)).decode())


def exit_cleanly(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def lifetime(text: str, option: str = "--ttl") -> dt.timedelta:
    match = _TTL.match(text.strip())
    if not match:
        raise typer.BadParameter(f"{text!r}: expected a number and s, m, h or d", param_hint=option)
    return dt.timedelta(**{_UNITS[match["unit"]]: int(match["amount"])})
