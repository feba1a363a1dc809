"""`campaigns outbox status | requeue | purge` against a real SQLite store in a temporary data dir."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar, cast

import pytest
from typer.testing import CliRunner

from campaigns.domain.permissions import principal_from_claims
from campaigns.main.cli.root import cli
from campaigns.main.container import Container, resolve
from tests.bootstrap import composed, settings_for
from tests.commands import command
from tests.integration.http.support import valid_campaign_body

pytestmark = pytest.mark.integration

T = TypeVar("T")
SUPREME = principal_from_claims({"userId": "operator", "supreme": True})


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAMPAIGNS_DATA_DIR", str(tmp_path))
    return tmp_path


def with_container(data_dir: Path, job: Callable[[Container], Awaitable[T]]) -> T:
    async def main() -> T:
        async with composed(settings_for(data_dir)) as container:
            return await job(container)

    return asyncio.run(main())


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


async def create_and_park(container: Container) -> None:
    """Two campaigns created; the sink rejected the first one's first event for good and has the rest."""
    for site in ("parked-site", "pending-site"):
        await (await resolve(container.use_cases.create_campaign)).execute(SUPREME, command(valid_campaign_body(site)))
    outbox = await resolve(container.store.outbox)
    [sink] = [sink for sink in await resolve(container.events.sinks) if sink.route.name == "json-lines"]
    first, *rest = await outbox.pending(sink.route, 100)
    await outbox.park(sink.route.name, first, error="rejected by the sink", at=first.event.occurred_at)
    await outbox.acknowledge(sink.route.name, [first, *rest])


async def relay(container: Container) -> int:
    relay = await resolve(container.jobs.relay_outbox)
    return sum([(await relay.execute(sink)).delivered for sink in relay.sinks])


def sink_status(output: str) -> dict[str, object]:
    [status] = [status for status in json.loads(output)["sinks"] if status["sink"] == "json-lines"]
    return cast(dict[str, object], status)


def test_an_operator_sees_parked_entries_with_their_error_requeues_and_purges(data_dir: Path) -> None:
    with_container(data_dir, create_and_park)
    status = json.loads(run("outbox", "status"))
    [parked] = status["parked"]
    assert (parked["sink"], parked["type"], parked["error"]) == (
        "json-lines",
        "campaign.created",
        "rejected by the sink",
    )
    assert (sink_status(run("outbox", "status"))["backlog"], sink_status(run("outbox", "status"))["parked"]) == (0, 1)

    assert run("outbox", "requeue", "--sink", "cdn-log") == "requeued: 0\n", "nothing parked for that sink"
    assert run("outbox", "requeue", "--sink", "json-lines") == "requeued: 1\n"
    assert (sink_status(run("outbox", "status"))["backlog"], sink_status(run("outbox", "status"))["parked"]) == (1, 0)

    assert with_container(data_dir, relay) == 1
    lines = (data_dir / "events.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [parked["entry_id"]]
    assert run("outbox", "purge") == "purged: 0\n", "inside the default retention"
    assert run("outbox", "purge", "--older-than", "0s") != "purged: 0\n"
    assert json.loads(run("outbox", "status"))["parked"] == []


def test_an_operator_replays_what_a_sink_had_since_an_instant(data_dir: Path) -> None:
    with_container(data_dir, create_and_park)  # acknowledged without being written: as if the file was lost
    events = data_dir / "events.jsonl"
    assert not events.exists()

    output = run("outbox", "replay", "--sink", "json-lines", "--since", "2000-01-01T00:00:00Z")

    lines = [json.loads(line) for line in events.read_text().splitlines()]
    assert output == f"replayed: {len(lines)}\n"
    assert [line["type"] for line in lines][:1] == ["campaign.created"]
    assert len({line["id"] for line in lines}) == len(lines) >= 2
    assert run("outbox", "replay", "--sink", "json-lines", "--since", "2999-01-01T00:00:00Z") == "replayed: 0\n"
    assert sink_status(run("outbox", "status"))["backlog"] == 0, "a replay does not move the position"


def test_a_replay_to_an_unknown_sink_or_from_a_bad_instant_is_refused(data_dir: Path) -> None:
    with_container(data_dir, create_and_park)
    unknown = CliRunner().invoke(cli, ["outbox", "replay", "--sink", "nowhere", "--since", "2026-01-01T00:00:00Z"])
    assert unknown.exit_code == 2
    assert "'nowhere' is not a sink of this configuration; its sinks: json-lines, cdn-log" in unknown.output
    bad = CliRunner().invoke(cli, ["outbox", "replay", "--sink", "json-lines", "--since", "yesterday"])
    assert bad.exit_code == 2
    assert "--since" in bad.output


@pytest.mark.usefixtures("data_dir")
def test_a_malformed_retention_is_refused_naming_the_option() -> None:
    result = CliRunner().invoke(cli, ["outbox", "purge", "--older-than", "a week"])

    assert result.exit_code == 2
    assert "--older-than" in result.output


def test_a_requeue_for_an_unknown_sink_is_refused_listing_the_sinks(data_dir: Path) -> None:
    with_container(data_dir, create_and_park)

    unknown = CliRunner().invoke(cli, ["outbox", "requeue", "--sink", "bogus"])

    assert unknown.exit_code == 2
    assert "'bogus' is not a sink of this configuration; its sinks: json-lines, cdn-log" in unknown.output
    assert sink_status(run("outbox", "status"))["parked"] == 1, "nothing was requeued"


@pytest.mark.usefixtures("data_dir")
def test_a_token_without_any_right_comes_with_a_warning() -> None:
    plain = CliRunner().invoke(cli, ["token"])
    supreme = CliRunner().invoke(cli, ["token", "--supreme"])

    assert plain.exit_code == supreme.exit_code == 0
    assert "warning: this token grants no right" in plain.stderr
    assert supreme.stderr == ""
    assert plain.stdout.count(".") == 2, "the token itself is still printed, alone on stdout"


def test_help_shows_flags_as_flags() -> None:
    result = CliRunner().invoke(cli, ["token", "--help"])

    assert result.exit_code == 0
    assert "<bool>" not in result.output
    assert "--supreme " in result.output
    assert "--ttl DURATION" in result.output
