"""Settings are validated at start, each bad value reported in one line naming its variable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from campaigns.config import ConfigurationError, load_settings


def test_defaults_need_no_environment() -> None:
    settings = load_settings({})

    assert (settings.host, settings.port, settings.tick_seconds) == ("127.0.0.1", 8080, 15.0)
    assert settings.sqlite_path == Path("var") / "campaigns.db"


def test_values_are_read_from_their_variables() -> None:
    settings = load_settings(
        {"CAMPAIGNS_PORT": "9090", "CAMPAIGNS_DATA_DIR": "/srv/c", "CAMPAIGNS_TICK_SECONDS": "2.5"}
    )

    assert (settings.port, settings.tick_seconds) == (9090, 2.5)
    assert settings.events_path == Path("/srv/c/events.jsonl")


def test_an_explicit_sqlite_store_wins_over_the_data_dir() -> None:
    """As in SQLAlchemy URLs: three slashes then a relative path, four for an absolute one."""
    assert load_settings({"CAMPAIGNS_STORE": "sqlite:///data/c.db"}).sqlite_path == Path("data/c.db")
    assert load_settings({"CAMPAIGNS_STORE": "sqlite:////srv/c.db"}).sqlite_path == Path("/srv/c.db")


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"CAMPAIGNS_PORT": "eighty"}, "CAMPAIGNS_PORT"),
        ({"CAMPAIGNS_PORT": "70000"}, "CAMPAIGNS_PORT"),
        ({"CAMPAIGNS_TICK_SECONDS": "0"}, "CAMPAIGNS_TICK_SECONDS"),
        ({"CAMPAIGNS_LOG_LEVEL": "LOUD"}, "CAMPAIGNS_LOG_LEVEL"),
        ({"CAMPAIGNS_TICKSECONDS": "5"}, "CAMPAIGNS_TICKSECONDS"),
        ({"CAMPAIGNS_STORE": "mongodb://db:27017/campaigns"}, "CAMPAIGNS_STORE"),
    ],
)
def test_a_bad_value_names_its_variable_in_one_line(environ: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        load_settings(environ)

    message = str(raised.value)
    assert message.startswith(f"{named}:")
    assert "\n" not in message


def test_the_command_line_exits_non_zero_with_that_line(tmp_path: Path) -> None:
    environ = {"CAMPAIGNS_PORT": "eighty", "CAMPAIGNS_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-c", "from campaigns.main.cli import main; main()", "refresh", "--dry-run"]

    result = subprocess.run(command, env=environ, capture_output=True, text=True, check=False)  # noqa: S603

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["configuration error: CAMPAIGNS_PORT: Expected `int`, got `str`"]
