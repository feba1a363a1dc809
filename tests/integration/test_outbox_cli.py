"""`campaigns outbox status | requeue | purge` against a real SQLite store in a temporary data dir."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
from typer.testing import CliRunner

from campaigns.config import load_settings
from campaigns.container import Container, build_container, resolve
from campaigns.domain.permissions import principal_from_claims
from campaigns.main.cli import cli
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
        container = build_container(load_settings(environ={"CAMPAIGNS_DATA_DIR": str(data_dir)}))
        await container.init_resources()  # type: ignore[misc]
        try:
            return await job(container)
        finally:
            await container.shutdown_resources()  # type: ignore[misc]

    return asyncio.run(main())


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


async def create_and_park(container: Container) -> None:
    """Two committed events; the sink rejected the first for good."""
    for site in ("parked-site", "pending-site"):
        await (await resolve(container.create_campaign)).execute(SUPREME, valid_campaign_body(site))
    outbox = await resolve(container.outbox)
    first, _ = await outbox.pending(10)
    await outbox.record_failure(first.id, error="rejected by the sink", park=True)


async def relay(container: Container) -> int:
    return (await (await resolve(container.relay_outbox)).execute()).delivered


def test_an_operator_requeues_parked_entries_and_purges_delivered_ones(data_dir: Path) -> None:
    with_container(data_dir, create_and_park)
    assert json.loads(run("outbox", "status"))["parked"] == 1

    assert run("outbox", "requeue") == "requeued: 1\n"
    status = json.loads(run("outbox", "status"))
    assert (status["backlog"], status["parked"]) == (2, 0)

    assert with_container(data_dir, relay) == 2
    assert run("outbox", "purge") == "purged: 0\n", "delivered just now: inside the default retention"
    assert run("outbox", "purge", "--older-than", "0s") == "purged: 2\n"
    assert json.loads(run("outbox", "status"))["backlog"] == 0
    assert len((data_dir / "events.jsonl").read_text().splitlines()) == 2


@pytest.mark.usefixtures("data_dir")
def test_a_malformed_retention_is_refused_naming_the_option() -> None:
    result = CliRunner().invoke(cli, ["outbox", "purge", "--older-than", "a week"])

    assert result.exit_code == 2
    assert "--older-than" in result.output
