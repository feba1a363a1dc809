"""`campaigns serve` as a real process: HTTP over TCP, the in-process relay, and a clean SIGTERM."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.http.support import bearer, valid_campaign_body

pytestmark = [pytest.mark.integration, pytest.mark.serve]


READY_WITHIN = 20.0
EVENTS_WITHIN = 15.0
EXIT_WITHIN = 15.0


def _campaigns_command() -> list[str]:
    script = Path(sys.executable).with_name("campaigns")
    if script.exists():
        return [str(script)]
    found = shutil.which("campaigns")
    if found:
        return [found]
    return [sys.executable, "-c", "from campaigns.main.cli import main; main()"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _environment(data_dir: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("CAMPAIGNS_")}
    env.update({"CAMPAIGNS_DATA_DIR": str(data_dir), "CAMPAIGNS_TICK_SECONDS": "1", "CAMPAIGNS_LOG_LEVEL": "WARNING"})
    return env


def _output(process: subprocess.Popen[bytes], log: Path) -> str:
    if process.poll() is None:
        process.kill()
        process.wait(timeout=5)
    return f"exit {process.returncode}, output:\n{log.read_text(errors='replace')}"


def _wait_until_ready(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    """Poll the heartbeat with short requests, for a bounded time; fail at once if the process died."""
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`campaigns serve` exited before answering:\n{_output(process, log)}")
        try:
            if httpx.get(f"{base_url}/heartbeat", timeout=0.5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"`campaigns serve` did not answer /heartbeat within {READY_WITHIN}s:\n{_output(process, log)}")


def _read_events(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _wait_for_events(path: Path, subject: str, wanted: set[str]) -> list[dict[str, Any]]:
    """Poll the JSON-lines sink (the relay runs every second) until the wanted event types for `subject` landed."""
    deadline = time.monotonic() + EVENTS_WITHIN
    while True:
        events = _read_events(path)
        if wanted <= {event.get("type") for event in events if event.get("subject") == subject}:
            return events
        if time.monotonic() > deadline:
            pytest.fail(f"events {sorted(wanted)} for {subject} not in {path} within {EVENTS_WITHIN}s: {events}")
        time.sleep(0.2)


class Server:
    def __init__(self, base_url: str, data_dir: Path, process: subprocess.Popen[bytes], log: Path) -> None:
        self.base_url = base_url
        self.data_dir = data_dir
        self.process = process
        self.log = log

    def output(self) -> str:
        return _output(self.process, self.log)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    port = _free_port()
    data_dir = tmp_path / "data"
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603 - our own console script, fixed arguments
            [*_campaigns_command(), "serve", "--port", str(port)],
            env=_environment(data_dir),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_ready(process, base_url, log)
        yield Server(base_url, data_dir, process, log)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)


def _mint_supreme_token(data_dir: Path) -> str:
    result = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [*_campaigns_command(), "token", "--supreme"],
        env=_environment(data_dir),
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    token = result.stdout.decode().strip()
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
