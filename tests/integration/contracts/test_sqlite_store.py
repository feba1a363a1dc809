"""What only the SQLite store has to prove: durability on disk, several connections, indexed lookups."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from campaigns.adapters.sqlite.campaigns import SqliteCampaignRepository
from campaigns.adapters.sqlite.database import SqliteDatabase
from campaigns.adapters.sqlite.outbox import SqliteOutboxStore
from campaigns.adapters.sqlite.reader import SqliteStoreReader
from campaigns.adapters.sqlite.unit_of_work import SqliteUnitOfWork
from campaigns.application.errors import DependencyUnavailable
from campaigns.application.queries import CampaignQuery, CampaignSort
from campaigns.domain.campaign import CampaignDates
from campaigns.domain.errors import DomainAlreadyClaimed
from tests.fakes.in_memory import SequentialIdFactory
from tests.integration.contracts.builders import NOW, add_all, campaign, created, doc_id, rich_campaign, stored
from tests.streams import EVERY_EVENT


async def test_reopening_the_file_keeps_campaigns_and_undelivered_events(tmp_path: Path) -> None:
    path = tmp_path / "campaigns.db"
    ids = SequentialIdFactory(start=1 << 40)
    item = rich_campaign(1)
    db = await SqliteDatabase(path).open()
    try:
        async with SqliteUnitOfWork(db, ids) as uow:
            await uow.campaigns.add(item)
            uow.outbox.append([created(item), created(campaign(2)), created(campaign(3))])
            await uow.commit()
        outbox = SqliteOutboxStore(db)
        delivered, parked, pending = await outbox.pending(EVERY_EVENT, 10)
        await outbox.park(EVERY_EVENT.name, parked, error="poison", at=NOW)
        await outbox.acknowledge(EVERY_EVENT.name, [delivered, parked])
    finally:
        await db.close()

    reopened = await SqliteDatabase(path).open()
    try:
        assert await stored(functools.partial(SqliteUnitOfWork, reopened, ids), item.id) == item
        assert await SqliteOutboxStore(reopened).pending(EVERY_EVENT, 10) == [pending]
        assert (await SqliteOutboxStore(reopened).stats(EVERY_EVENT)).parked == 1
    finally:
        await reopened.close()


async def test_claims_through_separate_connections_have_one_winner(tmp_path: Path) -> None:
    """Two processes on one file: BEGIN IMMEDIATE and busy_timeout serialize them, the index decides."""
    path = tmp_path / "campaigns.db"
    databases = [await SqliteDatabase(path).open() for _ in range(2)]
    try:
        claims = [
            add_all(
                functools.partial(SqliteUnitOfWork, databases[n % 2], SequentialIdFactory(start=n << 32)),
                campaign(n, site="x"),
            )
            for n in range(1, 11)
        ]
        results = await asyncio.gather(*claims, return_exceptions=True)
    finally:
        for db in databases:
            await db.close()

    assert results.count(None) == 1
    assert all(isinstance(result, DomainAlreadyClaimed) for result in results if result is not None)


async def test_due_campaigns_are_found_through_the_index(tmp_path: Path) -> None:
    """The tick's cost follows the number due: its query walks the partial index, not the table."""
    statements: list[str] = []
    db = await SqliteDatabase(tmp_path / "campaigns.db").open()
    try:
        async with SqliteUnitOfWork(db, SequentialIdFactory()) as uow:
            await db.connection.set_trace_callback(statements.append)
            await uow.campaigns.find_due(NOW, after=(NOW, "0" * 24), limit=10)
        [query] = [statement for statement in statements if statement.startswith("SELECT")]
        plan = await db.connection.execute_fetchall(f"EXPLAIN QUERY PLAN {query}")
    finally:
        await db.close()

    # One step, and no "USE TEMP B-TREE FOR ORDER BY": the index also yields the order.
    [step] = [row[-1] for row in plan]
    assert step.startswith("SEARCH campaigns USING INDEX campaigns_due "), step


async def _plan(db: SqliteDatabase, read: Callable[[SqliteStoreReader], Awaitable[object]]) -> list[str]:
    """The query plan of the one statement `read` runs on the reader's connection (not the R-tree's own reads)."""
    statements: list[str] = []
    await db.reader.set_trace_callback(statements.append)
    await read(SqliteStoreReader(db))
    [query] = [statement for statement in statements if statement.startswith("SELECT") and "_node" not in statement]
    return [row[-1] for row in await db.reader.execute_fetchall(f"EXPLAIN QUERY PLAN {query}")]


async def test_event_map_reads_start_from_an_index(tmp_path: Path) -> None:
    """Each read of the event-mapping read model starts from an index on what it is asked for, never a scan."""
    db = await SqliteDatabase(tmp_path / "campaigns.db").open()
    try:
        in_window = await _plan(db, lambda reader: reader.event_maps.event_ids_in_window(NOW, NOW))
        categories_in_window = await _plan(db, lambda reader: reader.event_maps.category_ids_in_window(NOW, NOW))
        for_event = await _plan(db, lambda reader: reader.event_maps.campaign_ids_for_event("E1"))
        by_category = await _plan(db, lambda reader: reader.event_maps.campaign_ids_with_categories(["c1"]))
    finally:
        await db.close()

    assert in_window[0].startswith("SCAN w VIRTUAL TABLE INDEX"), in_window
    assert categories_in_window[0].startswith("SCAN w VIRTUAL TABLE INDEX"), categories_in_window
    assert for_event[0].startswith("SEARCH e USING PRIMARY KEY (event_id=?)"), for_event
    assert any(step.startswith("SEARCH event_map_categories USING PRIMARY KEY") for step in by_category), by_category
    assert not any(step.startswith("SCAN event_map") for step in [*in_window, *for_event, *by_category])


async def test_opening_a_file_maps_the_campaigns_written_before_the_event_mapping_read_model(tmp_path: Path) -> None:
    path = tmp_path / "campaigns.db"
    window = CampaignDates(presaleWindowStart=NOW, presaleWindowEnd=NOW)
    db = await SqliteDatabase(path).open()
    try:
        await add_all(
            functools.partial(SqliteUnitOfWork, db, SequentialIdFactory()),
            campaign(1, eventIds=["E1"], date=window),
            campaign(2, categoryId="c2", date=window),
        )
    finally:
        await db.close()

    db = await SqliteDatabase(path).open()
    try:
        reader = SqliteStoreReader(db)
        assert await reader.event_maps.event_ids_in_window(NOW, NOW) == ["E1"]
        assert await reader.event_maps.category_ids_in_window(NOW, NOW) == ["c2"]
        assert await db.ensure_indexes() == ["event_map (2 campaigns)"], "reported once, by the first db init"
        assert await db.ensure_indexes() == []
    finally:
        await db.close()


async def test_a_closed_store_is_reported_unavailable(tmp_path: Path) -> None:
    db = await SqliteDatabase(tmp_path / "campaigns.db").open()
    repository = SqliteCampaignRepository(db.connection)
    await db.close()

    with pytest.raises(DependencyUnavailable):
        await repository.ping()


async def _plans(db: SqliteDatabase, read: Callable[[SqliteStoreReader], Awaitable[object]]) -> list[str]:
    """The steps of the query plans of every statement `read` runs on the reader's connection."""
    statements: list[str] = []
    await db.reader.set_trace_callback(statements.append)
    await read(SqliteStoreReader(db))
    await db.reader.set_trace_callback(lambda _: None)
    return [
        str(row[-1])
        for statement in statements
        if statement.startswith("SELECT")
        for row in await db.reader.execute_fetchall(f"EXPLAIN QUERY PLAN {statement}")
    ]


def _page(query: CampaignQuery) -> Callable[[SqliteStoreReader], Awaitable[object]]:
    return lambda reader: reader.campaigns.search(query)


async def test_list_pages_walk_an_index_and_searches_read_the_trigram_index(tmp_path: Path) -> None:
    """No list page reads every campaign: each sort order walks an index and a search text starts from trigrams.

    The unfiltered total is the one the triggers keep. A search text under 3 characters has to scan.
    """
    db = await SqliteDatabase(tmp_path / "campaigns.db").open()
    try:
        pages = {sort: await _plans(db, _page(CampaignQuery(sort_by=sort))) for sort in CampaignSort}
        searched = await _plans(db, _page(CampaignQuery(text="rock")))
        short = await _plans(db, _page(CampaignQuery(text="ro")))
    finally:
        await db.close()

    for sort, steps in pages.items():
        assert not any(step.startswith("SCAN campaigns ") and "INDEX" not in step for step in steps), (sort, steps)
        assert any("INDEX campaigns_page_" in step for step in steps), (sort, steps)
        assert "SCAN campaign_total" in steps, "the unfiltered total is the kept one, not a count"
    assert any(step.startswith("SCAN campaigns_search VIRTUAL TABLE INDEX") for step in searched), searched
    assert not any(step == "SCAN campaigns" for step in searched), searched
    assert "SCAN campaigns" in short, short


async def test_opening_a_file_from_before_the_search_index_and_the_total_builds_them_once(tmp_path: Path) -> None:
    path = tmp_path / "campaigns.db"
    db = await SqliteDatabase(path).open()
    try:
        await add_all(
            functools.partial(SqliteUnitOfWork, db, SequentialIdFactory()),
            campaign(1, name="Rock Night"),
            campaign(2, name="Jazz Night"),
        )
        # as a file written before them: neither the tables nor their triggers
        await db.connection.executescript(
            "DROP TRIGGER campaigns_search_insert; DROP TRIGGER campaigns_search_update; "
            "DROP TRIGGER campaigns_search_delete; DROP TRIGGER campaign_total_insert; "
            "DROP TRIGGER campaign_total_delete; DROP TABLE campaigns_search; DROP TABLE campaign_total;"
        )
    finally:
        await db.close()

    db = await SqliteDatabase(path).open()
    try:
        reader = SqliteStoreReader(db)
        page = await reader.campaigns.search(CampaignQuery(text="rock n"))
        assert ([c.id for c in page.campaigns], page.total) == ([doc_id(1)], 1)
        assert (await reader.campaigns.search(CampaignQuery())).total == 2
        created = await db.ensure_indexes()
        expected = ["campaigns_search", "campaign_total", "event_map (2 campaigns)", "campaigns_search (2 campaigns)"]
        assert created == expected, created
        assert await db.ensure_indexes() == [], "reported once, by the first db init"
        await add_all(functools.partial(SqliteUnitOfWork, db, SequentialIdFactory(start=99)), campaign(3))
        assert (await reader.campaigns.search(CampaignQuery())).total == 3
    finally:
        await db.close()

    db = await SqliteDatabase(path).open()
    try:  # campaign 3 was added past the use cases, unmapped: the event map is built, nothing else
        assert await db.ensure_indexes() == ["event_map (1 campaigns)"]
        assert (await SqliteStoreReader(db).campaigns.search(CampaignQuery(text="jazz"))).total == 1
    finally:
        await db.close()
