"""The real app over SQLite with Redis configured, and a way to run one sink over its outbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from litestar.testing import AsyncTestClient

from campaigns.adapters.local.clock import FixedClock
from campaigns.adapters.local.dev_jwt_keys import DevKeyPair
from campaigns.application.outbox import OutboxEntry
from campaigns.config import load_settings
from campaigns.main.app import create_app_from_container
from campaigns.main.container import Container, build_container, resolve
from tests.integration.http.support import Api, Client, Tokens

START = dt.datetime(2030, 1, 15, 12, tzinfo=dt.UTC)
"""The app's clock."""


class Service:
    def __init__(self, client: Client, container: Container, tokens: Tokens) -> None:
        self.client = client
        self.container = container
        self.api = Api(client, container, tokens)

    def deliver(self, sink: str) -> list[OutboxEntry]:
        """What the relay does for one sink, on the app's loop: take its pending entries, deliver, acknowledge."""
        return self.client.blocking_portal.call(self._deliver, sink)

    async def _deliver(self, name: str) -> list[OutboxEntry]:
        sink = next(s for s in await resolve(self.container.events.sinks) if s.route.name == name)
        outbox = await resolve(self.container.store.outbox)
        entries = await outbox.pending(sink.route, 1000)
        assert await sink.deliver(entries) == []
        await outbox.acknowledge(name, entries)
        return entries

    async def served(self, campaign_id: str) -> bytes:
        """The campaign's bytes as `GET /campaigns/{id}?showAllLocales=true` answers them."""
        response = await self.client.get(
            f"/campaigns/{campaign_id}", params={"showAllLocales": "true"}, headers=self.api.supreme
        )
        assert response.status_code == 200, response.text
        return response.content

    def degraded_lookups(self) -> float:
        value = self.container.metrics().registry.get_sample_value("redis_degraded_total")
        return value or 0.0


@asynccontextmanager
async def service(
    data_dir: Path, clock: FixedClock, configure: Callable[[Container], None] = lambda _: None, **variables: str
) -> AsyncIterator[Service]:
    """`variables` are `CAMPAIGNS_*` settings without the prefix; the in-process cache is off (TTL 0).

    `configure` may override providers before the app starts.
    """
    environ = {"CAMPAIGNS_DATA_DIR": str(data_dir), "CAMPAIGNS_CACHE_TTL_SECONDS": "0"}
    environ.update({f"CAMPAIGNS_{name.upper()}": value for name, value in variables.items()})
    settings = load_settings(environ=environ)
    container = build_container(settings)
    container.clock.override(clock)
    configure(container)
    async with AsyncTestClient(app=create_app_from_container(container)) as client:
        yield Service(client, container, Tokens(DevKeyPair(settings.dev_key_dir)))
