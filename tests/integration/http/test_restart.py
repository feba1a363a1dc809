"""A second app on the same data dir finds every campaign and every undelivered outbox entry."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from campaigns.adapters.local.clock import FixedClock
from campaigns.config import Settings
from tests.bootstrap import START, running, settings_for
from tests.integration.http.support import event_types, relay_outbox, valid_campaign_body

pytestmark = pytest.mark.integration


def _delivered_ids(settings: Settings) -> list[str]:
    path = settings.events_path
    if not path.exists():
        return []
    return [json.loads(line)["id"] for line in path.read_text().splitlines()]


async def test_campaigns_and_pending_events_survive_a_restart(settings: Settings) -> None:
    async with running(settings, FixedClock(START)) as app:
        api, client, container = app.api, app.client, app.container
        first = await api.create(valid_campaign_body("survivor-1", password="kept"))
        assert relay_outbox(client, container) == 2  # first's creation and mapping are delivered before the restart
        second = await api.create(valid_campaign_body("survivor-2"))
        second = await api.update(second["id"], {"status": "PREVIEW"})
        pending_before = api.pending()
        supreme_before = api.supreme
    assert event_types(pending_before) == [
        "campaign.created",
        "campaign.event-mapping",
        "campaign.status-changed",
        "campaign.event-mapping",
    ]
    delivered_before = _delivered_ids(settings)
    assert len(delivered_before) == 2

    again = settings_for(Path(settings.data_dir), settings.store)
    async with running(again, FixedClock(START + timedelta(hours=1))) as app:
        api, client, container = app.api, app.client, app.container
        old_token = await client.get(
            f"/campaigns/{first['id']}", params={"showAllLocales": "true"}, headers=supreme_before
        )
        assert old_token.status_code == 200  # the dev key pair on disk is reused, so old tokens stay valid
        assert old_token.json() == first
        assert await api.campaign(second["id"]) == second
        assert await api.total() == 2
        protected = await client.get(
            "/campaigns", params={"domain": "survivor-1", "password": "kept"}, headers=api.supreme
        )
        assert protected.status_code == 200
        duplicate = await client.post("/campaigns", json=valid_campaign_body("survivor-2"), headers=api.supreme)
        assert duplicate.status_code == 409

        pending_after = api.pending()
        assert [(e.id, e.sequence) for e in pending_after] == [(e.id, e.sequence) for e in pending_before]
        assert [e.event for e in pending_after] == [e.event for e in pending_before]

        assert relay_outbox(client, container) == 4
        assert api.pending() == []
    assert _delivered_ids(settings) == delivered_before + [e.id for e in pending_before]
