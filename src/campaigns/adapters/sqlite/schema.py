"""The store file's tables and indexes, and the upgrades that bring a file written by an older version level.

Run by `SqliteDatabase.open()` on every start and by `campaigns db init`: everything here is idempotent.
"""

from __future__ import annotations

import re

import aiosqlite

from campaigns.adapters.sqlite.campaigns import index_unsearchable_campaigns
from campaigns.adapters.sqlite.event_maps import map_unmapped_campaigns
from campaigns.adapters.sqlite.markets import MARKET_QUERY_COLUMNS, fill_market_query_columns
from campaigns.adapters.sqlite.sql import json_list

SCHEMA = """
CREATE TABLE IF NOT EXISTS campaigns (
    id TEXT PRIMARY KEY,
    domain_site TEXT UNIQUE,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    next_transition_at TEXT,
    type TEXT NOT NULL,
    schema_version TEXT NOT NULL,
    artist_id TEXT,
    name TEXT,
    search_text TEXT NOT NULL,
    created_at TEXT,
    updated_at TEXT,
    open_at TEXT,
    close_at TEXT,
    presale_start TEXT,
    presale_end TEXT,
    category_id TEXT,
    document BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS campaigns_due ON campaigns (next_transition_at, id) WHERE next_transition_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS campaigns_presale ON campaigns (presale_start, presale_end);
CREATE INDEX IF NOT EXISTS campaigns_category ON campaigns (category_id);
CREATE INDEX IF NOT EXISTS campaigns_artist ON campaigns (artist_id);
CREATE INDEX IF NOT EXISTS campaigns_created ON campaigns (created_at);
CREATE INDEX IF NOT EXISTS campaigns_page_created ON campaigns (created_at, id);
CREATE INDEX IF NOT EXISTS campaigns_page_updated ON campaigns (updated_at, id);
CREATE INDEX IF NOT EXISTS campaigns_page_name ON campaigns (name, id);
CREATE INDEX IF NOT EXISTS campaigns_page_status ON campaigns (status, id);
CREATE INDEX IF NOT EXISTS campaigns_page_open ON campaigns (open_at, id);
CREATE INDEX IF NOT EXISTS campaigns_page_close ON campaigns (close_at, id);
CREATE VIRTUAL TABLE IF NOT EXISTS campaigns_search USING fts5 (search_text, tokenize = 'trigram');
CREATE TRIGGER IF NOT EXISTS campaigns_search_insert AFTER INSERT ON campaigns BEGIN
    INSERT INTO campaigns_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER IF NOT EXISTS campaigns_search_update AFTER UPDATE OF search_text ON campaigns BEGIN
    UPDATE campaigns_search SET search_text = new.search_text WHERE rowid = old.rowid;
END;
CREATE TRIGGER IF NOT EXISTS campaigns_search_delete AFTER DELETE ON campaigns BEGIN
    DELETE FROM campaigns_search WHERE rowid = old.rowid;
END;
CREATE TABLE IF NOT EXISTS campaign_total (id INTEGER PRIMARY KEY CHECK (id = 1), total INTEGER NOT NULL);
CREATE TRIGGER IF NOT EXISTS campaign_total_insert AFTER INSERT ON campaigns BEGIN
    UPDATE campaign_total SET total = total + 1 WHERE id = 1;
END;
CREATE TRIGGER IF NOT EXISTS campaign_total_delete AFTER DELETE ON campaigns BEGIN
    UPDATE campaign_total SET total = total - 1 WHERE id = 1;
END;

CREATE TABLE IF NOT EXISTS event_map (
    id INTEGER PRIMARY KEY,
    campaign_id TEXT NOT NULL UNIQUE,
    listed INTEGER NOT NULL,
    presale_start TEXT,
    presale_end TEXT
);
CREATE VIRTUAL TABLE IF NOT EXISTS event_map_windows USING rtree_i32 (id, start_minute, end_minute);
CREATE TABLE IF NOT EXISTS event_map_events (
    event_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    PRIMARY KEY (event_id, campaign_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_map_events_campaign ON event_map_events (campaign_id);
CREATE TABLE IF NOT EXISTS event_map_categories (
    category_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    PRIMARY KEY (category_id, campaign_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_map_categories_campaign ON event_map_categories (campaign_id);

CREATE TABLE IF NOT EXISTS markets (
    id TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL,
    name TEXT NOT NULL,
    presale_at TEXT,
    notification_date TEXT,
    notified_at TEXT,
    document BLOB NOT NULL,
    UNIQUE (campaign_id, name)
);
CREATE INDEX IF NOT EXISTS markets_presale ON markets (presale_at, id) WHERE presale_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS markets_notifiable ON markets (notification_date, id)
    WHERE notification_date IS NOT NULL AND notified_at IS NULL;

CREATE TABLE IF NOT EXISTS promoters (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    document BLOB NOT NULL
);

CREATE TABLE IF NOT EXISTS contacts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    search_text TEXT NOT NULL,
    document BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS contacts_name ON contacts (name, id);

CREATE TABLE IF NOT EXISTS contact_emails (
    email TEXT NOT NULL,
    contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    PRIMARY KEY (email, contact_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS contact_emails_contact ON contact_emails (contact_id);

CREATE TABLE IF NOT EXISTS event_statuses (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    end_at TEXT,
    document BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS event_statuses_status_end ON event_statuses (status, end_at);
CREATE INDEX IF NOT EXISTS event_statuses_end ON event_statuses (end_at) WHERE end_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS outbox (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    aggregate_id TEXT NOT NULL,
    type TEXT NOT NULL,
    payload BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_created ON outbox (created_at);

CREATE TABLE IF NOT EXISTS outbox_positions (
    sink TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS outbox_parked (
    sink TEXT NOT NULL,
    sequence INTEGER NOT NULL REFERENCES outbox (sequence),
    error TEXT NOT NULL,
    parked_at TEXT NOT NULL,
    requeued INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (sink, sequence)
);

CREATE TABLE IF NOT EXISTS relay_lease (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at REAL NOT NULL
);
"""
"""Idempotent: `open()` runs it on every start. `campaigns.domain_site` is unique over non-null values
(SQLite allows many NULLs), which is the domain-exclusivity backstop. `CREATE TABLE IF NOT EXISTS`
leaves a table of an older file as it was: `add_missing_columns` runs first and brings it level.

The list's pages walk an index per sort order (`campaigns_page_*`, the id breaking ties); its search
reads the trigram index `campaigns_search` (`search_text` by the campaign's rowid), and its
unfiltered total the one-row `campaign_total`, both kept by triggers in the writing transaction and
built for older files by `build_read_models`."""


async def add_missing_columns(connection: aiosqlite.Connection) -> None:
    """Give a `markets` table written before the notification queries their columns, filled from the documents.

    Guarded by `PRAGMA table_info` rather than a version number, so it is a no-op on a new or current
    file, and done in one `BEGIN IMMEDIATE` transaction, so two processes opening an old file at
    once upgrade it once (the second sees the columns when it gets the lock).
    """
    await connection.execute("BEGIN IMMEDIATE")
    try:
        existing = {row[1] for row in await connection.execute_fetchall("PRAGMA table_info(markets)")}
        missing = [column for column in MARKET_QUERY_COLUMNS if column not in existing]
        if existing and missing:
            for column in missing:  # constant names from MARKET_QUERY_COLUMNS, never input
                await connection.execute(f"ALTER TABLE markets ADD COLUMN {column} TEXT")
            await fill_market_query_columns(connection)
        await connection.execute("COMMIT")
    except BaseException:
        await connection.execute("ROLLBACK")
        raise


SCHEMA_NAMES = tuple(re.findall(r"CREATE (?:VIRTUAL TABLE|TABLE|INDEX) IF NOT EXISTS (\w+)", SCHEMA))
"""The tables and indexes `SCHEMA` creates, in order."""


async def schema_names(connection: aiosqlite.Connection) -> list[str]:
    """The schema's tables and indexes the file has, in creation order (not SQLite's nor the R-tree's own)."""
    rows = await connection.execute_fetchall(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'index') "
        "AND name IN (SELECT value FROM json_each(?)) ORDER BY rowid",
        (json_list(SCHEMA_NAMES),),
    )
    return [str(row[0]) for row in rows]


async def build_read_models(connection: aiosqlite.Connection) -> list[str]:
    """Build the read models of campaigns written before them (or by an older process), in one transaction.

    The event mapping of every campaign without one; the search index and the total, when the total's
    row is missing (its triggers did nothing before it existed; both are filled in the transaction that
    adds it, so the row says both are whole). A no-op, reporting nothing, once built: `db init` stays
    idempotent.
    """
    await connection.execute("BEGIN IMMEDIATE")
    try:
        built = []
        if mapped := await map_unmapped_campaigns(connection):
            built.append(f"event_map ({mapped} campaigns)")
        if indexed := await index_unsearchable_campaigns(connection):
            built.append(f"campaigns_search ({indexed} campaigns)")
        await connection.execute("COMMIT")
    except BaseException:
        await connection.execute("ROLLBACK")
        raise
    return built
