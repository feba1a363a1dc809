"""`campaigns serve` as a real process: HTTP over TCP, the in-process relay, and a clean SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.http.support import bearer, valid_campaign_body
from tests.integration.processes import (
    Process,
    campaigns_environment,
    free_port,
    read_events,
    run_campaigns,
    started,
)

pytestmark = [pytest.mark.integration, pytest.mark.serve]


EVENTS_WITHIN = 15.0
EXIT_WITHIN = 15.0


def _wait_for_events(path: Path, subject: str, wanted: set[str]) -> list[dict[str, Any]]:
    """Poll the JSON-lines sink (the relay runs every second) until the wanted event types for `subject` landed."""
    deadline = time.monotonic() + EVENTS_WITHIN
    while True:
        events = read_events(path)
        if wanted <= {event.get("type") for event in events if event.get("subject") == subject}:
            return events
        if time.monotonic() > deadline:
            pytest.fail(f"events {sorted(wanted)} for {subject} not in {path} within {EVENTS_WITHIN}s: {events}")
        time.sleep(0.2)


class Server:
    def __init__(self, handle: Process, data_dir: Path) -> None:
        self.base_url = str(handle.base_url)
        self.data_dir = data_dir
        self.process = handle.process
        self.output = handle.output


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    data_dir = tmp_path / "data"
    env = campaigns_environment(data_dir)
    with started("serve", "--port", str(port), env=env, log=tmp_path / "serve.log", port=port) as handle:
        yield Server(handle, data_dir)


def _mint_supreme_token(data_dir: Path) -> str:
    result = run_campaigns("token", "--supreme", env=campaigns_environment(data_dir), timeout=30)
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert token.count(".") == 2, token
    return token


def test_serve_answers_over_http_relays_events_and_stops_cleanly_on_sigterm(server: Server) -> None:
    base_url, data_dir, process = server.base_url, server.data_dir, server.process
    headers = bearer(_mint_supreme_token(data_dir))

    with httpx.Client(base_url=base_url, timeout=5.0) as http:
        assert http.get("/heartbeat", params={"deep": "true"}).json() == {"status": "ok", "store": "ok"}
        assert http.get("/campaigns/list").status_code == 401
        created = http.post("/campaigns", json=valid_campaign_body("served"), headers=headers)
        assert created.status_code == 201, created.text
        campaign_id = created.json()["id"]
        found = http.get(
            "/campaigns", params={"domain": "served"}, headers={**headers, "x-titan-correlation-id": "e2e"}
        )
        assert found.status_code == 200, found.text
        assert found.json()["id"] == campaign_id
        assert found.headers["x-titan-correlation-id"] == "e2e"
        assert found.headers["etag"] == '"1"'
        updated = http.post(f"/campaigns/{campaign_id}", json={"status": "PREVIEW"}, headers=headers)
        assert updated.status_code == 200, updated.text
        metrics = http.get("/metrics")
        assert "http_requests_total" in metrics.text

    events = _wait_for_events(data_dir / "events.jsonl", campaign_id, {"campaign.created", "campaign.status-changed"})

    assert (data_dir / "campaigns.db-wal").exists()  # the store is open (WAL mode) while serving
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=EXIT_WITHIN)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`campaigns serve` ignored SIGTERM for {EXIT_WITHIN}s:\n{server.output()}")
    assert code in {0, -signal.SIGTERM}, server.output()
    assert not (data_dir / "campaigns.db-wal").exists(), "the store was not closed: the shutdown was not graceful"

    mine = [event for event in events if event["subject"] == campaign_id]
    for event in mine:
        assert event["specversion"] == "1.0"
        assert event["id"]
        assert event["source"]
        assert event["time"].endswith("Z")
        assert isinstance(event["data"], dict)
    assert [event["type"] for event in mine][:2] == ["campaign.created", "campaign.status-changed"]
    assert len({event["id"] for event in mine}) == len(mine)
    assert mine[0]["data"]["campaign_id"] == campaign_id
    assert mine[1]["data"]["to_status"] == "PREVIEW"


def test_serve_exits_0_on_sigterm(server: Server) -> None:
    server.process.send_signal(signal.SIGTERM)
    try:
        code = server.process.wait(timeout=EXIT_WITHIN)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`campaigns serve` ignored SIGTERM for {EXIT_WITHIN}s:\n{server.output()}")

    assert code == 0, server.output()
