"""`campaigns serve --workers 2` as one instance: one `/metrics` for all workers, and a killed worker replaced.

Workers are found as the serve process's children (`/proc/<pid>/stat`); the worker running the
embedded relay is the one whose pid the relay lease names.
"""

from __future__ import annotations

import collections
import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.http.support import bearer, valid_campaign_body
from tests.integration.processes import (
    Process,
    campaigns_environment,
    free_port,
    read_events,
    run_campaigns,
    started,
    until,
)

pytestmark = [pytest.mark.integration, pytest.mark.serve]

TAKEOVER_WITHIN = 10.0
"""Spec §6: the scheduler and relay of a worker that died are taken over within 10 s."""
RESPAWN_WITHIN = 10.0


class Instance:
    """One `serve --workers 2` process on SQLite, with a supreme token."""

    def __init__(self, handle: Process, data_dir: Path) -> None:
        self.handle = handle
        self.data_dir = data_dir
        self.pid = handle.process.pid
        self.base_url = str(handle.base_url)
        token = run_campaigns("token", "--supreme", env=campaigns_environment(data_dir), timeout=30)
        assert token.returncode == 0, token.stderr
        self.headers = bearer(token.stdout.strip())

    def workers(self) -> set[int]:
        return {pid for pid in _pids() if _parent_of(pid) == self.pid}

    def get(self, path: str) -> httpx.Response:
        """On a connection of its own, so the requests spread over the workers as new clients' do."""
        return httpx.get(f"{self.base_url}{path}", timeout=5.0)

    def relay_holder(self) -> int | None:
        """The pid in the relay lease (`host:pid:random`), once a relay took it."""
        with sqlite3.connect(f"file:{self.data_dir / 'campaigns.db'}?mode=ro", uri=True) as db:
            rows = db.execute("SELECT holder FROM relay_lease").fetchall()
        pids = {int(holder.split(":")[1]) for (holder,) in rows}
        return pids.pop() if len(pids) == 1 else None


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    port = free_port()
    data_dir = tmp_path / "data"
    env = campaigns_environment(data_dir)
    serving = ("serve", "--port", str(port), "--workers", "2")
    with started(*serving, env=env, log=tmp_path / "serve.log", port=port) as handle:
        running = Instance(handle, data_dir)
        until("two workers", lambda: len(running.workers()) == 2, handle, within=RESPAWN_WITHIN)
        yield running


def test_metrics_sum_every_worker_and_never_go_backwards(instance: Instance) -> None:
    """Requests nothing else sends (to no route: `unmatched`), each on a new connection, then scrapes."""
    sent = 60
    for n in range(sent):
        assert instance.get(f"/no-such-route-{n}").status_code in (401, 404)

    # A worker counts a request once its response is sent: the last one may land just after the client has it.
    until("every request counted", lambda: _scrape(instance)["unmatched"] == sent, instance.handle, within=5.0)
    scrapes = [_scrape(instance) for _ in range(20)]

    assert [scrape["unmatched"] for scrape in scrapes] == [sent] * 20
    scrapes_counted = [scrape["/metrics"] for scrape in scrapes]
    assert scrapes_counted == sorted(scrapes_counted), scrapes_counted
    assert scrapes_counted[-1] > scrapes_counted[0]


def test_a_killed_worker_is_replaced_and_its_relay_taken_over(instance: Instance) -> None:
    """SIGKILL the worker running the embedded scheduler and relay.

    `serve` keeps answering, a new worker starts, an event committed after the kill is delivered
    within 10 s of it, and the killed worker's request counts stay in `/metrics`.
    """
    events, handle = instance.data_dir / "events.jsonl", instance.handle
    before = _create(instance, "before-the-kill")
    until("the first event delivered", lambda: _delivered(events, before), handle, within=TAKEOVER_WITHIN)
    relay_worker = until("the relay lease taken", instance.relay_holder, handle, within=TAKEOVER_WITHIN)
    assert relay_worker in instance.workers()
    for _ in range(10):
        assert instance.get("/heartbeat").status_code == 200
    counted = until(
        "the heartbeats counted", lambda: (total := _scrape(instance)["/heartbeat"]) >= 10 and total, handle
    )

    killed_at = time.monotonic()
    os.kill(relay_worker, signal.SIGKILL)
    after = _create(instance, "after-the-kill")

    takeover_left = TAKEOVER_WITHIN - (time.monotonic() - killed_at)
    until("the event made after the kill delivered", lambda: _delivered(events, after), handle, within=takeover_left)
    until("a replacement worker", lambda: len(now := instance.workers()) == 2 and relay_worker not in now, handle)
    assert instance.get("/heartbeat").status_code == 200
    assert _scrape(instance)["/heartbeat"] >= counted


def _create(instance: Instance, site: str) -> str:
    created = httpx.post(
        f"{instance.base_url}/campaigns", json=valid_campaign_body(site), headers=instance.headers, timeout=5.0
    )
    assert created.status_code == 201, created.text
    campaign_id: str = created.json()["id"]
    return campaign_id


def _delivered(events: Path, campaign_id: str) -> bool:
    return any(event.get("subject") == campaign_id for event in read_events(events))


def _scrape(instance: Instance) -> dict[str, float]:
    """`http_requests_total` of each route (all methods and statuses), from one scrape."""
    response = instance.get("/metrics")
    assert response.status_code == 200, response.text
    totals: dict[str, float] = collections.defaultdict(float)
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == "http_requests_total":
                totals[sample.labels["route"]] += sample.value
    return totals


def _pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def _parent_of(pid: int) -> int | None:
    """Field 4 of /proc/<pid>/stat (after the command name, which may hold spaces and parentheses)."""
    try:
        return int((Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2].split()[1])
    except (OSError, ValueError, IndexError):
        return None  # gone meanwhile
