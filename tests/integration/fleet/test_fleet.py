"""A fleet behaves as one service: two `serve --workers 2` instances and two schedulers on one store and one Redis.

For a bounded time, writes, lookups, due transitions and wrong password guesses run at once across
the instances while their metrics are scraped. Then, once every sink has caught up: no answer was
a 5xx, each transition was applied once, every event reached the sink in per-campaign order, the
attempt limit held across the fleet, counters never went backwards, and every worker of every
instance answered a renamed campaign's new name soon after the write, although the in-process
cache TTL is far longer than the deadline (so only the cross-worker eviction can explain it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import json
import os
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.http.support import bearer, valid_campaign_body
from tests.integration.processes import (
    TEST_MONGO_URL,
    Process,
    campaigns_environment,
    free_port,
    read_events,
    run_campaigns,
    started,
    until,
)
from tests.integration.redis.servers import RedisServer, redis_server

pytestmark = pytest.mark.integration

REAL_MONGO = bool(os.environ.get(TEST_MONGO_URL))
STAND_IN_NESTS_TRANSACTIONS = (
    "the MongoDB stand-in runs overlapping transactions of different connections as nested savepoints,"
    " so several processes writing at once need a real replica set (CAMPAIGNS_TEST_MONGO_URL)"
)

INSTANCES = 2
WORKERS = 2
SCHEDULERS = 2
DRIVE_SECONDS = 8.0
"""How long the concurrent load runs: bounded, so the test ends by itself."""
CACHE_TTL_SECONDS = 60
"""Far past the staleness deadline: a worker answering the new name in time was told, not timed out."""
STALENESS_DEADLINE = 5.0
"""Generous for a loaded 2-core machine; the figure itself (under 250 ms) is measured by bench/fleet.sh."""
ATTEMPTS_PER_MINUTE = 10
GUESSES = 40
MOVES = 6
DUE = 6


@dataclasses.dataclass
class Fleet:
    env: dict[str, str]
    instances: list[Process]
    schedulers: list[Process]
    supreme: dict[str, str]
    fan: dict[str, str]
    """Guesses passwords."""
    reader: dict[str, str]
    """Looks campaigns up, as another fan."""

    @property
    def urls(self) -> list[str]:
        return [str(instance.base_url) for instance in self.instances]

    @property
    def events_path(self) -> Path:
        return Path(self.env["CAMPAIGNS_DATA_DIR"]) / "events.jsonl"

    def processes(self) -> list[Process]:
        return [*self.instances, *self.schedulers]


def _token(env: dict[str, str], *args: str) -> dict[str, str]:
    minted = run_campaigns("token", *args, env=env)
    assert minted.returncode == 0, minted.stderr
    return bearer(minted.stdout.strip())


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    with redis_server(tmp_path / "redis") as server:
        yield server


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("mongo", marks=pytest.mark.skipif(not REAL_MONGO, reason=STAND_IN_NESTS_TRANSACTIONS)),
    ]
)
def store(request: pytest.FixtureRequest) -> dict[str, str]:
    """The fleet's one store: SQLite, or a real MongoDB replica set (`CAMPAIGNS_TEST_MONGO_URL`)."""
    return {} if request.param == "sqlite" else {"store": request.getfixturevalue("mongo_url")}


@pytest.fixture
def fleet(tmp_path: Path, redis: RedisServer, store: dict[str, str]) -> Iterator[Fleet]:
    env = campaigns_environment(
        tmp_path / "data",
        **store,
        redis_url=redis.url,
        cache_ttl_seconds=str(CACHE_TTL_SECONDS),
        tick_seconds="0.5",
        relay_seconds="0.2",
    )
    initialised = run_campaigns("db", "init", env=env)
    assert initialised.returncode == 0, initialised.stderr
    with ExitStack() as stack:
        ports = [free_port() for _ in range(INSTANCES)]
        instances = [
            stack.enter_context(
                started(
                    "serve",
                    "--port",
                    str(port),
                    "--workers",
                    str(WORKERS),
                    env=env,
                    log=tmp_path / f"serve-{n}.log",
                    port=port,
                )
            )
            for n, port in enumerate(ports)
        ]
        schedulers = [
            stack.enter_context(
                started("scheduler", env={**env, "CAMPAIGNS_LOG_LEVEL": "INFO"}, log=tmp_path / f"scheduler-{n}.log")
            )
            for n in range(SCHEDULERS)
        ]
        tokens = [_token(env, "--supreme"), _token(env, "--user", "fan-1"), _token(env, "--user", "fan-2")]
        yield Fleet(env, instances, schedulers, *tokens)


class Recorder:
    """Every answer the drive received, by what asked, and every 5xx with its body."""

    def __init__(self) -> None:
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.server_errors: list[str] = []
        self.lock = threading.Lock()

    def record(self, what: str, response: httpx.Response) -> httpx.Response:
        with self.lock:
            self.statuses[what, response.status_code] += 1
            if response.status_code >= 500:
                self.server_errors.append(f"{what}: {response.status_code} {response.text[:300]}")
        return response


def _iso(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _request_total(metrics_text: str) -> float:
    return sum(float(match[1]) for match in re.finditer(r"^http_requests_total\{[^}]*\} (\S+)$", metrics_text, re.M))


def _answers_everywhere(fleet: Fleet, site: str, name: str, headers: dict[str, str]) -> bool:
    """Every worker of every instance answers `name` (each instance asked a few times, so both workers answer)."""
    for url in fleet.urls:
        with httpx.Client(base_url=url, headers=headers, timeout=10.0) as client:
            for _ in range(WORKERS * 4):
                if client.get("/campaigns", params={"domain": site}).json().get("name") != name:
                    return False
    return True


def test_a_fleet_behaves_as_one_service(fleet: Fleet) -> None:  # noqa: PLR0915 - one scenario, checked as a whole
    recorder = Recorder()
    clients = [httpx.Client(base_url=url, headers=fleet.supreme, timeout=20.0) for url in fleet.urls]
    fans = [httpx.Client(base_url=url, headers=fleet.fan, timeout=20.0) for url in fleet.urls]
    readers = [httpx.Client(base_url=url, headers=fleet.reader, timeout=20.0) for url in fleet.urls]
    pick = itertools.cycle(range(INSTANCES))

    def supreme(method: str, path: str, **kwargs: Any) -> httpx.Response:
        return recorder.record(f"{method} {path.split('/')[1]}", clients[next(pick)].request(method, path, **kwargs))

    def open_campaign(site: str, **fields: Any) -> httpx.Response:
        created = supreme("POST", "/campaigns", json=valid_campaign_body(site, status="PREVIEW", **fields))
        assert created.status_code == 201, created.text
        return supreme("POST", f"/campaigns/{created.json()['id']}", json={"status": "OPEN"})

    protected = open_campaign("fleet-locked", password="right")
    renamed = open_campaign("fleet-fresh")
    movers = [supreme("POST", "/campaigns", json=valid_campaign_body(f"fleet-move-{n}-0")) for n in range(2)]
    opens_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    due = [
        supreme(
            "POST",
            "/campaigns",
            json=valid_campaign_body(f"fleet-due-{n}", status="PREVIEW", date={"open": _iso(opens_at)}),
        )
        for n in range(DUE)
    ]
    assert [protected.status_code, renamed.status_code] == [200, 200], [protected.text, renamed.text]
    created = [*movers, *due]
    assert [response.status_code for response in created] == [201] * len(created), [r.text for r in created]
    mover_ids = [response.json()["id"] for response in movers]
    due_ids = {response.json()["id"] for response in due}

    stop_at = time.monotonic() + DRIVE_SECONDS
    staleness: list[float] = []
    scrapes: dict[str, list[float]] = defaultdict(list)

    def move(index: int) -> None:
        for step in range(1, MOVES + 1):
            site = f"fleet-move-{index}-{step}"
            moved = supreme("POST", f"/campaigns/{mover_ids[index]}", json={"domain": {"site": site}})
            assert moved.status_code == 200, moved.text

    def rename() -> None:
        campaign_id = renamed.json()["id"]
        for step in itertools.count(1):
            if time.monotonic() > stop_at:
                return
            name = f"Fresh {step}"
            written = supreme("POST", f"/campaigns/{campaign_id}", json={"name": name})
            assert written.status_code == 200, written.text
            started_at = time.monotonic()
            until(
                f"every worker answering {name!r}",
                functools.partial(_answers_everywhere, fleet, "fleet-fresh", name, fleet.supreme),
                *fleet.processes(),
                within=STALENESS_DEADLINE,
            )
            staleness.append(time.monotonic() - started_at)

    def look_up() -> None:
        while time.monotonic() < stop_at:
            for site in ("fleet-fresh", "fleet-due-0", "fleet-move-0-3"):
                recorder.record("lookup", readers[next(pick)].get("/campaigns", params={"domain": site}))

    def guess() -> Counter[int]:
        answers: Counter[int] = Counter()
        for n in range(GUESSES):
            params = {"domain": "fleet-locked", "password": f"wrong-{n}"}
            answers[recorder.record("guess", fans[n % INSTANCES].get("/campaigns", params=params)).status_code] += 1
        return answers

    def scrape() -> None:
        while time.monotonic() < stop_at:
            for url in fleet.urls:
                scrapes[url].append(_request_total(recorder.record("metrics", httpx.get(f"{url}/metrics")).text))
            time.sleep(0.1)

    with ThreadPoolExecutor(max_workers=8) as pool:
        jobs = [pool.submit(move, 0), pool.submit(move, 1), pool.submit(rename), pool.submit(scrape)]
        jobs += [pool.submit(look_up) for _ in range(2)]
        guesses = pool.submit(guess)
        for job in jobs:
            job.result()
        answers = guesses.result()

    assert recorder.server_errors == [], "no 5xx anywhere"
    assert answers[401] <= ATTEMPTS_PER_MINUTE, f"the fleet let {answers[401]} wrong guesses through: {answers}"
    assert answers[401] + answers[429] == GUESSES, answers
    for url, totals in scrapes.items():
        assert totals == sorted(totals), f"a counter of {url} went backwards: {totals}"
        assert len(set(totals)) > 1, "the counter counted the drive's requests"
    assert staleness, "at least one rename was checked on every worker"

    def caught_up() -> bool:
        result = run_campaigns("outbox", "status", env=fleet.env)
        return result.returncode == 0 and all(sink["backlog"] == 0 for sink in json.loads(result.stdout)["sinks"])

    until("every sink caught up", caught_up, *fleet.processes(), within=60)
    until(
        "every due campaign opened",
        lambda: due_ids <= _opened(read_events(fleet.events_path)).keys(),
        *fleet.processes(),
    )
    events = read_events(fleet.events_path)
    first_copies = list({event["id"]: event for event in reversed(events)}.values())[::-1]

    opened = _opened(events)
    assert {campaign_id: opened[campaign_id] for campaign_id in due_ids} == dict.fromkeys(due_ids, 1)
    for campaign_id in due_ids:
        history = supreme("GET", f"/campaigns/{campaign_id}").json()["statusHistory"]
        assert [entry["status"] for entry in history] == ["PREVIEW", "OPEN"], history
    for index, campaign_id in enumerate(mover_ids):
        moves = [
            event["data"]["domain"]
            for event in first_copies
            if event["subject"] == campaign_id and event["type"] == "campaign.updated"
        ]
        assert moves == [f"fleet-move-{index}-{step}" for step in range(1, MOVES + 1)], "delivered in commit order"


def _opened(events: list[dict[str, Any]]) -> Counter[str]:
    """How many distinct `OPEN` transitions each campaign's events record (a re-delivery counts once)."""
    distinct = {event["id"]: event for event in events}.values()
    return Counter(
        event["subject"]
        for event in distinct
        if event["type"] == "campaign.status-changed" and event["data"].get("toStatus") == "OPEN"
    )
