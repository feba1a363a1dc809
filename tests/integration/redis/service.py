"""The real app over SQLite with Redis configured, and a way to run one sink over its outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from campaigns.adapters.local.clock import FixedClock
from campaigns.application.outbox import OutboxEntry
from campaigns.main.container import resolve
from tests.bootstrap import Configure, Running, running, settings_for


class Service:
    def __init__(self, app: Running) -> None:
        self.client = app.client
        self.container = app.container
        self.api = app.api

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
    data_dir: Path, clock: FixedClock, configure: Configure | None = None, **variables: str
) -> AsyncIterator[Service]:
    """`variables` are `CAMPAIGNS_*` settings without the prefix; the in-process cache is off (TTL 0).

    `configure` may override providers before the app starts.
    """
    async with running(settings_for(data_dir, **{"cache_ttl_seconds": "0", **variables}), clock, configure) as app:
        yield Service(app)
