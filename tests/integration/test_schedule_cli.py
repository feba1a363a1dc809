"""`campaigns schedule`: the lifecycle agenda on the command line, as a table or JSON."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from campaigns.adapters.sqlite.database import sqlite_database
from campaigns.adapters.sqlite.unit_of_work import SqliteUnitOfWork
from campaigns.domain.campaign import Campaign, CampaignDates, CampaignDomain, Status
from campaigns.main.cli.root import cli
from tests.fakes.in_memory import SequentialIdFactory

pytestmark = pytest.mark.integration


def _seed(path: Path, *campaigns: Campaign) -> None:
    async def seed() -> None:
        async with asynccontextmanager(sqlite_database)(path) as database:
            uow = SqliteUnitOfWork(database, SequentialIdFactory(start=1 << 40))
            async with uow:
                for campaign in campaigns:
                    await uow.campaigns.add(campaign)
                await uow.commit()

    asyncio.run(seed())


def _campaign(number: int, site: str, dates: CampaignDates) -> Campaign:
    return Campaign(id=f"{number:024x}", status=Status.DRAFT, domain=CampaignDomain(site=site), date=dates, version=1)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAMPAIGNS_DATA_DIR", str(tmp_path))
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    _seed(
        tmp_path / "campaigns.db",
        _campaign(1, "soon", CampaignDates(open=now + dt.timedelta(hours=2), close=now + dt.timedelta(hours=30))),
        _campaign(2, "later", CampaignDates(open=now + dt.timedelta(days=3))),
    )
    return tmp_path


def test_the_next_day_as_a_table() -> None:
    result = CliRunner().invoke(cli, ["schedule"])

    assert result.exit_code == 0, result.output
    header, row, summary = result.output.strip().splitlines()
    assert header.split() == ["DUE", "CAMPAIGN", "DOMAIN", "TRANSITION"]
    assert row.split()[1:] == [f"{1:024x}", "soon", "DRAFT", "->", "OPEN"]
    assert summary.startswith("1 transition from ")


def test_a_longer_window_as_json() -> None:
    result = CliRunner().invoke(cli, ["schedule", "--next", "4d", "--json"])

    assert result.exit_code == 0, result.output
    agenda = json.loads(result.output)
    assert [(t["id"][-1], t["domain"], t["from"], t["to"]) for t in agenda["transitions"]] == [
        ("1", "soon", "DRAFT", "OPEN"),
        ("1", "soon", "OPEN", "CLOSED"),
        ("2", "later", "DRAFT", "OPEN"),
    ]
    start, end = (dt.datetime.fromisoformat(agenda[key]) for key in ("from", "to"))
    assert end - start == dt.timedelta(days=4)


@pytest.mark.parametrize("ahead", ["32d", "soon", "-1h"])
def test_a_bad_window_is_refused(ahead: str) -> None:
    result = CliRunner().invoke(cli, ["schedule", "--next", ahead])

    assert result.exit_code == 2, result.output
    assert "--next" in result.output


def test_a_wrong_data_dir_creates_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = tmp_path / "typo"
    monkeypatch.setenv("CAMPAIGNS_DATA_DIR", str(wrong))
    before = sorted(tmp_path.iterdir())

    result = CliRunner().invoke(cli, ["schedule"])

    assert result.exit_code == 2, result.output
    assert "does not exist" in result.output
    assert sorted(tmp_path.iterdir()) == before
