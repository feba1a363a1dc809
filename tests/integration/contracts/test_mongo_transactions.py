"""MongoDB units of work share no document across aggregates, and follow the server's transaction retry rules.

Errors carrying MongoDB's transaction error labels are injected at the session's commit (`mongo_faults`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import AsyncIterator, Awaitable
from typing import Any

import pytest
from bson import ObjectId
from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.monitoring import CommandFailedEvent, CommandListener, CommandStartedEvent, CommandSucceededEvent

from campaigns.adapters.mongo import unit_of_work as mongo_unit_of_work
from campaigns.adapters.mongo.database import MongoDatabase
from campaigns.adapters.mongo.documents import CAMPAIGNS, OUTBOX, OUTBOX_STREAMS, Doc
from campaigns.adapters.mongo.outbox import MongoOutboxStore
from campaigns.adapters.mongo.unit_of_work import COMMIT_ATTEMPTS, MongoUnitOfWork
from campaigns.application.errors import DependencyUnavailable, TransactionAborted
from campaigns.domain.campaign import Campaign
from campaigns.domain.events import CampaignEventIdsMapped
from tests.fakes.in_memory import SequentialIdFactory
from tests.integration.contracts.builders import NOW, campaign, created, doc_id, next_version, stored
from tests.integration.mongo_faults import TRANSIENT, UNKNOWN_COMMIT, fail_commits
from tests.streams import EVERY_EVENT

Written = set[tuple[str, Any]]


class WriteRecorder(CommandListener):
    """Every document the client's commands write, as (collection, `_id`); a filter without `_id` stands for itself."""

    def __init__(self) -> None:
        self.written: Written = set()

    def started(self, event: CommandStartedEvent) -> None:
        command, name = event.command, event.command_name
        filters: list[Doc]
        if name == "insert":
            filters = list(command["documents"])
        elif name in {"update", "delete"}:
            filters = [statement["q"] for statement in command[f"{name}s"]]
        elif name == "findAndModify":
            filters = [command["query"]]
        else:
            return
        self.written |= {(command[name], one.get("_id", repr(one))) for one in filters}

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass


@pytest.fixture
async def recorded(mongo_url: str) -> AsyncIterator[tuple[MongoDatabase, WriteRecorder]]:
    """A database of its own (stand-in, or `CAMPAIGNS_TEST_MONGO_URL`) on a client that records every write."""
    recorder = WriteRecorder()
    client: AsyncMongoClient[Doc] = AsyncMongoClient(
        mongo_url, tz_aware=True, tzinfo=dt.UTC, w="majority", event_listeners=[recorder]
    )
    try:
        db = MongoDatabase(client)
        await db.ensure_indexes()
        yield db, recorder
    finally:
        await client.close()


def mapped(item: Campaign) -> CampaignEventIdsMapped:
    return CampaignEventIdsMapped(occurred_at=NOW, campaign_id=item.id, event_ids=[])


async def written_by(recorder: WriteRecorder, unit: Awaitable[None]) -> Written:
    recorder.written = set()
    await unit
    return recorder.written


async def create(db: MongoDatabase, item: Campaign) -> None:
    """What creating a campaign writes: the document, its `campaign.created` and `campaign.event-mapping`."""
    async with MongoUnitOfWork(db, SequentialIdFactory(start=int(item.id, 16) << 8)) as uow:
        await uow.campaigns.add(item)
        uow.outbox.append([created(item), mapped(item)])
        await uow.commit()


async def test_units_of_work_on_different_campaigns_write_no_document_in_common(
    recorded: tuple[MongoDatabase, WriteRecorder],
) -> None:
    db, recorder = recorded
    first = await written_by(recorder, create(db, campaign(1)))
    second = await written_by(recorder, create(db, campaign(2)))

    async def update_the_first() -> None:
        async with MongoUnitOfWork(db, SequentialIdFactory(start=1 << 50)) as uow:
            await uow.campaigns.update(next_version(campaign(1), name="renamed"))
            uow.outbox.append([mapped(campaign(1))])
            await uow.commit()

    again = await written_by(recorder, update_the_first())

    assert {collection for collection, _ in first} == {CAMPAIGNS, OUTBOX_STREAMS, OUTBOX}
    assert first.isdisjoint(second), first & second
    assert first & again == {(CAMPAIGNS, ObjectId(doc_id(1))), (OUTBOX_STREAMS, doc_id(1))}, (
        "units of work on one campaign meet on its document and its stream: they commit one after the other"
    )


@pytest.mark.standin_gap("transactions of different connections share one SQLite connection there and break each other")
async def test_units_of_work_of_two_instances_on_different_campaigns_commit_while_both_are_open(
    mongo_db: MongoDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each holds its transaction open, everything written, until the other has written too; then both commit."""
    both_written = asyncio.Barrier(2)
    commit = mongo_unit_of_work._commit

    async def commit_once_both_wrote(session: AsyncClientSession) -> None:
        await both_written.wait()
        await commit(session)

    monkeypatch.setattr(mongo_unit_of_work, "_commit", commit_once_both_wrote)
    instances = [MongoDatabase(mongo_db.client, mongo_db.name) for _ in range(2)]

    await asyncio.gather(*(create(db, campaign(n)) for n, db in enumerate(instances, start=1)))

    factory = functools.partial(MongoUnitOfWork, mongo_db, SequentialIdFactory())
    assert [await stored(factory, doc_id(n)) for n in (1, 2)] == [campaign(1), campaign(2)]
    pending = await MongoOutboxStore(mongo_db).pending(EVERY_EVENT, 10)
    assert sorted(entry.event.aggregate_id for entry in pending) == [doc_id(1)] * 2 + [doc_id(2)] * 2


async def test_a_commit_whose_outcome_is_unknown_is_sent_again_and_its_outcome_kept(
    mongo_db: MongoDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = fail_commits(monkeypatch, UNKNOWN_COMMIT, COMMIT_ATTEMPTS - 1)

    await create(mongo_db, campaign(1))

    assert log == ["failed"] * (COMMIT_ATTEMPTS - 1) + ["committed"]
    assert [doc["_id"] for doc in await mongo_db.database[CAMPAIGNS].find({}).to_list()] == [ObjectId(doc_id(1))]
    assert len(await mongo_db.database[OUTBOX].find({}).to_list()) == 2


async def test_a_commit_that_stays_unknown_is_dependency_unavailable_with_nothing_written(
    mongo_db: MongoDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = fail_commits(monkeypatch, UNKNOWN_COMMIT, COMMIT_ATTEMPTS)

    with pytest.raises(DependencyUnavailable, match="safe to retry"):
        await create(mongo_db, campaign(1))

    assert log == ["failed"] * COMMIT_ATTEMPTS
    for collection in (CAMPAIGNS, OUTBOX, OUTBOX_STREAMS):
        assert await mongo_db.database[collection].find({}).to_list() == [], collection
    assert not mongo_db.lock.locked()


async def test_a_transient_transaction_error_aborts_the_unit_with_nothing_written(
    mongo_db: MongoDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not committed again: the use case runs again from the start (`reruns_aborted_transactions`)."""
    log = fail_commits(monkeypatch, TRANSIENT, 1)

    with pytest.raises(TransactionAborted):
        await create(mongo_db, campaign(1))
    assert log == ["failed"]
    for collection in (CAMPAIGNS, OUTBOX, OUTBOX_STREAMS):
        assert await mongo_db.database[collection].find({}).to_list() == [], collection

    await create(mongo_db, campaign(1))
    assert log == ["failed", "committed"]
