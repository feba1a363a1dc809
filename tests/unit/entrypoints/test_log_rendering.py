"""Every field of a log line is JSON data (instants as ISO-8601 `Z`), never a Python repr."""

from __future__ import annotations

import datetime as dt
import enum
import json
import logging
from pathlib import Path

import msgspec
import pytest
import structlog

from campaigns.entrypoints.logging import configure_logging, json_native


class Colour(enum.Enum):
    RED = "red"


class Point(msgspec.Struct):
    x: int


@pytest.mark.parametrize(
    ("value", "rendered"),
    [
        (dt.datetime(2026, 12, 7, 13, 5, 1, 250000, tzinfo=dt.UTC), "2026-12-07T13:05:01.250Z"),
        (dt.datetime(2026, 12, 7, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))), "2026-12-07T13:00:00.000Z"),
        (dt.date(2026, 12, 7), "2026-12-07"),
        (dt.timedelta(seconds=90), 90.0),
        (Colour.RED, "red"),
        ({"b", "a"}, ["a", "b"]),
        (Path("/srv/var"), "/srv/var"),
        (Point(x=1), {"x": 1}),
        (ValueError("boom"), "boom"),
    ],
)
def test_values_json_cannot_encode_become_json_data(value: object, rendered: object) -> None:
    assert json_native(value) == rendered


def test_a_rendered_line_carries_instants_as_iso_strings(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")
    due = dt.datetime(2026, 12, 7, 13, 0, tzinfo=dt.UTC)

    structlog.get_logger("test").info("lifecycle_transition", due_at=due, to_status=Colour.RED)

    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["due_at"] == "2026-12-07T13:00:00.000Z"
    assert line["to_status"] == "red"
    assert line["timestamp"].endswith("Z")


def test_botocore_credential_lines_are_silenced() -> None:
    configure_logging("INFO")

    assert not logging.getLogger("botocore.credentials").isEnabledFor(logging.INFO)
