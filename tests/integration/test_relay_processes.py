"""Relays as real processes on one store: killed mid-stream, or two at once, they lose nothing."""

from __future__ import annotations

import signal
from collections import defaultdict
from pathlib import Path

from tests.integration.backlogs import commit_entries
from tests.integration.processes import Process, campaigns_environment, read_events, started, until

ENTRIES = 6_000
"""Enough for a dozen relay batches, so a kill lands while the stream is flowing."""


def relay_env(data_dir: Path) -> dict[str, str]:
    return {
        **campaigns_environment(data_dir),
        "CAMPAIGNS_RELAY_SECONDS": "0.1",
        "CAMPAIGNS_TICK_SECONDS": "3600",
        "CAMPAIGNS_LOG_LEVEL": "INFO",
    }


def delivered(data_dir: Path) -> dict[str, list[dict[str, object]]]:
    """Every line of the JSON-lines sink, by event id."""
    lines: dict[str, list[dict[str, object]]] = defaultdict(list)
    for event in read_events(data_dir / "events.jsonl"):
        lines[str(event["id"])].append(event)
    return lines


def assert_each_once_at_least(data_dir: Path, ids: list[str]) -> None:
    lines = delivered(data_dir)
    assert set(lines) == set(ids), "every committed entry arrives, and nothing else"
    assert all(copy == copies[0] for copies in lines.values() for copy in copies), "duplicates are identical"
    first_seen = list(dict.fromkeys(str(event["id"]) for event in read_events(data_dir / "events.jsonl")))
    assert first_seen == ids, "first arrivals keep commit order"


def test_a_relay_killed_mid_stream_loses_nothing_and_another_takes_over(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    commit_entries(data_dir, ENTRIES // 2)
    env = relay_env(data_dir)

    with started("scheduler", env=env, log=tmp_path / "first.log") as first:
        until("a first batch delivered", lambda: len(delivered(data_dir)) > 0, first)
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)
    ids = commit_entries(data_dir, ENTRIES // 2, first=ENTRIES // 2)  # committed while no relay runs

    with started("scheduler", env=env, log=tmp_path / "second.log") as second:
        until("the rest delivered by the second relay", lambda: len(delivered(data_dir)) == ENTRIES, second)

    assert_each_once_at_least(data_dir, ids)


def test_two_relays_at_once_deliver_every_event_with_bounded_duplicates(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    ids = commit_entries(data_dir, ENTRIES)
    env = relay_env(data_dir)

    with (
        started("scheduler", env=env, log=tmp_path / "a.log") as a,
        started("scheduler", env=env, log=tmp_path / "b.log") as b,
    ):
        relays: list[Process] = [a, b]
        until("every event delivered", lambda: len(delivered(data_dir)) == ENTRIES, *relays)
        for relay in relays:
            relay.process.send_signal(signal.SIGTERM)
        for relay in relays:
            assert relay.process.wait(timeout=15) == 0, relay.output()

    assert_each_once_at_least(data_dir, ids)
    copies = sum(len(lines) for lines in delivered(data_dir).values())
    assert copies == ENTRIES, "one lease per sink: a clean hand-over delivers nothing twice"
