"""The service composed for a test, one way for every test: settings over a data dir, then the container or the app.

As cosmicpython's `bootstrap`: a test that needs the real composition asks here with its overrides
(the store, a clock it moves by hand, `CAMPAIGNS_*` settings, providers to replace), so a change to
how the service is wired is made once, not in each suite.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from litestar.testing import AsyncTestClient
from litestar.types import ASGIApp

from campaigns.adapters.local.clock import FixedClock
from campaigns.adapters.local.dev_jwt_keys import DevKeyPair
from campaigns.config import Settings, load_settings
from campaigns.main.app import create_app_from_container
from campaigns.main.container import Container, build_container, opened, resolve
from tests.integration.http.support import Api, Client, Tokens

START = datetime(2030, 1, 15, 12, tzinfo=UTC)
"""Where the apps' hand-moved clocks start; tokens use the real time (the verifier does)."""

Configure = Callable[[Container], None]
"""Overrides providers of a composition before anything resolves them."""


def settings_for(data_dir: Path, store: str | None = None, **variables: str) -> Settings:
    """Settings over `data_dir`: the SQLite file there, or the `store` URL (a MongoDB) when given.

    `variables` are further `CAMPAIGNS_*` settings without the prefix (`redis_url=...`).
    """
    environ = {"CAMPAIGNS_DATA_DIR": str(data_dir), "CAMPAIGNS_STORE": store or ""}
    environ.update({f"CAMPAIGNS_{name.upper()}": value for name, value in variables.items()})
    return load_settings(environ=environ)


def bootstrap(settings: Settings, clock: FixedClock | None = None, configure: Configure | None = None) -> Container:
    """The composition of `settings`, on `clock` when given (else the system's), with `configure`'s overrides if any."""
    container = build_container(settings)
    if clock is not None:
        container.clock.override(clock)
    if configure is not None:
        configure(container)
    return container


def app_for(settings: Settings, clock: FixedClock, configure: Configure | None = None) -> tuple[Container, ASGIApp]:
    """The API over `bootstrap(...)`; it opens the container's resources when a client starts it."""
    container = bootstrap(settings, clock, configure)
    return container, create_app_from_container(container)


def tokens_for(settings: Settings) -> Tokens:
    """Tokens the app of `settings` accepts: signed with the dev key pair of its data dir."""
    return Tokens(DevKeyPair(settings.dev_key_dir))


@asynccontextmanager
async def composed(settings: Settings, *, indexed: bool = False) -> AsyncIterator[Container]:
    """The composition with its resources open, as a CLI command opens it.

    `indexed`: once the store has the indexes `campaigns db init` creates (MongoDB's start-up needs them).
    """
    async with opened(bootstrap(settings)) as container:
        if indexed:
            await (await resolve(container.store.database)).ensure_indexes()
        yield container


async def indexed_mongo_url(url: str) -> str:
    """`url` once its database has the indexes `campaigns db init` creates."""
    async with composed(settings_for(Path(), url), indexed=True):
        return url


@dataclass(frozen=True)
class Running:
    """An app started behind a test client, with what a test reaches past the API."""

    client: Client
    container: Container
    settings: Settings

    @property
    def tokens(self) -> Tokens:
        return tokens_for(self.settings)

    @property
    def api(self) -> Api:
        return Api(self.client, self.container, self.tokens)


@asynccontextmanager
async def running(settings: Settings, clock: FixedClock, configure: Configure | None = None) -> AsyncIterator[Running]:
    """`app_for(...)` started (its lifespan opens the resources) and stopped on the way out."""
    container, app = app_for(settings, clock, configure)
    async with AsyncTestClient(app=app) as client:
        yield Running(client, container, settings)
