"""`campaigns db init` on the embedded store: it says what it created, and a second run creates nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from campaigns.adapters.sqlite_store import SCHEMA_NAMES
from campaigns.main.cli import cli

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
