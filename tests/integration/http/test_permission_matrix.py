"""Generated users x campaigns x endpoints: every answer is exactly what the spec's permission table allows.

The oracle below is written from spec §3 (Permissions), not from the policy code. Requests are
chosen so that an allowed one changes nothing (no-op updates, refused status changes, dry runs),
so one app serves every example.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from litestar.testing import TestClient

from campaigns.adapters.local.clock import FixedClock
from tests.bootstrap import START, app_for, settings_for, tokens_for
from tests.integration.http.support import Json, Tokens, bearer, iso, valid_campaign_body

pytestmark = pytest.mark.integration

ABSENT_ID = "0123456789abcdef01234567"
ACTIONS = ("read", "write", "admin")
REFUSED_TARGET = {"DRAFT": "CLOSED", "OPEN": "DRAFT", "CLOSED": "PREVIEW"}
"""A status each seeded campaign may never move to, so an allowed status change writes nothing."""


@dataclass(frozen=True)
class Seeded:
    id: str
    site: str
    status: str


@dataclass(frozen=True)
class Endpoint:
    """One request against a campaign, and what the spec requires to be allowed to make it."""

    name: str
    needs: str
    """`read`, `write`, `admin` (status change), `supreme`, or `public-or-read` (fan-facing lookup)."""
    send: Callable[[TestClient[Any], Seeded, dict[str, str]], Any]
    allowed: frozenset[int]
    needs_when_absent: str | None = None
    """What a campaign that does not exist needs, where it differs (it has no schedule to make due)."""


def _get(path: str) -> Callable[[TestClient[Any], Seeded, dict[str, str]], Any]:
    return lambda client, campaign, headers: client.get(path.format(id=campaign.id), headers=headers)


def _schedule(days: int) -> Callable[[TestClient[Any], Seeded, dict[str, str]], Any]:
    """Set `date.open` `days` from the app's clock and `date.close` before it: if allowed, a 400 writing nothing."""
    body = {"date": {"open": iso(START + timedelta(days=days)), "close": iso(START + timedelta(days=days - 1))}}
    return lambda client, campaign, headers: client.post(f"/campaigns/{campaign.id}", json=body, headers=headers)


SCHEDULE_ENDPOINTS = [
    Endpoint("due schedule (invalid)", "admin", _schedule(-1), frozenset({400}), needs_when_absent="write"),
    Endpoint("future schedule (invalid)", "write", _schedule(10), frozenset({400})),
]

ENDPOINTS = [
    Endpoint("get", "read", _get("/campaigns/{id}"), frozenset({200})),
    Endpoint("status", "read", _get("/campaigns/{id}/status"), frozenset({200})),
    Endpoint("faqs", "read", _get("/campaigns/{id}/faqs"), frozenset({200})),
    Endpoint("terms", "read", _get("/campaigns/{id}/terms"), frozenset({200})),
    Endpoint("contacts", "read", _get("/campaigns/{id}/contacts"), frozenset({200})),
    Endpoint(
        "no-op update",
        "write",
        lambda client, campaign, headers: client.post(
            f"/campaigns/{campaign.id}", json={"name": f"Campaign {campaign.site}"}, headers=headers
        ),
        frozenset({200}),
    ),
    Endpoint(
        "refused status change",
        "admin",
        lambda client, campaign, headers: client.post(
            f"/campaigns/{campaign.id}", json={"status": REFUSED_TARGET.get(campaign.status, "CLOSED")}, headers=headers
        ),
        frozenset({409}),
    ),
    Endpoint(
        "by domain",
        "public-or-read",
        lambda client, campaign, headers: client.get("/campaigns", params={"domain": campaign.site}, headers=headers),
        frozenset({200}),
    ),
    Endpoint(
        "status by domain",
        "public-or-read",
        lambda client, campaign, headers: client.get(
            "/campaigns/status", params={"domain": campaign.site}, headers=headers
        ),
        frozenset({200}),
    ),
    *SCHEDULE_ENDPOINTS,
    Endpoint(
        "create (invalid)",
        "supreme",
        lambda client, _, headers: client.post("/campaigns", json={"status": "PREVIEW"}, headers=headers),
        frozenset({400}),
    ),
    Endpoint(
        "refresh (dry run)",
        "supreme",
        lambda client, _, headers: client.post("/campaigns/refresh", params={"dryRun": "true"}, headers=headers),
        frozenset({200}),
    ),
]


def oracle_allows(claims: Json, campaign_id: str, status: str, needs: str) -> bool:
    """Spec §3: supreme is everything; campaignIds means read+write; read<write<admin by operation."""
    if claims.get("supreme") is True or claims.get("isSupreme") is True:
        return True
    if needs == "supreme":
        return False
    granted = set(claims.get("campaignActions", {}).get(campaign_id, []))
    if campaign_id in claims.get("campaignIds", []):
        granted |= {"read", "write"}
    if needs == "public-or-read":
        return status in {"OPEN", "CLOSED"} or bool(granted & {"read", "write", "admin"})
    return bool(granted & {"read": {"read", "write", "admin"}, "write": {"write", "admin"}, "admin": {"admin"}}[needs])


@pytest.fixture
def matrix_clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def seeded_client(tmp_path: Path, matrix_clock: FixedClock) -> Iterator[tuple[TestClient[Any], Tokens, list[Seeded]]]:
    # The embedded store only, unlike the `settings` fixture's two profiles: the generated matrix is
    # about the permission policy, not the store, and twice its examples would cost CI minutes.
    settings = settings_for(tmp_path)
    _, app = app_for(settings, matrix_clock)
    tokens = tokens_for(settings)
    with TestClient(app=app) as client:
        admin = bearer(tokens.supreme())
        campaigns = []
        for site, status in (("matrix-draft", "DRAFT"), ("matrix-open", "OPEN"), ("matrix-closed", "CLOSED")):
            created = client.post("/campaigns", json=valid_campaign_body(site), headers=admin).json()
            for step in {"DRAFT": [], "OPEN": ["OPEN"], "CLOSED": ["OPEN", "CLOSED"]}[status]:
                client.post(f"/campaigns/{created['id']}", json={"status": step}, headers=admin).raise_for_status()
            campaigns.append(Seeded(id=created["id"], site=site, status=status))
        yield client, tokens, campaigns


def _claims(ids: list[str]) -> st.SearchStrategy[Json]:
    pool = st.sampled_from([*ids, ABSENT_ID])
    actions = st.lists(st.sampled_from([*ACTIONS, "READ", "delete"]), max_size=3)
    return st.fixed_dictionaries(
        {"userId": st.just("matrix-user")},
        optional={
            "supreme": st.one_of(st.booleans(), st.just("true")),
            "isSupreme": st.one_of(st.booleans(), st.just(1)),
            "campaignActions": st.dictionaries(pool, actions, max_size=4),
            "campaignIds": st.lists(pool, max_size=3),
        },
    )


def _assert_answer(client: TestClient[Any], tokens: Tokens, claims: Json, target: Seeded, endpoint: Endpoint) -> None:
    response = endpoint.send(client, target, bearer(tokens.mint(claims)))
    absent = target.status == "ABSENT"
    needs = endpoint.needs_when_absent if absent and endpoint.needs_when_absent else endpoint.needs
    allowed = oracle_allows(claims, target.id, target.status, needs)
    if endpoint.needs == "public-or-read" and (absent or not allowed):
        # no existence leak by domain: a campaign the caller may not see is an unknown domain
        assert response.status_code == 404, (endpoint.name, claims, response.text)
    elif not allowed:
        assert response.status_code == 403, (endpoint.name, claims, response.text)
    elif absent and endpoint.needs != "supreme":
        assert response.status_code == 404, (endpoint.name, claims, response.text)
    else:
        assert response.status_code in endpoint.allowed, (endpoint.name, claims, response.text)


def _targets(campaigns: list[Seeded]) -> list[Seeded]:
    return [*campaigns, Seeded(id=ABSENT_ID, site="matrix-absent", status="ABSENT")]


@pytest.mark.parametrize(
    "endpoints",
    [
        pytest.param(ENDPOINTS, id="every endpoint"),
        # spec §3 Lifecycle, sampled on its own too: a due `date.open`/`date.close` needs `admin`, a future one `write`
        pytest.param(SCHEDULE_ENDPOINTS, id="schedules"),
    ],
)
def test_every_answer_matches_the_permission_table(
    seeded_client: tuple[TestClient[Any], Tokens, list[Seeded]], endpoints: list[Endpoint]
) -> None:
    client, tokens, campaigns = seeded_client

    @given(
        claims=_claims([c.id for c in campaigns]),
        target=st.sampled_from(_targets(campaigns)),
        endpoint=st.sampled_from(endpoints),
    )
    def check(claims: Json, target: Seeded, endpoint: Endpoint) -> None:
        _assert_answer(client, tokens, claims, target, endpoint)

    check()


def test_the_list_never_shows_an_unreadable_campaign(
    seeded_client: tuple[TestClient[Any], Tokens, list[Seeded]],
) -> None:
    client, tokens, campaigns = seeded_client

    @given(claims=_claims([c.id for c in campaigns]))
    def check(claims: Json) -> None:
        listed = client.get("/campaigns/list", params={"pageSize": "100"}, headers=bearer(tokens.mint(claims))).json()
        shown = {campaign["id"] for campaign in listed["campaigns"]}
        readable = {c.id for c in campaigns if oracle_allows(claims, c.id, c.status, "read")}
        assert shown == readable, (claims, shown, readable)

    check()


# --------------------------------------------------------------------------- market routes

MARKET_NAME = "Matrix Market"
ABSENT_MARKET_ID = "fedcba9876543210fedcba98"
MARKET_BODY: Json = {"name": MARKET_NAME, "city": "Paris", "state": "IDF", "timezone": "Europe/Paris"}


class SeededMarkets:
    """One market named MARKET_NAME in each seeded campaign; a write the matrix allows is undone at once."""

    def __init__(self, client: TestClient[Any], admin: dict[str, str], campaigns: list[Seeded]) -> None:
        self.client = client
        self.admin = admin
        self.ids = {campaign.id: self._create(campaign.id, MARKET_BODY) for campaign in campaigns}

    def _create(self, campaign_id: str, body: Json) -> str:
        response = self.client.post(f"/campaigns/{campaign_id}/markets", json=body, headers=self.admin)
        assert response.status_code == 201, response.text
        market_id: str = response.json()["id"]
        return market_id

    def id_of(self, owner: Seeded) -> str:
        return self.ids.get(owner.id, ABSENT_MARKET_ID)

    def restore(self, campaign_id: str) -> None:
        """After an allowed delete: the campaign gets its market back (under a new id)."""
        self.ids[campaign_id] = self._create(campaign_id, MARKET_BODY)

    def remove(self, campaign_id: str, market_id: str) -> None:
        """After an allowed create: the extra market goes."""
        delete_market(self.client, self.admin, campaign_id, market_id)


def delete_market(client: TestClient[Any], admin: dict[str, str], campaign_id: str, market_id: str) -> None:
    response = client.delete(f"/campaigns/{campaign_id}/markets/{market_id}", headers=admin)
    assert response.status_code == 204, response.text


@dataclass(frozen=True)
class MarketCase:
    target: Seeded
    """The campaign in the path."""
    owner: Seeded
    """The campaign whose market the path names (ABSENT: a market id that does not exist)."""
    source: Seeded
    """The campaign a clone copies from."""


@dataclass(frozen=True)
class MarketRoute:
    """A market route, what it needs, and what an allowed request answers."""

    name: str
    send: Callable[[TestClient[Any], MarketCase, SeededMarkets, dict[str, str]], Any]
    needs: Callable[[MarketCase], list[tuple[Seeded, str]]]
    answer: Callable[[MarketCase], int]
    """The status of an allowed request (a 404 whenever a campaign or the market is not where the path says)."""


def _on_target(need: str) -> Callable[[MarketCase], list[tuple[Seeded, str]]]:
    return lambda case: [(case.target, need)]


def _own_market(ok: int) -> Callable[[MarketCase], int]:
    return lambda case: ok if case.target.status != "ABSENT" and case.owner.id == case.target.id else 404


def _on_campaign(ok: int) -> Callable[[MarketCase], int]:
    return lambda case: 404 if case.target.status == "ABSENT" else ok


def _market_path(case: MarketCase, markets: SeededMarkets) -> str:
    return f"/campaigns/{case.target.id}/markets/{markets.id_of(case.owner)}"


MARKET_ROUTES = [
    MarketRoute(
        "list",
        lambda client, case, _, headers: client.get(f"/campaigns/{case.target.id}/markets", headers=headers),
        _on_target("read"),
        _on_campaign(200),
    ),
    MarketRoute(
        "list as GeoJSON",
        lambda client, case, _, headers: client.get(
            f"/campaigns/{case.target.id}/markets", params={"useGeoJson": "true"}, headers=headers
        ),
        _on_target("read"),
        _on_campaign(200),
    ),
    MarketRoute(
        "create",
        lambda client, case, _, headers: client.post(
            f"/campaigns/{case.target.id}/markets", json={**MARKET_BODY, "name": "Matrix Extra"}, headers=headers
        ),
        _on_target("write"),
        _on_campaign(201),
    ),
    MarketRoute(
        "get",
        lambda client, case, markets, headers: client.get(_market_path(case, markets), headers=headers),
        _on_target("read"),
        _own_market(200),
    ),
    MarketRoute(
        "no-op update",
        lambda client, case, markets, headers: client.post(
            _market_path(case, markets), json={"name": MARKET_NAME}, headers=headers
        ),
        _on_target("write"),
        _own_market(200),
    ),
    MarketRoute(
        "delete",
        lambda client, case, markets, headers: client.delete(_market_path(case, markets), headers=headers),
        _on_target("write"),
        _own_market(204),
    ),
    MarketRoute(
        "clone (every name clashes)",
        lambda client, case, _, headers: client.post(
            f"/campaigns/{case.target.id}/markets/clones", json={"fromCampaignId": case.source.id}, headers=headers
        ),
        lambda case: [(case.target, "write"), (case.source, "read")],
        lambda case: 404 if "ABSENT" in {case.target.status, case.source.status} else 409,
    ),
]


@pytest.fixture
def seeded_markets(
    seeded_client: tuple[TestClient[Any], Tokens, list[Seeded]],
) -> tuple[TestClient[Any], Tokens, list[Seeded], SeededMarkets]:
    client, tokens, campaigns = seeded_client
    return client, tokens, campaigns, SeededMarkets(client, bearer(tokens.supreme()), campaigns)


def test_every_market_route_answers_as_the_permission_table_says(
    seeded_markets: tuple[TestClient[Any], Tokens, list[Seeded], SeededMarkets],
) -> None:
    client, tokens, campaigns, markets = seeded_markets
    targets = [*campaigns, Seeded(id=ABSENT_ID, site="matrix-absent", status="ABSENT")]

    @given(
        claims=_claims([c.id for c in campaigns]),
        target=st.sampled_from(targets),
        owner=st.sampled_from(targets),
        source=st.sampled_from(targets),
        route=st.sampled_from(MARKET_ROUTES),
    )
    def check(claims: Json, target: Seeded, owner: Seeded, source: Seeded, route: MarketRoute) -> None:
        case = MarketCase(target=target, owner=owner, source=source)
        response = route.send(client, case, markets, bearer(tokens.mint(claims)))
        allowed = all(oracle_allows(claims, c.id, c.status, need) for c, need in route.needs(case))
        expected = route.answer(case) if allowed else 403
        assert response.status_code == expected, (route.name, case, claims, response.text)
        if response.status_code == 204:
            markets.restore(target.id)
        elif response.status_code == 201:
            markets.remove(target.id, response.json()["id"])

    check()


# --------------------------------------------------------------------------- notification rights

HOUR = timedelta(hours=1)
REMINDERS: dict[str, tuple[int, int | None, bool]] = {
    "due": (5, 1, False),
    "notified": (6, 1, True),
    "waiting": (10, 8, False),
    "unarmed": (20, None, False),
}
"""Each seeded campaign's markets: name → (presale, notification date, notified), hours from START.

Seen from START + 2h, every presale is upcoming and each notification state is there once.
"""
NEW_MARKET: Json = {
    **MARKET_BODY,
    "name": "Matrix Extra",
    "event": {"ids": ["E-extra"], "presaleDateTime": iso(START + 5 * HOUR)},
}


class ArmedMarkets:
    """Markets in every notification state, set by the supreme routes; a market a write created is removed at once."""

    def __init__(self, client: TestClient[Any], admin: dict[str, str], campaigns: list[Seeded]) -> None:
        self.client = client
        self.admin = admin
        self.by_campaign: dict[str, dict[str, str]] = {}
        for campaign in campaigns:
            self.by_campaign[campaign.id] = {name: self._arm(campaign, name) for name in REMINDERS}

    def _post(self, path: str, body: Json) -> Json:
        response = self.client.post(path, json=body, headers=self.admin)
        assert response.status_code in {200, 201}, response.text
        answered: Json = response.json()
        return answered

    def _arm(self, campaign: Seeded, name: str) -> str:
        presale, notify_at, notified = REMINDERS[name]
        event = {"ids": [f"E-{name}"], "presaleDateTime": iso(START + presale * HOUR)}
        market_id: str = self._post(
            f"/campaigns/{campaign.id}/markets", {**MARKET_BODY, "name": f"{campaign.site} {name}", "event": event}
        )["id"]
        if notify_at is not None:
            self._post(
                "/markets/notifyDate", {"marketIds": [market_id], "notificationDate": iso(START + notify_at * HOUR)}
            )
        if notified:
            self._post("/markets/notified", {"marketIds": [market_id]})
        return market_id

    def read(self, campaign_id: str, name: str) -> Json:
        response = self.client.get(
            f"/campaigns/{campaign_id}/markets/{self.by_campaign[campaign_id][name]}", headers=self.admin
        )
        assert response.status_code == 200, response.text
        found: Json = response.json()
        return found

    def reminders(self) -> tuple[list[Json], list[Json]]:
        """What `/markets/notifiable` and `/markets/upcoming` answer."""
        answers = [self.client.get(path, headers=self.admin) for path in ("/markets/notifiable", "/markets/upcoming")]
        assert all(answer.status_code == 200 for answer in answers), [answer.text for answer in answers]
        return answers[0].json()["markets"], answers[1].json()["markets"]

    def remove(self, campaign_id: str, market_ids: list[str]) -> None:
        for market_id in market_ids:
            delete_market(self.client, self.admin, campaign_id, market_id)


@dataclass(frozen=True)
class NotificationCase:
    target: Seeded
    """The campaign in the path."""
    source: Seeded
    """The campaign a clone copies from."""
    market: str
    """Which of the target's markets (a REMINDERS name) an update names."""
    notification: Json | None
    """What the body says `notification` is."""


@dataclass(frozen=True)
class NotificationAttempt:
    """A write whose body carries `notification` (a clone's sources carry it), what it needs, what it answers."""

    name: str
    send: Callable[[TestClient[Any], NotificationCase, ArmedMarkets, dict[str, str]], Any]
    needs: Callable[[NotificationCase], list[tuple[Seeded, str]]]
    answer: Callable[[NotificationCase], int]


def _update_market(
    round_trip: bool,
) -> Callable[[TestClient[Any], NotificationCase, ArmedMarkets, dict[str, str]], Any]:
    def send(client: TestClient[Any], case: NotificationCase, armed: ArmedMarkets, headers: dict[str, str]) -> Any:
        market = armed.read(case.target.id, case.market)
        body = {**market, "notification": case.notification} if round_trip else {"notification": case.notification}
        return client.post(f"/campaigns/{case.target.id}/markets/{market['id']}", json=body, headers=headers)

    return send


def _supreme_route(path: str) -> Callable[[TestClient[Any], NotificationCase, ArmedMarkets, dict[str, str]], Any]:
    def send(client: TestClient[Any], case: NotificationCase, armed: ArmedMarkets, headers: dict[str, str]) -> Any:
        body: Json = {"marketIds": [armed.by_campaign[case.target.id][case.market]]}
        if path.endswith("notifyDate"):
            body["notificationDate"] = (case.notification or {}).get("date") or iso(START + 3 * HOUR)
        return client.post(path, json=body, headers=headers)

    return send


NOTIFICATION_ATTEMPTS = [
    NotificationAttempt(
        "create market",
        lambda client, case, _, headers: client.post(
            f"/campaigns/{case.target.id}/markets",
            json={**NEW_MARKET, "notification": case.notification},
            headers=headers,
        ),
        lambda case: [(case.target, "write")],
        lambda _: 201,
    ),
    NotificationAttempt(
        "update market", _update_market(round_trip=False), lambda case: [(case.target, "write")], lambda _: 200
    ),
    NotificationAttempt(
        "round trip", _update_market(round_trip=True), lambda case: [(case.target, "write")], lambda _: 200
    ),
    NotificationAttempt(
        "clone markets",
        lambda client, case, _, headers: client.post(
            f"/campaigns/{case.target.id}/markets/clones", json={"fromCampaignId": case.source.id}, headers=headers
        ),
        lambda case: [(case.target, "write"), (case.source, "read")],
        lambda case: 409 if case.source == case.target else 200,
    ),
    NotificationAttempt(
        "update campaign",
        lambda client, case, _, headers: client.post(
            f"/campaigns/{case.target.id}", json={"notification": case.notification}, headers=headers
        ),
        lambda _: [],
        lambda _: 400,
    ),
    NotificationAttempt("notify date", _supreme_route("/markets/notifyDate"), lambda _: [], lambda _: 403),
    NotificationAttempt("notified", _supreme_route("/markets/notified"), lambda _: [], lambda _: 403),
]

_INSTANT_OR_NULL = st.none() | st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)).map(iso)
NOTIFICATIONS = st.none() | st.fixed_dictionaries({}, optional={"date": _INSTANT_OR_NULL, "notified": _INSTANT_OR_NULL})
"""A market body's `notification`: null, or any mix of dates (past, due, after the presale) and nulls."""


def _non_supreme_claims(ids: list[str]) -> st.SearchStrategy[Json]:
    """Any mix of read/write/admin grants on the seeded campaigns, often on the one a request names."""
    grants = st.dictionaries(st.sampled_from(ids), st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3))
    return st.fixed_dictionaries(
        {"userId": st.just("matrix-user"), "campaignActions": grants},
        optional={
            "supreme": st.sampled_from([False, "true"]),
            "isSupreme": st.sampled_from([False, 1]),
            "campaignIds": st.lists(st.sampled_from(ids), max_size=3),
        },
    )


def _created(response: Any) -> list[str]:
    """The ids of the markets a successful create or clone added."""
    if response.status_code == 201:
        return [response.json()["id"]]
    if response.status_code == 200 and "cloned" in response.json():
        return [market["id"] for market in response.json()["cloned"]]
    return []


def test_no_non_supreme_token_changes_the_reminder_lists(
    seeded_client: tuple[TestClient[Any], Tokens, list[Seeded]], matrix_clock: FixedClock
) -> None:
    """Spec §3 Markets: `notification` is read-only in market bodies, set by the supreme `/markets/*` routes alone."""
    client, tokens, campaigns = seeded_client
    armed = ArmedMarkets(client, bearer(tokens.supreme()), campaigns)
    matrix_clock.advance(2 * HOUR)
    notifiable, upcoming = armed.reminders()
    assert [market["name"] for market in notifiable] == [f"{c.site} due" for c in campaigns]
    assert len(upcoming) == len(campaigns) * len(REMINDERS)

    @given(
        claims=_non_supreme_claims([c.id for c in campaigns]),
        target=st.sampled_from(campaigns),
        source=st.sampled_from(campaigns),
        market=st.sampled_from(list(REMINDERS)),
        notification=NOTIFICATIONS,
        attempt=st.sampled_from(NOTIFICATION_ATTEMPTS),
    )
    def check(
        claims: Json,
        target: Seeded,
        source: Seeded,
        market: str,
        notification: Json | None,
        attempt: NotificationAttempt,
    ) -> None:
        case = NotificationCase(target=target, source=source, market=market, notification=notification)
        response = attempt.send(client, case, armed, bearer(tokens.mint(claims)))
        created = _created(response)
        try:
            allowed = all(oracle_allows(claims, c.id, c.status, need) for c, need in attempt.needs(case))
            expected = attempt.answer(case) if allowed else 403
            assert response.status_code == expected, (attempt.name, case, claims, response.text)
            now_notifiable, now_upcoming = armed.reminders()
            assert now_notifiable == notifiable, (attempt.name, case, claims)
            assert [m for m in now_upcoming if m["id"] not in created] == upcoming, (attempt.name, case, claims)
            assert all("notification" not in m for m in now_upcoming if m["id"] in created), (attempt.name, case)
        finally:
            armed.remove(target.id, created)

    check()
