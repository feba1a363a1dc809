"""The real app over a real SQLite file in a temporary data dir, with a clock the tests move by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from litestar.types import ASGIApp

from campaigns.adapters.local.clock import FixedClock
from campaigns.config import Settings
from campaigns.main.container import Container
from tests.bootstrap import START, app_for, indexed_mongo_url, settings_for, tokens_for
from tests.integration.http.support import Api, Client, Json, Tokens, bearer
from tests.integration.http.support import valid_campaign_body as build_valid_campaign_body

STORES = ["sqlite", "mongo"]
"""Every test taking `settings` (or what depends on it: `app`, `client`, `api`) runs on both profiles' stores."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "serve: starts `campaigns serve` in a subprocess and talks to it over TCP")


@pytest.fixture(params=STORES)
async def store_url(request: pytest.FixtureRequest) -> str | None:
    """None for the embedded profile (the SQLite file in the data dir), else the URL of a fresh MongoDB database."""
    if request.param == "sqlite":
        return None
    return await indexed_mongo_url(request.getfixturevalue("mongo_url"))


@pytest.fixture
def settings(tmp_path: Path, store_url: str | None) -> Settings:
    return settings_for(tmp_path, store_url)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def container_and_app(settings: Settings, clock: FixedClock) -> tuple[Container, ASGIApp]:
    return app_for(settings, clock)


@pytest.fixture
def container(container_and_app: tuple[Container, ASGIApp]) -> Container:
    return container_and_app[0]


@pytest.fixture
def app(container_and_app: tuple[Container, ASGIApp]) -> ASGIApp:
    return container_and_app[1]


@pytest.fixture
async def client(app: ASGIApp) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
def tokens(settings: Settings) -> Tokens:
    return tokens_for(settings)


@pytest.fixture
def supreme_token(tokens: Tokens) -> Callable[[], str]:
    return tokens.supreme


@pytest.fixture
def token_for(tokens: Tokens) -> Callable[[str, Sequence[str]], str]:
    return tokens.for_campaign


@pytest.fixture
def supreme(tokens: Tokens) -> dict[str, str]:
    """Authorization headers of a supreme user."""
    return bearer(tokens.supreme())


@pytest.fixture
def api(client: Client, container: Container, tokens: Tokens) -> Api:
    return Api(client, container, tokens)


@pytest.fixture
def valid_campaign_body() -> Callable[..., Json]:
    """`valid_campaign_body(site, **fields)`: a complete v2 registration campaign (see `support`)."""
    builder: Callable[..., Json] = build_valid_campaign_body
    return builder
