"""What a command checks of its store before it starts: each failure is one line saying what to do."""

from __future__ import annotations

import pytest

from campaigns.application.errors import DependencyUnavailable
from campaigns.config import load_settings
from campaigns.main.startup import NotReady, check_store

MONGO = load_settings({"CAMPAIGNS_STORE": "mongodb://operator:hunter2@db1:27017,db2:27017/presales?replicaSet=rs0"})


class FakeDatabase:
    def __init__(self, *, answers: bool = True, transactions: bool = True, missing: tuple[str, ...] = ()) -> None:
        self.answers = answers
        self.transactions = transactions
        self.missing = list(missing)
        self.asked: list[str] = []

    async def ping(self) -> None:
        self.asked.append("ping")
        if not self.answers:
            raise DependencyUnavailable("MongoDB is unavailable.\nServer selection timed out (topology...)")

    async def supports_transactions(self) -> bool:
        self.asked.append("transactions")
        return self.transactions

    async def check_indexes(self) -> list[str]:
        self.asked.append("indexes")
        return self.missing

    async def ensure_indexes(self) -> list[str]:
        raise AssertionError("a start-up check never creates anything")


async def _refusal(database: FakeDatabase, *, in_service: bool = True) -> str:
    with pytest.raises(NotReady) as raised:
        await check_store(database, MONGO, in_service=in_service)
    message = str(raised.value)
    assert "\n" not in message
    assert "hunter2" not in message
    return message


async def test_a_ready_store_passes_every_check() -> None:
    database = FakeDatabase()

    await check_store(database, MONGO)

    assert database.asked == ["ping", "indexes", "transactions"]


async def test_a_store_that_does_not_answer_names_its_hosts_and_the_timeout_variable() -> None:
    message = await _refusal(FakeDatabase(answers=False))

    assert message == (
        "store unavailable: MongoDB at db1:27017,db2:27017 (database presales) did not answer within 5 s"
        " (CAMPAIGNS_MONGO_TIMEOUT_SECONDS): MongoDB is unavailable."
    )


async def test_missing_indexes_tell_to_run_db_init_before_anything_is_tried_on_them() -> None:
    database = FakeDatabase(missing=tuple(f"campaigns.index_{n}" for n in range(7)), transactions=False)

    message = await _refusal(database)

    assert message.startswith("store not initialised: MongoDB at db1:27017,db2:27017 (database presales) lacks 7 ")
    assert "campaigns.index_4, …" in message
    assert "campaigns.index_5" not in message
    assert message.endswith("run `campaigns db init`")
    assert database.asked == ["ping", "indexes"]


async def test_a_standalone_server_is_refused_since_a_change_and_its_events_must_commit_together() -> None:
    message = await _refusal(FakeDatabase(transactions=False))

    assert message.startswith("store without transactions: MongoDB at db1:27017,db2:27017 (database presales)")
    assert "replica set" in message


async def test_db_init_only_needs_the_store_to_answer() -> None:
    database = FakeDatabase(transactions=False, missing=("campaigns",))

    await check_store(database, MONGO, in_service=False)

    assert database.asked == ["ping"]
    assert "did not answer" in await _refusal(FakeDatabase(answers=False), in_service=False)
