"""SQLite only: the market query columns, on a new file and on a file from before they existed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import msgspec

from campaigns.adapters.sqlite.database import SqliteDatabase
from campaigns.adapters.sqlite.reader import SqliteStoreReader
from campaigns.adapters.sqlite.unit_of_work import SqliteUnitOfWork
from campaigns.domain.market import Notification
from tests.fakes.in_memory import SequentialIdFactory
from tests.integration.contracts.builders import DAY, HOUR, NOW, doc_id, market

CAMPAIGN = doc_id(100)

OLD_MARKETS_TABLE = """
CREATE TABLE markets (
    id TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL,
    name TEXT NOT NULL,
    document BLOB NOT NULL,
    UNIQUE (campaign_id, name)
);
"""
"""The markets table as the first release wrote it, before the presale and notification columns."""


def _old_file(path: Path) -> None:
    due = msgspec.structs.replace(market(1, CAMPAIGN), notification=Notification(date=NOW - HOUR))
    done = msgspec.structs.replace(market(2, CAMPAIGN), notification=Notification(date=NOW - HOUR, notified=NOW))
    with sqlite3.connect(path) as connection:
        connection.executescript(OLD_MARKETS_TABLE)
        connection.executemany(
            "INSERT INTO markets (id, campaign_id, name, document) VALUES (?, ?, ?, ?)",
            [(m.id, m.campaign_id, m.name, msgspec.json.encode(m)) for m in (due, done)],
        )
    connection.close()


async def test_a_file_from_before_the_columns_is_upgraded_on_open(tmp_path: Path) -> None:
    path = tmp_path / "campaigns.db"
    _old_file(path)

    db = await SqliteDatabase(path).open()
    try:
        reader = SqliteStoreReader(db)
        assert [m.id for m in await reader.markets.notifiable(NOW)] == [doc_id(1)]
        # `market` presales are NOW + 1 day: both stored markets were given their presale column.
        assert [m.id for m in await reader.markets.presales_between(NOW, NOW + DAY)] == [doc_id(1), doc_id(2)]
        async with SqliteUnitOfWork(db, SequentialIdFactory(start=1 << 40)) as uow:
            await uow.markets.add(market(3, CAMPAIGN))
            await uow.commit()
    finally:
        await db.close()

    reopened = await SqliteDatabase(path).open()  # a second open finds nothing to upgrade
    try:
        found = await SqliteStoreReader(reopened).markets.presales_between(NOW, NOW + DAY)
        assert [m.id for m in found] == [doc_id(1), doc_id(2), doc_id(3)]
        columns = [row[1] for row in await reopened.connection.execute_fetchall("PRAGMA table_info(markets)")]
    finally:
        await reopened.close()
    assert columns.count("presale_at") == 1
    assert {"notification_date", "notified_at"} <= set(columns)


async def _plan(db: SqliteDatabase, sql: str, params: tuple[object, ...]) -> str:
    rows = await db.connection.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}", params)
    return " | ".join(str(row[-1]) for row in rows)


async def test_the_notification_queries_walk_their_indexes(tmp_path: Path) -> None:
    statements: list[str] = []
    db = await SqliteDatabase(tmp_path / "campaigns.db").open()
    try:
        async with SqliteUnitOfWork(db, SequentialIdFactory()) as uow:
            await db.connection.set_trace_callback(statements.append)
            await uow.markets.presales_between(NOW, NOW + DAY)
            await uow.markets.notifiable(NOW)
            await uow.event_statuses.find("onsale", NOW)
            presale, notifiable, events = [s for s in statements if s.startswith("SELECT")]
            plans = [await _plan(db, query, ()) for query in (presale, notifiable, events)]
    finally:
        await db.close()

    # One index search each, and no "USE TEMP B-TREE FOR ORDER BY" where the index yields the order.
    assert plans[0] == "SEARCH markets USING INDEX markets_presale (presale_at>? AND presale_at<?)", plans[0]
    assert plans[1] == "SEARCH markets USING INDEX markets_notifiable (notification_date<?)", plans[1]
    assert plans[2].startswith("SEARCH event_statuses USING INDEX event_statuses_status_end (status=? AND end_at<?)")
