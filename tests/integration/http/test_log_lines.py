"""Every line `serve` writes, with its scheduler and relay, is one JSON object of JSON-native fields.

A real `campaigns serve` (embedded profile, DEBUG) is taken through requests, a failing request, a
lifecycle transition and the relay, then stopped; every line it wrote is read back.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import signal
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.http.support import bearer, valid_campaign_body
from tests.integration.processes import campaigns_environment, free_port, read_events, run_campaigns, started, until

pytestmark = [pytest.mark.integration, pytest.mark.serve]

INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
PYTHON_REPR = re.compile(r"(datetime\.|<[\w.]+ object at 0x|^[A-Z]\w+\(.*\)$)")
"""What a value looks like when a logger fell back to `repr`."""


def _fields(value: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [item for key, inner in value.items() for item in _fields(inner, f"{path}.{key}")]
    if isinstance(value, list):
        return [item for index, inner in enumerate(value) for item in _fields(inner, f"{path}.{index}")]
    return [(path, value)]


def test_every_line_is_json_with_instants_in_iso_z(tmp_path: Path) -> None:
    port = free_port()
    env = campaigns_environment(tmp_path / "data", log_level="DEBUG", tick_seconds="0.5")
    log = tmp_path / "serve.log"
    with started("serve", "--port", str(port), env=env, log=log, port=port) as server:
        token = run_campaigns("token", "--supreme", env=env).stdout.strip()
        due = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
        with httpx.Client(base_url=str(server.base_url), headers=bearer(token), timeout=10.0) as http:
            created = http.post("/campaigns", json=valid_campaign_body("logged", status="PREVIEW", date={"open": due}))
            assert created.status_code == 201, created.text
            assert http.get("/campaigns/0123456789abcdef01234567").status_code == 404
            assert (
                http.post("/campaigns", content=b"{", headers={"Content-Type": "application/json"}).status_code == 400
            )
        campaign_id = created.json()["id"]
        until(
            "the opening relayed",
            lambda: any(
                event["subject"] == campaign_id and event["type"] == "campaign.status-changed"
                for event in read_events(env_path(env) / "events.jsonl")
            ),
            server,
        )
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=30) == 0, server.output()

    lines = [line for line in log.read_text().splitlines() if line.strip()]
    records = []
    for line in lines:
        record = json.loads(line)  # every line is one JSON object
        assert isinstance(record, dict), line
        records.append(record)
    events = {record.get("event") for record in records}
    assert {"service_starting", "request", "lifecycle_transition", "service_stopped"} <= events, events
    for record in records:
        for path, value in _fields(record):
            assert not (isinstance(value, str) and PYTHON_REPR.search(value)), f"{path} is a repr: {record}"
    transition = next(record for record in records if record.get("event") == "lifecycle_transition")
    assert INSTANT.match(transition["due_at"]), transition
    assert INSTANT.match(transition["applied_at"]), transition
    starting = next(record for record in records if record.get("event") == "service_starting")
    assert starting["api_page"] == f"http://127.0.0.1:{port}/schema"
    assert starting["sinks"] == ["json-lines", "cdn-log"]
    assert not any("Found credentials" in line for line in lines)


def env_path(env: dict[str, str]) -> Path:
    return Path(env["CAMPAIGNS_DATA_DIR"])
