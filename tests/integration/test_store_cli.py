"""`campaigns db init` on the embedded store: it says what it created, and a second run creates nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from campaigns.adapters.sqlite.schema import SCHEMA_NAMES
from campaigns.main.cli.root import cli

pytestmark = pytest.mark.integration


def test_db_init_creates_the_sqlite_schema_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMPAIGNS_STORE", f"sqlite:///{tmp_path}/store/campaigns.db")

    first = CliRunner().invoke(cli, ["db", "init"])
    again = CliRunner().invoke(cli, ["db", "init"])

    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    assert lines[:-1] == [f"created: {name}" for name in SCHEMA_NAMES]
    assert lines[-1] == f"store ready: the SQLite file {tmp_path}/store/campaigns.db ({len(SCHEMA_NAMES)} created)"
    assert again.exit_code == 0, again.output
    assert again.output == f"store ready: the SQLite file {tmp_path}/store/campaigns.db (0 created)\n"


def test_db_init_maps_the_campaigns_of_a_file_written_before_the_event_mapping_read_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store" / "campaigns.db"
    monkeypatch.setenv("CAMPAIGNS_STORE", f"sqlite:///{path}")
    assert CliRunner().invoke(cli, ["db", "init"]).exit_code == 0
    window = {"presaleWindowStart": "2030-01-01T00:00:00Z", "presaleWindowEnd": "2030-01-02T00:00:00Z"}
    with sqlite3.connect(path) as connection:  # two campaigns as a previous version wrote them: no mapping
        connection.executemany(
            "INSERT INTO campaigns (id, status, version, type, schema_version, search_text, document) "
            "VALUES (?, 'OPEN', 1, 'registration', '1', '', ?)",
            [
                (f"{n:024x}", json.dumps({"id": f"{n:024x}", "eventIds": [f"E{n}"], "date": window, "version": 1}))
                for n in (1, 2)
            ],
        )

    first = CliRunner().invoke(cli, ["db", "init"])
    again = CliRunner().invoke(cli, ["db", "init"])

    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [
        "created: event_map (2 campaigns)",
        f"store ready: the SQLite file {path} (1 created)",
    ]
    assert again.output == f"store ready: the SQLite file {path} (0 created)\n"
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT event_id, campaign_id FROM event_map_events ORDER BY event_id").fetchall()
    assert rows == [("E1", f"{1:024x}"), ("E2", f"{2:024x}")]
