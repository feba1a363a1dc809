"""Every route that takes a body, a seeded world for them to act on, and a snapshot of all they could change.

Shared by the hostile-body tests and the hostile-JSON properties: a request that is refused must
leave `snapshot` exactly as it was.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from litestar.types import ASGIApp

from campaigns.adapters.local.clock import FixedClock
from campaigns.domain.campaign import CampaignContactRef
from campaigns.domain.campaign_commands import CampaignInput, FaqPlacementInput, TermsInput
from campaigns.domain.market_writes import MarketInput
from campaigns.domain.promoter_writes import PromoterInput
from campaigns.entrypoints.http.controllers.events import EventStatusInput
from campaigns.entrypoints.http.controllers.markets import CloneMarketsInput
from campaigns.entrypoints.http.controllers.notifications import MarkNotifiedInput, ScheduleNotificationInput
from campaigns.main.container import Container
from tests.bootstrap import START, app_for, indexed_mongo_url, settings_for, tokens_for
from tests.integration.http.support import (
    FAQ_ID,
    Json,
    bearer,
    event_types,
    iso,
    pending_outbox,
    valid_campaign_body,
)
from tests.integration.http.test_markets import PRESALE
from tests.integration.http.test_markets import market_body as full_market_body
from tests.integration.processes import drop_database, fresh_database_name, with_database

SyncClient = TestClient[ASGIApp]
WORLD_SITE = "hostile-world"


@dataclass(frozen=True)
class World:
    """One of everything a write route can change."""

    campaign_id: str
    market_id: str
    promoter_id: str
    event_id: str = "vvG1IZ4kXxZ4"


@dataclass(frozen=True)
class WriteRoute:
    """A route taking a body: where it is, a body it would accept, the type it declares, its 400 code."""

    name: str
    template: str
    """The path, naming the world's ids as `{campaign_id}`, `{market_id}`, `{promoter_id}`, `{event_id}`."""
    valid_body: Callable[[World], Any]
    declared: Any
    code: str = "INVALID_CAMPAIGN_SCHEMA"


def market_body(name: str, promoter_id: str) -> Json:
    """A complete market (the market tests' one) with every kind of instant set."""
    body = full_market_body(name, promoterIds=[promoter_id])
    body["event"] = {**body["event"], "date": iso(PRESALE + timedelta(days=1))}
    body["notification"] = {"date": iso(PRESALE - timedelta(days=1))}
    return body


def promoter_body(name: str = "Hostile Promoter") -> Json:
    return {"name": name, "privacyUrls": [{"locale": "en", "url": "https://example.com/p", "is_default": True}]}


def campaign_body(site: str) -> Json:
    """A complete campaign with every kind of instant (one in a list) set."""
    window = {
        "open": iso(START + timedelta(days=5)),
        "close": iso(START + timedelta(days=30)),
        "presaleWindowStart": iso(PRESALE),
        "presaleWindowEnd": iso(PRESALE + timedelta(days=2)),
        "sendReminderEmails": [iso(PRESALE - timedelta(days=1))],
    }
    return valid_campaign_body(site, date=window)


WRITE_ROUTES = [
    WriteRoute("create campaign", "/campaigns", lambda _: campaign_body("hostile-new"), CampaignInput),
    WriteRoute("update campaign", "/campaigns/{campaign_id}", lambda _: campaign_body(WORLD_SITE), CampaignInput),
    WriteRoute(
        "faqs",
        "/campaigns/{campaign_id}/faqs",
        lambda _: {"landing": {"open": [FAQ_ID], "closed": []}},
        FaqPlacementInput,
    ),
    WriteRoute("terms", "/campaigns/{campaign_id}/terms", lambda _: {"terms": "New terms."}, TermsInput),
    WriteRoute(
        "contacts",
        "/campaigns/{campaign_id}/contacts",
        lambda _: ["c-1", {"_id": "c-2", "name": "Ann", "email": "ann@example.com", "keyword": ["vip"]}],
        list[str | CampaignContactRef],
    ),
    WriteRoute(
        "create market",
        "/campaigns/{campaign_id}/markets",
        lambda w: market_body("Another Market", w.promoter_id),
        MarketInput,
        "INVALID_MARKET_SCHEMA",
    ),
    WriteRoute(
        "update market",
        "/campaigns/{campaign_id}/markets/{market_id}",
        lambda w: market_body("Renamed Market", w.promoter_id),
        MarketInput,
        "INVALID_MARKET_SCHEMA",
    ),
    WriteRoute(
        "clone markets",
        "/campaigns/{campaign_id}/markets/clones",
        lambda w: {"fromCampaignId": w.campaign_id},
        CloneMarketsInput,
        "INVALID_MARKET_SCHEMA",
    ),
    WriteRoute(
        "schedule notifications",
        "/markets/notifyDate",
        lambda w: {"marketIds": [w.market_id], "notificationDate": iso(PRESALE - timedelta(hours=2))},
        ScheduleNotificationInput,
        "INVALID_MARKET_SCHEMA",
    ),
    WriteRoute(
        "mark notified",
        "/markets/notified",
        lambda w: {"marketIds": [w.market_id]},
        MarkNotifiedInput,
        "INVALID_MARKET_SCHEMA",
    ),
    WriteRoute(
        "create promoter",
        "/promoters",
        lambda _: promoter_body("Another Promoter"),
        PromoterInput,
        "INVALID_PROMOTER_SCHEMA",
    ),
    WriteRoute(
        "update promoter",
        "/promoters/{promoter_id}",
        lambda _: promoter_body("Renamed Promoter"),
        PromoterInput,
        "INVALID_PROMOTER_SCHEMA",
    ),
    WriteRoute(
        "upsert event status",
        "/events/{event_id}",
        lambda _: {"status": "cancelled", "date": {"end": iso(PRESALE + timedelta(days=3))}},
        EventStatusInput,
    ),
]
"""Every route that takes a body (the OpenAPI test checks this list is complete)."""


def with_value(body: Any, dotted: str, value: Any) -> Any:
    """A copy of `body` with the value at the dotted path (list items by index) replaced by `value`."""
    copied = copy.deepcopy(body)
    *parents, leaf = dotted.split(".")
    target = copied
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(leaf)] = value
    else:
        target[leaf] = value
    return copied


def route_named(name: str) -> WriteRoute:
    return next(route for route in WRITE_ROUTES if route.name == name)


def path_of(route: WriteRoute, world: World) -> str:
    return route.template.format(**dataclasses.asdict(world))


@dataclass(frozen=True)
class Seeded:
    client: SyncClient
    container: Container
    world: World
    supreme: dict[str, str]

    def snapshot(self) -> Json:
        """Everything a write route could have changed, as the API shows it, plus the outbox."""
        w = self.world
        reads = {
            "campaign": f"/campaigns/{w.campaign_id}",
            "campaigns": "/campaigns/list?pageSize=100",
            "contacts": f"/campaigns/{w.campaign_id}/contacts",
            "markets": f"/campaigns/{w.campaign_id}/markets",
            "upcoming": "/markets/upcoming",
            "promoters": "/promoters",
            "events": "/events",
        }
        seen: Json = {}
        for name, path in reads.items():
            response = self.client.get(path, headers=self.supreme)
            assert response.status_code == 200, (path, response.text)
            seen[name] = response.json()
        seen["outbox"] = event_types(pending_outbox(self.client, self.container))
        return seen


def seeded_on_store(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[Seeded]:
    """`seeded_world` on the store `request.param` names (see `STORES`): SQLite, or a database of its own on MongoDB."""
    if request.param == "sqlite":
        yield from seeded_world(data_dir)
        return
    url = with_database(request.getfixturevalue("mongo_server_url"), fresh_database_name())
    asyncio.run(indexed_mongo_url(url))
    try:
        yield from seeded_world(data_dir, url)
    finally:
        drop_database(url)


def seeded_world(data_dir: Path, store: str | None = None) -> Iterator[Seeded]:
    """A real app holding a campaign, a market, a promoter and an event status, on SQLite in `data_dir` or `store`."""
    settings = settings_for(data_dir, store)
    container, app = app_for(settings, FixedClock(START))
    supreme = bearer(tokens_for(settings).supreme())
    with TestClient(app=app) as client:

        def created(path: str, body: Any) -> Json:
            response = client.post(path, json=body, headers=supreme)
            assert response.status_code in {200, 201}, (path, response.text)
            found: Json = response.json()
            return found

        campaign = created("/campaigns", campaign_body(WORLD_SITE))
        promoter = created("/promoters", promoter_body())
        market = created(f"/campaigns/{campaign['id']}/markets", market_body("Hostile Market", promoter["id"]))
        world = World(campaign_id=campaign["id"], market_id=market["id"], promoter_id=promoter["id"])
        created(f"/events/{world.event_id}", {"status": "onsale", "date": {"end": iso(PRESALE)}})
        yield Seeded(client=client, container=container, world=world, supreme=supreme)
