"""The fast lane answers exactly as the Litestar routes do: the lookup by domain, the reads by id and by event.

Two apps over one container (one store, one cache, one metrics registry) behind one test client:
one with the fast lane, one without, chosen per request by a test-only header. Every request goes to
both, and the answers must be the same status, the same headers in the same order and the same
bytes, over a matrix of callers x campaign statuses x passwords x query strings x cache states, and
over generated query strings, on both profiles' stores. A spy on the lane's decision tells which
answers the fast lane gave, so the comparison cannot pass by both going through Litestar. Writes
through the API then show that a prepared answer leaves with the commit that changes it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import structlog
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import AsyncTestClient
from litestar.types import ASGIApp, Receive, Scope, Send

from campaigns.adapters.local.clock import FixedClock
from campaigns.domain.permissions import Principal
from campaigns.entrypoints.http.app import create_app
from campaigns.entrypoints.http.fast_lane import Answer as LaneAnswer
from campaigns.entrypoints.http.fast_lane import FastLane
from campaigns.main.container import Container, resolve
from campaigns.main.wiring.use_cases import services_of
from tests.bootstrap import START, app_for, settings_for, tokens_for
from tests.integration.http.support import (
    CORRELATION_HEADER,
    Api,
    Client,
    Json,
    Tokens,
    bearer,
    iso,
    valid_campaign_body,
)

pytestmark = pytest.mark.integration

PASSWORD = "s3cret!"
STATUSES = ("DRAFT", "PREVIEW", "OPEN", "CLOSED")
READERS = ("supreme", "read", "write", "admin", "campaignIds")
"""Callers who may read the seeded campaign they are minted for."""
CALLERS = (*READERS, "other-campaign", "nobody")
UNKNOWN_SITE = "unknown-site"
CORRELATION_ID = "lane-test-0001"
LANE_HEADER = "x-test-lane"
"""Which app of the test answers: `fast` (with the fast lane) or `litestar` (without)."""
LANES = ("fast", "litestar")

FAST_QUERIES = (
    "domain={site}",
    "domain={site}&locale=fr-CA",
    "locale=FR-ca&domain={site}",
    "domain={site}&locale=fr_ca",
    "domain={site}&locale=de",
    "domain={site}&showAllLocales=true",
    "showAllLocales=1&domain={site}",
    "domain={site}&showAllLocales=FALSE",
    "domain={site}&locale=fr-CA&showAllLocales=0",
)
"""Queries the fast lane reads itself: it answers them whenever the campaign is cached and shown without a password."""

LITESTAR_QUERIES = (
    "domain={site}&password=wrong",
    f"domain={{site}}&password={quote(PASSWORD)}",
    "domain={site}&password=",
    "domain={site}&showAllLocales=maybe",
    "domain={site}&showAllLocales=",
    "domain={site}&locale=",
    "domain={site}&locale=fr%2DCA",
    "domain={site}&domain={site}",
    "domain={site}&extra=1",
    "domain={site}&",
    "domain={site};locale=fr-CA",
    "domain={encoded_site}",
    "domain={upper_site}",
    f"domain={UNKNOWN_SITE}",
    "domain=&locale=en",
    "locale=en",
    "",
)
"""Queries (and an unknown site) the fast lane leaves to Litestar, whatever the cache holds."""

EVENT = "EVLANE"
"""The event every seeded campaign and market covers: the listed ones (OPEN, CLOSED) answer it."""
UNKNOWN_ID = "0123456789abcdef0123ffff"
SUPREME = Principal(user_id="lane-test", supreme=True)
BY_ID_FAST = ("", "?locale=fr-CA", "?locale=FR_ca&showAllLocales=0", "?showAllLocales=true", "?locale=de")
BY_ID_LITESTAR = ("?locale=", "?showAllLocales=maybe", "?extra=1", "?locale=fr%2DCA", "?locale=en&locale=fr-CA", "/")
MARKETS_LITESTAR = ("?useGeoJson=true", "?extra=1", "/")
EVENTS_FAST = (f"eventId={EVENT}",)
EVENTS_LITESTAR = (
    "eventId=",
    f"eventId={EVENT}&eventId={EVENT}",
    f"eventId={EVENT}&extra=1",
    "eventId=EV%4CANE",
    "eventId=unknown-event",
    "",
)
"""`unknown-event` is never prepared by the matrix, so it stays a cache miss."""
MONGO_CALLERS = ("read", "nobody")
"""On MongoDB the caller matrices run for one reader and one other caller: what differs there is the
store read of a miss, the same for every caller; the answers themselves are the same code's."""


def skip_most_callers_on_mongo(lanes: Lanes, caller: str) -> None:
    if lanes.on_mongo and caller not in MONGO_CALLERS:
        pytest.skip(f"on MongoDB the matrix runs for {', '.join(MONGO_CALLERS)} (the store's part is theirs too)")


@dataclass(frozen=True)
class Seeded:
    id: str
    site: str
    status: str
    protected: bool


Target = tuple[str, str, bool]
"""A request of the matrix: the route (`domain`, `by id`, `markets`, `events`), its target, and whether the
fast lane may read its query."""


@dataclass(frozen=True)
class Request:
    method: str
    target: str
    headers: dict[str, str]
    content: bytes = b""


@dataclass
class Lanes:
    client: Client
    container: Container
    tokens: Tokens
    campaigns: list[Seeded]
    on_mongo: bool
    decisions: list[bool] = field(default_factory=list)
    """Each request the fast lane looked at: whether it answered it."""
    users: Iterator[int] = field(default_factory=itertools.count)

    def token(self, caller: str, campaign: Seeded) -> dict[str, str]:
        """The headers of a new user's token (each user's failed-guess limit is its own) and a fixed correlation id."""
        claims: Json = {"userId": f"{caller}-{next(self.users)}", "supreme": caller == "supreme"}
        if caller in {"read", "write", "admin"}:
            claims["campaignActions"] = {campaign.id: [caller]}
        elif caller == "campaignIds":
            claims["campaignIds"] = [campaign.id]
        elif caller == "other-campaign":
            claims["campaignActions"] = {"0123456789abcdef01234567": ["read", "write", "admin"]}
        return {**bearer(self.tokens.mint(claims)), CORRELATION_HEADER: CORRELATION_ID}

    async def set_cache(self, *, cached: bool) -> None:
        """Every seeded campaign, its markets and the event's campaigns in the in-process cache, or none of them."""
        self.container.caches.cache().clear()
        if cached:
            # on the app's own event loop: a MongoDB client is bound to the loop it was opened on
            self.client.blocking_portal.call(self._prepare)

    async def _prepare(self) -> None:
        by_domain = await resolve(self.container.use_cases.get_campaign_by_domain)
        by_id = await resolve(self.container.use_cases.get_campaign)
        markets = await resolve(self.container.use_cases.list_markets)
        for campaign in self.campaigns:
            await by_domain.find(campaign.site)
            await by_id.execute(SUPREME, campaign.id)
            await markets.execute(SUPREME, campaign.id)
        await (await resolve(self.container.use_cases.find_campaigns_for_event)).execute(EVENT)

    async def both(self, request: Request, *, cached: bool) -> tuple[Answer, Answer, bool]:
        """The fast-lane app's answer, the Litestar app's, and whether the fast lane gave the first itself."""
        answers: list[Answer] = []
        decisions: list[list[bool]] = []
        for lane in LANES:
            await self.set_cache(cached=cached)
            response = await self.send(lane, request)
            answers.append(Answer(response.status_code, response.headers.multi_items(), response.content))
            decisions.append(self.decisions[:])
        assert decisions[1] == [], "the app without the fast lane has none"
        return answers[0], answers[1], decisions[0] == [True]

    async def compare(self, caller: str, targets: Callable[[Seeded], list[Target]]) -> set[int]:
        """Every target of every seeded campaign through both apps, cached and not; the statuses Litestar gave.

        Each must be answered alike, and by the fast lane exactly when `_fast_lane_answers` says so.
        """
        differences: list[str] = []
        wrong_lane: list[str] = []
        statuses: set[int] = set()
        for campaign in self.campaigns:
            headers = self.token(caller, campaign)
            for (route, target, readable_query), cached in itertools.product(targets(campaign), (True, False)):
                fast, litestar, by_fast_lane = await self.both(Request("GET", target, headers), cached=cached)
                case = f"{campaign.status} protected={campaign.protected} {target} cached={cached}"
                statuses.add(litestar.status)
                if fast != litestar:
                    differences.append(f"{case}: {fast} != {litestar}")
                expected = _fast_lane_answers(caller, campaign, route, readable_query=readable_query, cached=cached)
                if by_fast_lane != expected:
                    wrong_lane.append(f"{case}: answered by the fast lane: {by_fast_lane}")
        assert differences == []
        assert wrong_lane == []
        return statuses

    async def send(self, lane: str, request: Request) -> httpx.Response:
        """`request` through one lane; `decisions` then holds the fast lane's, if it looked at it."""
        self.decisions.clear()
        headers = {**request.headers, LANE_HEADER: lane}
        return await self.client.request(request.method, request.target, headers=headers, content=request.content)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


async def _seed(api: Api, status: str, *, protected: bool) -> Seeded:
    """A campaign in `status`, covering `EVENT` in a presale window, with one market covering it too."""
    site = f"{status.lower()}-{'locked' if protected else 'plain'}"
    extra: Json = {"password": PASSWORD} if protected else {}
    window = {"presaleWindowStart": iso(START), "presaleWindowEnd": iso(START + dt.timedelta(days=1))}
    created = await api.create(valid_campaign_body(site, eventIds=[EVENT], date=window, **extra))
    path = f"/campaigns/{created['id']}"
    market = {"name": f"Market {site}", "city": "Paris", "state": "IDF", "timezone": "Europe/Paris"}
    response = await api.client.post(f"{path}/markets", json={**market, "event": {"ids": [EVENT]}}, headers=api.supreme)
    assert response.status_code == 201, response.text
    for step in {"DRAFT": [], "PREVIEW": ["PREVIEW"], "OPEN": ["OPEN"], "CLOSED": ["OPEN", "CLOSED"]}[status]:
        response = await api.client.post(path, json={"status": step}, headers=api.supreme)
        assert response.status_code == 200, response.text
    return Seeded(id=created["id"], site=site, status=status, protected=protected)


@pytest.fixture
async def lanes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_url: str | None) -> AsyncIterator[Lanes]:
    settings_ = settings_for(tmp_path, store_url)
    container, fast = app_for(settings_, FixedClock(START))
    apps: dict[str, ASGIApp] = {"fast": fast}

    async def by_lane(scope: Scope, receive: Receive, send: Send) -> None:
        chosen = next((v for k, v in scope.get("headers", []) if k == LANE_HEADER.encode()), b"fast")
        await apps[chosen.decode()](scope, receive, send)

    app: ASGIApp = by_lane
    async with AsyncTestClient(app=app) as client:
        # the app without the fast lane, over the services the first one resolved at start-up
        use_cases = services_of(container.use_cases)
        services = {name: await resolve(provider) for name, provider in use_cases.items()}
        services["metrics"] = container.metrics()
        apps["litestar"] = create_app(
            services=services,
            service_names=use_cases,
            metrics=services["metrics"],
            verifier=container.security.token_verifier(),
            body_timeout_seconds=settings_.http_body_timeout_seconds,
            fast_lane=False,
        )
        tokens = tokens_for(settings_)
        api = Api(client, container, tokens)
        seeded = [await _seed(api, status, protected=protected) for status in STATUSES for protected in (False, True)]
        lanes = Lanes(
            client=client, container=container, tokens=tokens, campaigns=seeded, on_mongo=store_url is not None
        )
        monkeypatch.setattr(FastLane, "_prepared", _recording(FastLane._prepared, lanes.decisions))
        yield lanes


Decide = Callable[[FastLane, Scope], Awaitable[LaneAnswer | None]]


def _recording(decide: Decide, decisions: list[bool]) -> Decide:
    async def recorded(lane: FastLane, scope: Scope) -> LaneAnswer | None:
        prepared = await decide(lane, scope)
        decisions.append(prepared is not None)
        return prepared

    return recorded


def _targets(campaign: Seeded) -> list[Target]:
    """Every lookup of the matrix for `campaign`."""
    encoded = "".join(f"%{ord(c):02X}" for c in campaign.site[:2]) + campaign.site[2:]  # the same site to Litestar
    names = {"site": campaign.site, "encoded_site": encoded, "upper_site": campaign.site.upper()}
    return [("domain", f"/campaigns?{query.format(**names)}", True) for query in FAST_QUERIES] + [
        ("domain", f"/campaigns?{query.format(**names)}", False) for query in LITESTAR_QUERIES
    ]


def _fast_lane_answers(caller: str, campaign: Seeded, route: str, *, readable_query: bool, cached: bool) -> bool:
    """The oracle: a readable query and a prepared answer, and the route's own rule.

    The lookup (spec §3): a campaign shown to the caller without a password. A campaign's own
    reads: a caller who may read it. The event read: any caller.
    """
    reader = caller in READERS
    if not (readable_query and cached):
        return False
    if route == "domain":
        shown = campaign.status in {"OPEN", "CLOSED"} or reader
        return shown and (reader or not campaign.protected)
    return route == "events" or reader


@pytest.mark.parametrize("caller", CALLERS)
async def test_every_lookup_answers_alike_with_and_without_the_fast_lane(lanes: Lanes, caller: str) -> None:
    skip_most_callers_on_mongo(lanes, caller)
    statuses = await lanes.compare(caller, _targets)
    # the matrix reaches every answer of the lookup (a reader is never asked for the password)
    assert statuses >= ({200, 400, 404} if caller in READERS else {200, 400, 401, 404})


async def test_other_requests_to_the_path_answer_alike_and_go_to_litestar(lanes: Lanes) -> None:
    campaign = next(c for c in lanes.campaigns if c.status == "OPEN" and not c.protected)
    headers = lanes.token("nobody", campaign)
    target = f"/campaigns?domain={campaign.site}"
    requests = [
        (Request("GET", f"/campaigns/?domain={campaign.site}", headers), False),
        (Request("HEAD", target, headers), False),
        (Request("GET", target, {**headers, "host": "bad host!"}), False),
        (Request("GET", target, {**headers, "content-type": "text/plain"}, b"hello"), False),
        (Request("GET", target, {**headers, "authorization": "Bearer not-a-token"}), False),
        # a body on a GET is not read by the route: the fast lane answers it too
        (Request("GET", target, {**headers, "content-type": "application/json"}, b"{}"), True),
        (Request("GET", target, headers), True),
    ]
    for request, answered_by_fast_lane in requests:
        fast, litestar, by_fast_lane = await lanes.both(request, cached=True)
        assert fast == litestar, request
        assert by_fast_lane == answered_by_fast_lane, request


_CALLER_CLAIMS = st.sampled_from(CALLERS)
_NAMES = st.sampled_from(["domain", "locale", "showAllLocales", "password", "Domain", "extra", ""])
_VALUES = st.one_of(
    st.sampled_from(["{site}", UNKNOWN_SITE, "fr-CA", "FR", "de", "true", "0", "maybe", "", quote(PASSWORD), "wrong"]),
    st.text(alphabet="aZ09-_.~%+;&=!é ", max_size=6),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    caller=_CALLER_CLAIMS,
    index=st.integers(min_value=0, max_value=len(STATUSES) * 2 - 1),
    with_domain=st.booleans(),
    pairs=st.lists(st.tuples(_NAMES, _VALUES), max_size=4),
    cached=st.booleans(),
)
async def test_generated_queries_answer_alike_with_and_without_the_fast_lane(
    lanes: Lanes, caller: str, index: int, *, with_domain: bool, pairs: list[tuple[str, str]], cached: bool
) -> None:
    campaign = lanes.campaigns[index]
    parts = [f"domain={campaign.site}"] if with_domain else []
    parts += [f"{name}={value.replace('{site}', campaign.site)}" for name, value in pairs]
    request = Request("GET", f"/campaigns?{'&'.join(parts)}", lanes.token(caller, campaign))
    fast, litestar, _ = await lanes.both(request, cached=cached)
    assert fast == litestar


async def test_fast_lane_answers_are_counted_and_logged_as_the_routes(lanes: Lanes) -> None:
    campaign = next(c for c in lanes.campaigns if c.status == "OPEN" and not c.protected)
    metrics = lanes.container.metrics()
    labels = {"method": "GET", "route": "/campaigns", "status": "200"}
    request = Request("GET", f"/campaigns?domain={campaign.site}", lanes.token("nobody", campaign))
    counted: list[float] = []
    logged: list[list[dict[str, Any]]] = []
    await lanes.set_cache(cached=True)
    decisions: list[list[bool]] = []
    for lane in LANES:
        before = metrics.registry.get_sample_value("http_requests_total", labels) or 0.0
        with structlog.testing.capture_logs() as logs:
            response = await lanes.send(lane, request)
        assert response.status_code == 200
        decisions.append(lanes.decisions[:])
        counted.append((metrics.registry.get_sample_value("http_requests_total", labels) or 0.0) - before)
        logged.append([{k: v for k, v in line.items() if k != "duration_ms"} for line in logs])
    assert counted == [1.0, 1.0]
    assert logged[0] == logged[1]
    assert [line["event"] for line in logged[0]] == ["request"]
    assert decisions == [[True], []]  # the first was the fast lane's answer; the second app has none


def _read_targets(campaign: Seeded) -> list[Target]:
    """The reads by id and by event of the matrix for `campaign`."""
    path = f"/campaigns/{campaign.id}"
    return [
        *(("by id", f"{path}{query}", True) for query in BY_ID_FAST),
        *(("by id", f"{path}{query}", False) for query in BY_ID_LITESTAR),
        ("markets", f"{path}/markets", True),
        *(("markets", f"{path}/markets{query}", False) for query in MARKETS_LITESTAR),
        *(("events", f"/campaigns/events?{query}", True) for query in EVENTS_FAST),
        *(("events", f"/campaigns/events?{query}", False) for query in EVENTS_LITESTAR),
    ]


@pytest.mark.parametrize("caller", CALLERS)
async def test_every_read_by_id_and_by_event_answers_alike_with_and_without_the_fast_lane(
    lanes: Lanes, caller: str
) -> None:
    skip_most_callers_on_mongo(lanes, caller)
    statuses = await lanes.compare(caller, _read_targets)
    assert statuses >= ({200, 400} if caller in READERS else {200, 400, 403})


async def test_unknown_ids_and_routes_beside_the_reads_by_id_answer_alike_and_go_to_litestar(lanes: Lanes) -> None:
    campaign = next(c for c in lanes.campaigns if c.status == "OPEN" and not c.protected)
    headers = lanes.token("supreme", campaign)
    targets = [
        f"/campaigns/{UNKNOWN_ID}",
        f"/campaigns/{UNKNOWN_ID}/markets",
        "/campaigns/list",
        "/campaigns/ids?categoryIds=cat",
        "/campaigns/status?domain=open-plain",
        f"/campaigns/{campaign.id}/status",
        f"/campaigns/{campaign.id}/markets/{UNKNOWN_ID}",
        f"/campaigns/{campaign.id[:4]}%2F{campaign.id[4:]}",
    ]
    for target in targets:
        fast, litestar, by_fast_lane = await lanes.both(Request("GET", target, headers), cached=True)
        assert fast == litestar, target
        assert not by_fast_lane, target


async def test_a_prepared_answer_leaves_with_the_commit_that_changes_it(lanes: Lanes) -> None:
    """Each write answers through the API, then the fast lane's next answer is the new one, as Litestar's is."""
    campaign = next(c for c in lanes.campaigns if c.status == "OPEN" and not c.protected)
    headers = lanes.token("supreme", campaign)
    path = f"/campaigns/{campaign.id}"

    async def read(target: str) -> Any:
        """The fast lane's answer, once a first read prepared it; Litestar's must be the same."""
        await lanes.send("fast", Request("GET", target, headers))
        fast = await lanes.send("fast", Request("GET", target, headers))
        assert lanes.decisions == [True], target
        litestar = await lanes.send("litestar", Request("GET", target, headers))
        assert (fast.status_code, fast.content) == (litestar.status_code, litestar.content)
        body: Any = fast.json()
        return body

    def listed(answer: list[Json]) -> list[str]:
        return [item["id"] for item in answer]

    assert campaign.id in listed(await read(f"/campaigns/events?eventId={EVENT}"))
    assert (await read(path))["name"] == f"Campaign {campaign.site}"
    markets = (await read(f"{path}/markets"))["markets"]

    renamed = await lanes.client.post(path, json={"name": "Renamed", "eventIds": []}, headers=headers)
    assert renamed.status_code == 200, renamed.text
    assert (await read(path))["name"] == "Renamed"
    assert campaign.id in listed(await read(f"/campaigns/events?eventId={EVENT}"))  # still its market's event

    market_path = f"{path}/markets/{markets[0]['id']}"
    moved = await lanes.client.post(market_path, json={"event": {"ids": ["EVMOVED"]}}, headers=headers)
    assert moved.status_code == 200, moved.text
    assert (await read(f"{path}/markets"))["markets"][0]["event"]["ids"] == ["EVMOVED"]
    assert campaign.id not in listed(await read(f"/campaigns/events?eventId={EVENT}"))
    assert listed(await read("/campaigns/events?eventId=EVMOVED")) == [campaign.id]

    deleted = await lanes.client.delete(market_path, headers=headers)
    assert deleted.status_code == 204, deleted.text
    assert (await read(f"{path}/markets"))["markets"] == []
    assert await read("/campaigns/events?eventId=EVMOVED") == []
