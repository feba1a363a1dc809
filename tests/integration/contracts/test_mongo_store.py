"""What only the MongoDB store has to prove: indexes, errors from the server, CAS in the write, ids and dates as BSON.

Each test runs on the nx-27017 stand-in and, when `CAMPAIGNS_TEST_MONGO_URL` is set, on a real MongoDB.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import msgspec
import pytest
from bson import ObjectId
from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError
from pymongo.read_preferences import Nearest, Primary, SecondaryPreferred

from campaigns.adapters.mongo.campaigns import CAMPAIGN_SITE
from campaigns.adapters.mongo.collection import MongoCollection, UniqueKey, unique_key_errors
from campaigns.adapters.mongo.database import MongoDatabase, mongo_client
from campaigns.adapters.mongo.documents import CAMPAIGNS, COUNTERS, EPOCH, EVENT_MAP, OUTBOX, OUTBOX_STREAMS
from campaigns.adapters.mongo.markets import MARKET_NAME
from campaigns.adapters.mongo.outbox import MongoOutboxStore
from campaigns.adapters.mongo.promoters import PROMOTER_NAME
from campaigns.adapters.mongo.reader import MongoStoreReader
from campaigns.adapters.mongo.schema import INDEXES
from campaigns.adapters.mongo.unit_of_work import MongoUnitOfWork
from campaigns.application.errors import ConcurrentUpdate, DependencyUnavailable
from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.domain.campaign import CampaignDates, CampaignDomain, Status
from campaigns.domain.errors import DomainAlreadyClaimed, MarketNameTaken, PromoterNameTaken
from campaigns.domain.market import MarketEventInfo
from campaigns.domain.promoter import Promoter
from tests.fakes.in_memory import SequentialIdFactory
from tests.integration.contracts.builders import (
    HOUR,
    NOW,
    add_all,
    campaign,
    created,
    doc_id,
    market,
    next_version,
    rich_campaign,
    stored,
)
from tests.integration.processes import free_port, fresh_database_name
from tests.streams import EVERY_EVENT

MILLISECOND = dt.timedelta(milliseconds=1)


@pytest.fixture
def uow_factory(mongo_db: MongoDatabase) -> UnitOfWorkFactory:
    return functools.partial(MongoUnitOfWork, mongo_db, SequentialIdFactory(start=1 << 40))


async def raw(db: MongoDatabase, collection: str) -> list[dict[str, Any]]:
    return await db.database[collection].find({}).to_list()


def every_name() -> list[str]:
    """What `ensure_indexes` creates in an empty database: each collection, then each of its indexes."""
    return [
        name
        for collection, models in INDEXES.items()
        for name in (collection, *(f"{collection}.{m.document['name']}" for m in models))
    ]


@asynccontextmanager
async def empty_database(mongo_db: MongoDatabase) -> AsyncIterator[MongoDatabase]:
    db = MongoDatabase(mongo_db.client, fresh_database_name())
    try:
        yield db
    finally:
        await mongo_db.client.drop_database(db.name)


# --------------------------------------------------------------------------- indexes (`campaigns db init`)


async def test_ensure_indexes_creates_everything_once(mongo_db: MongoDatabase) -> None:
    async with empty_database(mongo_db) as db:
        assert await db.check_indexes() == every_name()

        assert await db.ensure_indexes() == every_name()

        assert await db.check_indexes() == []
        assert await db.ensure_indexes() == [], "a second run creates nothing"
        unique = [
            tuple(index["key"]) async for index in await db.database[CAMPAIGNS].list_indexes() if index.get("unique")
        ]
        assert unique == [("domain.site",)]


async def test_a_dropped_index_is_reported_then_created_again(mongo_db: MongoDatabase) -> None:
    [category] = [
        index["name"]
        async for index in await mongo_db.database[EVENT_MAP].list_indexes()
        if "categoryIds" in index["key"]
    ]
    await mongo_db.database[EVENT_MAP].drop_index(category)

    assert await mongo_db.check_indexes() == ["event_map.category_ids"]
    assert await mongo_db.ensure_indexes() == ["event_map.category_ids"]
    assert await mongo_db.check_indexes() == []


async def test_db_init_rewrites_campaigns_stored_with_a_due_date_before_indexing_their_millis(
    uow_factory: UnitOfWorkFactory, mongo_db: MongoDatabase
) -> None:
    """A store written before `nextTransitionMs`: its due campaigns carry `nextTransitionAt` (a date) and no index."""
    due = campaign(1, date=CampaignDates(open=NOW - HOUR))
    later = campaign(2, status=Status.OPEN, date=CampaignDates(close=NOW + HOUR))
    unscheduled = campaign(3)
    await add_all(uow_factory, due, later, unscheduled)
    collection = mongo_db.database[CAMPAIGNS]
    for document in await raw(mongo_db, CAMPAIGNS):
        if (millis := document.pop("nextTransitionMs", None)) is not None:
            await collection.replace_one(
                {"_id": document["_id"]}, document | {"nextTransitionAt": EPOCH + millis * MILLISECOND}
            )
    [index] = [index["name"] async for index in await collection.list_indexes() if "nextTransitionMs" in index["key"]]
    await collection.drop_index(index)
    before = {document["_id"]: document for document in await raw(mongo_db, CAMPAIGNS)}

    assert await mongo_db.check_indexes() == ["campaigns.next_transition_ms"], "start-up refuses it"
    assert await mongo_db.ensure_indexes() == [
        "campaigns.nextTransitionMs (2 documents)",
        "campaigns.next_transition_ms",
        "event_map (3 campaigns)",
    ]

    after = {document["_id"]: document for document in await raw(mongo_db, CAMPAIGNS)}
    assert {str(key): ("nextTransitionAt" in doc, doc.get("nextTransitionMs")) for key, doc in after.items()} == {
        due.id: (False, int((NOW - HOUR).timestamp() * 1000)),
        later.id: (False, int((NOW + HOUR).timestamp() * 1000)),
        unscheduled.id: (False, None),
    }
    assert after[ObjectId(unscheduled.id)] == before[ObjectId(unscheduled.id)]
    assert [await stored(uow_factory, c.id) for c in (due, later, unscheduled)] == [due, later, unscheduled]
    async with uow_factory() as uow:
        assert await uow.campaigns.find_due(NOW, after=None, limit=10) == [due]
    assert await raw(mongo_db, OUTBOX) == [], "nothing changed: no event"
    assert await mongo_db.check_indexes() == []
    assert await mongo_db.ensure_indexes() == [], "a second run rewrites nothing"


async def test_db_init_replaces_the_unique_sequence_index_of_a_store_written_before_entries_were_numbered_late(
    uow_factory: UnitOfWorkFactory, mongo_db: MongoDatabase
) -> None:
    """Entries committed unnumbered have no `sequence`: a unique index on it would refuse the second on a server."""
    outbox = mongo_db.database[OUTBOX]
    [index] = [index["name"] async for index in await outbox.list_indexes() if list(index["key"]) == ["sequence"]]
    await outbox.drop_index(index)
    await outbox.create_index([("sequence", ASCENDING)], name="sequence_unique", unique=True)
    old = created(campaign(3))
    await outbox.insert_one(
        {
            "_id": ObjectId(doc_id(50)),
            "sequence": 7,
            "aggregateId": old.aggregate_id,
            "type": "campaign.created",
            "event": msgspec.to_builtins(old, builtin_types=(dt.datetime,)),
            "occurredAt": old.occurred_at,
        }
    )
    await mongo_db.database[COUNTERS].insert_one({"_id": OUTBOX, "value": 7})

    assert await mongo_db.check_indexes() == ["outbox.sequence"], "start-up refuses it"
    assert await mongo_db.ensure_indexes() == ["outbox.sequence"]
    assert await mongo_db.check_indexes() == []
    for n in (1, 2):
        async with uow_factory() as uow:
            uow.outbox.append([created(campaign(n))])
            await uow.commit()

    pending = await MongoOutboxStore(mongo_db).pending(EVERY_EVENT, 10)
    assert [(entry.sequence, entry.event.aggregate_id) for entry in pending] == [
        (7, doc_id(3)),
        (8, doc_id(1)),
        (9, doc_id(2)),
    ]
    sequence_indexes = [index async for index in await outbox.list_indexes() if list(index["key"]) == ["sequence"]]
    assert [index.get("unique", False) for index in sequence_indexes] == [False]


async def test_db_init_maps_the_campaigns_stored_before_the_event_mapping_read_model(
    uow_factory: UnitOfWorkFactory, mongo_db: MongoDatabase
) -> None:
    window = CampaignDates(presaleWindowStart=NOW, presaleWindowEnd=NOW + HOUR)
    listed = campaign(1, status=Status.OPEN, eventIds=["E1"], categoryId="c1", date=window)
    draft = campaign(2, eventIds=["E2"])
    await add_all(uow_factory, listed, draft)
    async with uow_factory() as uow:
        await uow.markets.add(market(3, listed.id, event_ids=("E3",)))
        await uow.commit()
    reader = MongoStoreReader(mongo_db)
    assert await reader.event_maps.event_ids_in_window(NOW, NOW) == [], "written without their mappings"

    assert await mongo_db.ensure_indexes() == ["event_map (2 campaigns)"]

    assert await reader.event_maps.event_ids_in_window(NOW, NOW) == ["E1", "E3"]
    assert await reader.event_maps.campaign_ids_for_event("E3") == [listed.id]
    assert await reader.event_maps.campaign_ids_with_categories(["c1"]) == [listed.id]
    assert len(await raw(mongo_db, EVENT_MAP)) == 2
    assert await mongo_db.ensure_indexes() == [], "a second run maps nothing"
    assert len(await raw(mongo_db, EVENT_MAP)) == 2


async def test_the_server_runs_transactions(mongo_db: MongoDatabase) -> None:
    assert await mongo_db.supports_transactions()


# --------------------------------------------------------------------------- unique indexes and their errors


@pytest.mark.parametrize(
    ("key", "document", "error"),
    [
        (CAMPAIGN_SITE, {"domain": {"site": "taken"}}, DomainAlreadyClaimed),
        (MARKET_NAME, {"campaign_id": doc_id(100), "name": "Paris"}, MarketNameTaken),
        (PROMOTER_NAME, {"name": "Live Nation"}, PromoterNameTaken),
    ],
)
async def test_a_duplicate_on_each_unique_index_is_its_domain_error(
    mongo_db: MongoDatabase, key: UniqueKey, document: dict[str, Any], error: type[Exception]
) -> None:
    """The server's own DuplicateKeyError (what decides a race between processes) is told apart by its index."""
    collection = mongo_db.database[key.collection]
    await collection.insert_one({"_id": ObjectId(doc_id(1)), **document})

    with pytest.raises(error), unique_key_errors(key):
        await collection.insert_one({"_id": ObjectId(doc_id(2)), **document})
    with pytest.raises(DuplicateKeyError), unique_key_errors(key):  # the `_id` index stands for no rule
        await collection.insert_one({"_id": ObjectId(doc_id(1)), "other": True})

    assert [doc["_id"] for doc in await raw(mongo_db, key.collection)] == [ObjectId(doc_id(1))]


async def test_campaigns_without_a_domain_are_left_out_of_the_unique_index(
    uow_factory: UnitOfWorkFactory, mongo_db: MongoDatabase
) -> None:
    """A cleared domain (`null`) and a domain never set (no `site` field) are both outside the partial index."""
    never_set = [msgspec.structs.replace(campaign(n), domain=CampaignDomain()) for n in (1, 2)]
    await add_all(uow_factory, *never_set, campaign(3), campaign(4), campaign(5, site="x"))

    documents = {doc["_id"]: doc["domain"] for doc in await raw(mongo_db, CAMPAIGNS)}
    assert list(documents.values()) == [{}, {}, {"site": None}, {"site": None}, {"site": "x"}]
    async with uow_factory() as uow:
        assert await uow.campaigns.get_by_site("x") == campaign(5, site="x")


# --------------------------------------------------------------------------- atomicity


async def test_the_write_itself_compares_and_sets(
    uow_factory: UnitOfWorkFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer whose check ran before another's commit still fails: the version is in the write's filter."""
    original = campaign(1, site="cas")
    winner = next_version(original, name="winner")
    await add_all(uow_factory, winner)  # stored at version 2, as if it had won the race

    async def seen_before_the_winner(_: MongoCollection, document: dict[str, Any], *__: Any) -> Any:
        return {"_id": document["_id"], "version": original.version, "status": original.status.value}, False

    monkeypatch.setattr(MongoCollection, "current_and_holder", seen_before_the_winner)
    async with uow_factory() as uow:
        with pytest.raises(ConcurrentUpdate):
            await uow.campaigns.update(next_version(original, name="stale"))
        await uow.commit()

    monkeypatch.undo()
    assert await stored(uow_factory, original.id) == winner


async def test_a_unit_that_fails_at_commit_writes_neither_the_change_nor_its_outbox_entries(
    uow_factory: UnitOfWorkFactory, mongo_db: MongoDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Boom(Exception):
        pass

    async def fail_after_numbering(self: MongoUnitOfWork, *args: Any) -> list[dict[str, Any]]:
        await original_entries(self, *args)  # the aggregate's stream is numbered, in the transaction
        raise Boom

    original_entries = MongoUnitOfWork._outbox_entries
    monkeypatch.setattr(MongoUnitOfWork, "_outbox_entries", fail_after_numbering)
    item = campaign(1, site="boom")
    async with uow_factory() as uow:
        await uow.campaigns.add(item)
        uow.outbox.append([created(item)])
        with pytest.raises(Boom):
            await uow.commit()

    assert await raw(mongo_db, CAMPAIGNS) == []
    assert await raw(mongo_db, OUTBOX) == []
    assert await raw(mongo_db, OUTBOX_STREAMS) == []


async def test_entries_commit_numbered_per_aggregate_and_the_first_relay_read_gives_their_delivery_sequence(
    uow_factory: UnitOfWorkFactory, mongo_db: MongoDatabase
) -> None:
    """A unit of work writes its aggregates' stream documents and its entries; only relays write the counter."""
    for events in ([created(campaign(1)), created(campaign(2))], [created(campaign(1))]):
        async with uow_factory() as uow:
            uow.outbox.append(events)
            await uow.commit()

    committed = await raw(mongo_db, OUTBOX)
    assert [(doc["aggregateId"], doc["streamSeq"], doc["stage"]) for doc in committed] == [
        (doc_id(1), 1, "unnumbered"),
        (doc_id(2), 1, "unnumbered"),
        (doc_id(1), 2, "unnumbered"),
    ]
    assert not any("sequence" in doc for doc in committed)
    assert {doc["_id"]: doc["last"] for doc in await raw(mongo_db, OUTBOX_STREAMS)} == {doc_id(1): 2, doc_id(2): 1}
    assert await raw(mongo_db, COUNTERS) == [], "no unit of work writes the counter"

    entries = await MongoOutboxStore(mongo_db).pending(EVERY_EVENT, 10)

    assert [entry.sequence for entry in entries] == [1, 2, 3]
    assert [entry.id for entry in entries] == [str(doc["_id"]) for doc in committed], "in commit order"
    assert [doc["value"] for doc in await raw(mongo_db, COUNTERS)] == [3]
    assert not any("stage" in doc for doc in await raw(mongo_db, OUTBOX))
    assert await MongoOutboxStore(mongo_db).pending(EVERY_EVENT, 10) == entries, "numbered once"


async def test_a_batch_cut_by_the_limit_numbers_each_aggregate_in_stream_order_whatever_the_ids(
    mongo_db: MongoDatabase,
) -> None:
    """Ids from two processes need not grow with commit order: an aggregate's later entry may have the smaller id."""
    later_ids = SequentialIdFactory(start=1 << 41)
    earlier_ids = SequentialIdFactory(start=1 << 40)
    for ids, event in ((later_ids, created(campaign(1))), (earlier_ids, created(campaign(1)))):
        async with MongoUnitOfWork(mongo_db, ids) as uow:
            uow.outbox.append([event, created(campaign(2))])
            await uow.commit()
    first_written = min(await raw(mongo_db, OUTBOX), key=lambda doc: doc["_id"])
    assert (first_written["aggregateId"], first_written["streamSeq"]) == (doc_id(1), 2)

    store = MongoOutboxStore(mongo_db)
    first_batch = await store.pending(EVERY_EVENT, 2)
    await store.acknowledge(EVERY_EVENT.name, first_batch)
    second_batch = await store.pending(EVERY_EVENT, 2)

    streams = {doc["_id"]: (doc["aggregateId"], doc["streamSeq"]) for doc in await raw(mongo_db, OUTBOX)}
    delivered = [streams[ObjectId(entry.id)] for entry in first_batch + second_batch]
    assert delivered[:2] == [(doc_id(1), 1), (doc_id(1), 2)], "the first aggregate's entries, in stream order"
    assert sorted(delivered[2:]) == [(doc_id(2), 1), (doc_id(2), 2)]
    assert [pair for pair in delivered if pair[0] == doc_id(2)] == [(doc_id(2), 1), (doc_id(2), 2)]


# --------------------------------------------------------------------------- ids and instants as BSON


async def test_ids_are_object_ids_and_other_ids_find_nothing(
    uow_factory: UnitOfWorkFactory, mongo_db: MongoDatabase
) -> None:
    item = campaign(0x0123456789ABCDEF01234567)
    await add_all(uow_factory, item)
    async with uow_factory() as uow:
        await uow.markets.add(market(2, item.id))
        await uow.promoters.add(Promoter(id=doc_id(3), name="AEG"))
        await uow.commit()

    [document] = await raw(mongo_db, CAMPAIGNS)
    assert document["_id"] == ObjectId("0123456789abcdef01234567")
    assert "id" not in document
    assert await stored(uow_factory, "0123456789abcdef01234567") == item
    reader = MongoStoreReader(mongo_db)
    for other in ("0123456789ABCDEF01234567", "not-an-id", "", "0123456789abcdef0123456"):
        assert await reader.campaigns.get(other) is None, other
        assert await reader.markets.get(other) is None, other
        assert await reader.promoters.get(other) is None, other
        assert await reader.contacts.get(other) is None, other
    assert await reader.markets.get_many(["nope", doc_id(2)]) == [market(2, item.id)]


async def test_instants_are_bson_dates_to_the_millisecond(
    uow_factory: UnitOfWorkFactory, mongo_db: MongoDatabase
) -> None:
    item = rich_campaign(1)
    await add_all(uow_factory, item)

    [document] = await raw(mongo_db, CAMPAIGNS)
    assert document["date"]["created"] == dt.datetime(2026, 1, 2, 8, 30, 15, 123000, tzinfo=dt.UTC)
    assert document["date"]["created"].tzinfo is dt.UTC
    assert EPOCH + document["nextTransitionMs"] * MILLISECOND == item.date.closes_at
    assert isinstance(document["nextTransitionMs"], int)
    assert "nextTransitionAt" not in document
    assert await stored(uow_factory, item.id) == item


@pytest.mark.standin_gap("it compares dates to the second: 12:00:00.100 <= 12:00:00.098 there")
async def test_query_bounds_between_two_milliseconds_match_the_other_stores(uow_factory: UnitOfWorkFactory) -> None:
    """Bounds are not truncated blindly: x.0005 excludes a date at x.000 and includes one at x.001."""
    at = NOW + 100 * MILLISECOND
    async with uow_factory() as uow:
        await uow.markets.add(
            msgspec.structs.replace(market(1, doc_id(100)), event=MarketEventInfo(ids=[], presaleDateTime=at))
        )
        await uow.commit()
    half = dt.timedelta(microseconds=500)

    async with uow_factory() as uow:
        assert [m.id for m in await uow.markets.presales_between(at - half, at + half)] == [doc_id(1)]
        assert await uow.markets.presales_between(at + half, at + 10 * MILLISECOND) == []
        assert await uow.markets.presales_between(at - 10 * MILLISECOND, at - half) == []


# --------------------------------------------------------------------------- reads


async def test_the_reader_cannot_write(mongo_db: MongoDatabase) -> None:
    reader = MongoStoreReader(mongo_db)

    with pytest.raises(PermissionError):
        await reader.campaigns.add(campaign(1, site="sneaky"))  # type: ignore[attr-defined]

    assert await raw(mongo_db, CAMPAIGNS) == []


async def test_a_due_campaign_leaves_the_due_index_once_transitioned(
    uow_factory: UnitOfWorkFactory, mongo_db: MongoDatabase
) -> None:
    due = campaign(1, date=CampaignDates(open=NOW))
    await add_all(uow_factory, due)
    async with uow_factory() as uow:
        await uow.campaigns.update(next_version(due, status=Status.INACTIVE))
        await uow.commit()

    [document] = await raw(mongo_db, CAMPAIGNS)
    assert "nextTransitionMs" not in document
    async with uow_factory() as uow:
        assert await uow.campaigns.find_due(NOW, after=None, limit=10) == []


# --------------------------------------------------------------------------- configuration, outages (no server)


async def test_the_database_and_list_reads_follow_the_url() -> None:
    async with asynccontextmanager(mongo_client)("mongodb://127.0.0.1:1/") as client:
        db = MongoDatabase(client)
        assert (db.name, db.list_read_preference) == ("campaigns", SecondaryPreferred())
    async with asynccontextmanager(mongo_client)("mongodb://127.0.0.1:1/presales?readPreference=nearest") as client:
        db = MongoDatabase(client)
        assert (db.name, db.list_read_preference) == ("presales", Nearest())
        assert MongoDatabase(client, "other", list_read_preference=Primary()).list_read_preference == Primary()


async def test_an_unreachable_server_is_dependency_unavailable() -> None:
    async with asynccontextmanager(mongo_client)(f"mongodb://127.0.0.1:{free_port()}/", timeout_seconds=0.1) as client:
        db = MongoDatabase(client)
        with pytest.raises(DependencyUnavailable):
            await db.ping()
        with pytest.raises(DependencyUnavailable):
            await MongoStoreReader(db).campaigns.get(doc_id(1))
        with pytest.raises(DependencyUnavailable):
            await MongoOutboxStore(db).pending(EVERY_EVENT, 10)
        with pytest.raises(DependencyUnavailable):
            async with MongoUnitOfWork(db, SequentialIdFactory()) as uow:
                await uow.campaigns.add(campaign(1))
        assert not db.lock.locked(), "a failed unit of work frees the store"
