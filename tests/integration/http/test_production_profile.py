"""The production profile as real processes on MongoDB: start-up checks, an outage and its recovery, many instances.

Every process here is a `campaigns` command in a subprocess; the MongoDB is the session's stand-in
(a fresh database per test) or, for the outage, a stand-in of the test's own that it stops and
restarts on the same port and file. Under `CAMPAIGNS_TEST_MONGO_URL` the outage test is skipped (it
cannot stop a real server); the rest run against that server.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
from collections import Counter
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
    mongo_stand_in,
    read_events,
    run_campaigns,
    started,
    until,
)

pytestmark = [pytest.mark.integration, pytest.mark.serve]

WITHIN = 30.0
"""Bound on every wait for the processes to get somewhere (they poll; nothing sleeps a fixed time)."""
SERVERS = 2
SCHEDULERS = 2
CONTENDERS = 24
DUE = 12
REAL_MONGO = bool(os.environ.get(TEST_MONGO_URL))
STAND_IN_NESTS_TRANSACTIONS = (
    "nx-27017 runs overlapping transactions of different connections as nested SQLite savepoints: when the"
    " first one commits it takes the second one's writes with it, and the second one's commit then fails"
    " ('no such savepoint'). Concurrent writers in several processes need a real MongoDB (CAMPAIGNS_TEST_MONGO_URL)."
)


def _until(what: str, check: Any, *processes: Process) -> Any:
    return until(what, check, *processes, within=WITHIN)


def _token(env: dict[str, str]) -> dict[str, str]:
    minted = run_campaigns("token", "--supreme", env=env)
    assert minted.returncode == 0, minted.stderr
    return bearer(minted.stdout.strip())


def _db_init(env: dict[str, str]) -> list[str]:
    result = run_campaigns("db", "init", env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("store ready: "), result.stdout
    return [line.removeprefix("created: ") for line in lines if line.startswith("created: ")]


@pytest.fixture
def env(tmp_path: Path, mongo_url: str) -> dict[str, str]:
    """One data dir (the dev key, the events sink) and one fresh database for every process of the test."""
    return campaigns_environment(tmp_path / "data", store=mongo_url, mongo_timeout_seconds="2")


@pytest.mark.parametrize(
    "command",
    [["serve"], ["scheduler"], ["db", "init"], ["outbox", "status"], ["refresh"], ["refresh", "--dry-run"]],
    ids=" ".join,
)
def test_a_store_that_does_not_answer_stops_every_command_with_one_line_and_code_2(
    tmp_path: Path, command: list[str]
) -> None:
    nobody = free_port()  # nothing listens there
    env = campaigns_environment(
        tmp_path, store=f"mongodb://127.0.0.1:{nobody}/campaigns", mongo_timeout_seconds="0.3", port=str(free_port())
    )

    result = run_campaigns(*command, env=env)

    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"store unavailable: MongoDB at 127.0.0.1:{nobody} (database campaigns) did not answer")
    assert "CAMPAIGNS_MONGO_TIMEOUT_SECONDS" in lines[0]
    assert result.stdout == ""


def test_a_replica_set_the_server_is_not_in_is_named_as_such_not_as_an_outage(tmp_path: Path) -> None:
    with mongo_stand_in(tmp_path / "nx-27017") as server:
        env = campaigns_environment(
            tmp_path / "data", store=f"{server.url}/campaigns?replicaSet=rs0", mongo_timeout_seconds="0.5"
        )

        result = run_campaigns("db", "init", env=env)

    assert result.returncode == 2, result.stdout + result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("store misconfigured: MongoDB at 127.0.0.1:"), line
    assert "answers as a server that is not in a replica set, but the URL names replicaSet=rs0" in line
    assert "remove replicaSet from the URL" in line


@pytest.mark.parametrize("command", [["serve"], ["scheduler"], ["refresh"], ["outbox", "status"]], ids=" ".join)
def test_a_database_without_its_indexes_is_refused_until_db_init(env: dict[str, str], command: list[str]) -> None:
    result = run_campaigns(*command, env={**env, "CAMPAIGNS_PORT": str(free_port())})

    assert result.returncode == 2, result.stdout + result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("store not initialised: MongoDB at ")
    assert line.endswith("run `campaigns db init`")


def test_db_init_creates_every_index_once_and_then_the_commands_start(env: dict[str, str]) -> None:
    created = _db_init(env)

    assert {"campaigns", "markets", "promoters", "contacts", "outbox"} <= set(created)
    assert any(name.startswith("campaigns.") for name in created)
    assert _db_init(env) == [], "a second db init must create nothing"
    status = run_campaigns("outbox", "status", env=env)
    assert status.returncode == 0, status.stderr
    backlogs = {sink["sink"]: sink["backlog"] for sink in json.loads(status.stdout)["sinks"]}
    assert backlogs.get("json-lines") == 0
    assert set(backlogs.values()) == {0}


def _problem_code(response: httpx.Response) -> tuple[int, str | None]:
    body = response.json() if response.headers.get("content-type", "").startswith("application/problem+json") else {}
    return response.status_code, body.get("code")


@pytest.mark.skipif(REAL_MONGO, reason="stops and restarts its MongoDB: the stand-in only")
def test_an_outage_answers_503_and_the_service_recovers_by_itself_when_the_server_returns(tmp_path: Path) -> None:
    with mongo_stand_in(tmp_path / "nx", db=str(tmp_path / "nx" / "store.db")) as mongo:
        env = campaigns_environment(tmp_path / "data", store=f"{mongo.url}/campaigns", mongo_timeout_seconds="1")
        _db_init(env)
        headers = _token(env)
        port = free_port()
        with started("serve", "--port", str(port), env=env, log=tmp_path / "serve.log", port=port) as server:
            http = httpx.Client(base_url=str(server.base_url), headers=headers, timeout=10.0)
            before = http.post("/campaigns", json=valid_campaign_body("before-outage"))
            assert before.status_code == 201, before.text
            campaign_id = before.json()["id"]

            mongo.stop()
            down = [
                http.get(f"/campaigns/{campaign_id}"),
                http.get("/campaigns", params={"domain": "before-outage-uncached"}),
                http.post("/campaigns", json=valid_campaign_body("during-outage")),
                http.get("/heartbeat", params={"deep": "true"}),
            ]
            assert [_problem_code(response) for response in down] == [(503, "DEPENDENCY_UNAVAILABLE")] * 4, [
                response.text for response in down
            ]

            mongo.start()  # same port, same file: the data survives
            back = _until(
                "a 200 after the restart",
                lambda: (r := http.get(f"/campaigns/{campaign_id}")).status_code == 200 and r,
                server,
            )
            assert back.json()["id"] == campaign_id
            after = http.post("/campaigns", json=valid_campaign_body("after-outage"))
            assert after.status_code == 201, after.text
            assert http.get("/campaigns", params={"domain": "during-outage"}).status_code == 404
            assert server.process.poll() is None
            server.process.send_signal(signal.SIGTERM)
            assert server.process.wait(timeout=15) == 0, server.output()


def _events(data_dir: Path) -> list[dict[str, Any]]:
    return read_events(data_dir / "events.jsonl")


def _opened(events: list[dict[str, Any]]) -> Counter[str]:
    return Counter(
        event["subject"]
        for event in events
        if event["type"] == "campaign.status-changed" and event["data"].get("toStatus") == "OPEN"
    )


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("mongo", marks=pytest.mark.skipif(not REAL_MONGO, reason=STAND_IN_NESTS_TRANSACTIONS)),
    ]
)
def shared_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """What every process of a many-process test shares: a data dir and one store (SQLite there, or a MongoDB)."""
    if request.param == "sqlite":
        return campaigns_environment(tmp_path / "data")
    return campaigns_environment(
        tmp_path / "data", store=request.getfixturevalue("mongo_url"), mongo_timeout_seconds="2"
    )


@pytest.fixture
def servers(shared_env: dict[str, str], tmp_path: Path) -> Iterator[list[Process]]:
    """`SERVERS` API processes on one store (in the embedded profile, each runs its scheduler too)."""
    env = shared_env
    _db_init(env)
    with ExitStack() as stack:
        ports = [free_port() for _ in range(SERVERS)]
        yield [
            stack.enter_context(
                started("serve", "--port", str(port), env=env, log=tmp_path / f"serve-{n}.log", port=port)
            )
            for n, port in enumerate(ports)
        ]


def test_api_processes_on_one_store_claim_a_contested_domain_once(
    shared_env: dict[str, str], servers: list[Process]
) -> None:
    headers = _token(shared_env)
    clients = [httpx.Client(base_url=str(server.base_url), headers=headers, timeout=20.0) for server in servers]

    def claim(n: int) -> httpx.Response:
        return clients[n % len(clients)].post("/campaigns", json=valid_campaign_body("contested"))

    with ThreadPoolExecutor(max_workers=CONTENDERS) as pool:
        claims = list(pool.map(claim, range(CONTENDERS)))

    assert Counter(r.status_code for r in claims) == {201: 1, 409: CONTENDERS - 1}, [r.text for r in claims]
    assert {r.json()["code"] for r in claims if r.status_code == 409} == {"CAMPAIGN_WITH_DOMAIN_EXISTS"}
    (winner,) = [r.json()["id"] for r in claims if r.status_code == 201]
    for client in clients:  # every instance sees the one winner
        assert client.get("/campaigns", params={"domain": "contested"}).json()["id"] == winner
        assert client.get("/campaigns/list").json()["pagination"]["total"] == 1


def test_schedulers_on_one_store_apply_each_due_transition_once(
    shared_env: dict[str, str], servers: list[Process], tmp_path: Path
) -> None:
    env = shared_env
    headers = _token(env)
    http = httpx.Client(base_url=str(servers[0].base_url), headers=headers, timeout=20.0)
    data_dir = Path(env["CAMPAIGNS_DATA_DIR"])
    with ExitStack() as stack:
        schedulers = [
            stack.enter_context(
                started("scheduler", env={**env, "CAMPAIGNS_LOG_LEVEL": "INFO"}, log=tmp_path / f"scheduler-{n}.log")
            )
            for n in range(SCHEDULERS)
        ]
        for scheduler in schedulers:
            _until("the scheduler running", lambda s=scheduler: "scheduler_started" in s.log.read_text(), scheduler)
        # Due already when created, while the schedulers tick (the embedded API processes tick too).
        opened_at = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=5)
        dates = {"open": opened_at.isoformat().replace("+00:00", "Z")}
        due = [
            http.post("/campaigns", json=valid_campaign_body(f"due-{n}", status="PREVIEW", date=dates))
            for n in range(DUE)
        ]
        assert [r.status_code for r in due] == [201] * DUE, [r.text for r in due]
        due_ids = {r.json()["id"] for r in due}
        _until("every due campaign's opening relayed", lambda: set(_opened(_events(data_dir))) >= due_ids, *schedulers)
        for scheduler in schedulers:
            scheduler.process.send_signal(signal.SIGTERM)
        for scheduler in schedulers:
            assert scheduler.process.wait(timeout=15) == 0, scheduler.output()

    opened = _opened(_events(data_dir))
    assert {campaign_id: opened[campaign_id] for campaign_id in due_ids} == dict.fromkeys(due_ids, 1)
    for campaign_id in due_ids:
        campaign = http.get(f"/campaigns/{campaign_id}").json()
        assert campaign["status"] == "OPEN"
        assert [entry["status"] for entry in campaign["statusHistory"]] == ["PREVIEW", "OPEN"], campaign
        assert campaign["version"] == 2
    delivered_ids = [event["id"] for event in _events(data_dir)]
    assert len(delivered_ids) == len(set(delivered_ids)), "an outbox entry was relayed twice"
