"""The campaign repository over SQLite: each campaign's document beside the columns its queries filter and sort on.

The columns are derived from the document on every write, so they cannot drift from it; the list's
search and total are read models kept by triggers (see `schema.SCHEMA`).
"""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite
import msgspec

from campaigns.adapters.sqlite.sql import Documents, constraint_errors, execute_write, iso, iso_or_null, json_list
from campaigns.application.errors import ConcurrentUpdate, DependencyUnavailable
from campaigns.application.ports.store import CampaignRepository
from campaigns.application.queries import (
    CampaignFilter,
    CampaignPage,
    CampaignQuery,
    CampaignSort,
    GuardedUpdate,
    SortDirection,
)
from campaigns.application.search_text import campaign_search_text
from campaigns.domain.campaign import Campaign
from campaigns.domain.lifecycle import next_transition_at

_CAMPAIGN = msgspec.json.Decoder(Campaign)


_CAMPAIGN_COLUMNS = (
    "id",
    "domain_site",
    "status",
    "version",
    "next_transition_at",
    "type",
    "schema_version",
    "artist_id",
    "name",
    "search_text",
    "created_at",
    "updated_at",
    "open_at",
    "close_at",
    "presale_start",
    "presale_end",
    "category_id",
    "document",
)
# The column names are constants, never input: the f-strings below cannot inject SQL.
_INSERT_CAMPAIGN = (
    f"INSERT INTO campaigns ({', '.join(_CAMPAIGN_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(':' + column for column in _CAMPAIGN_COLUMNS)})"
)
_UPDATE_CAMPAIGN = (
    f"UPDATE campaigns SET {', '.join(f'{column} = :{column}' for column in _CAMPAIGN_COLUMNS[1:])} "  # noqa: S608
    "WHERE id = :id AND version = :stored_version"
)
_QUERY_COLUMNS = _CAMPAIGN_COLUMNS[:-1]
"""Every column but the document (which always changes with the version)."""


@functools.cache
def _update_columns(columns: tuple[str, ...]) -> str:
    """The compare-and-set UPDATE of these columns only (constant names from `_CAMPAIGN_COLUMNS`)."""
    assignments = ", ".join(f"{column} = :{column}" for column in columns)
    return f"UPDATE campaigns SET {assignments} WHERE id = :id AND version = :stored_version"  # noqa: S608


_SORT_COLUMNS = {
    CampaignSort.CREATED: "created_at",
    CampaignSort.UPDATED: "updated_at",
    CampaignSort.NAME: "name",
    CampaignSort.STATUS: "status",
    CampaignSort.OPEN: "open_at",
    CampaignSort.CLOSE: "close_at",
}
_FILTER_COLUMNS = {
    CampaignFilter.TYPE: "type",
    CampaignFilter.SCHEMA_VERSION: "schema_version",
    CampaignFilter.ARTIST: "artist_id",
    CampaignFilter.STATUS: "status",
}


def _campaign_row(campaign: Campaign) -> dict[str, Any]:
    artist, dates = campaign.artist, campaign.date
    return {
        "id": campaign.id,
        "domain_site": campaign.site,
        "status": campaign.status.value,
        "version": campaign.version,
        "next_transition_at": iso_or_null(next_transition_at(campaign)),
        "type": campaign.type.value,
        "schema_version": campaign.schema.version,
        "artist_id": artist.id if artist else None,
        "name": campaign.name,
        "search_text": campaign_search_text(campaign),
        "created_at": iso_or_null(dates.created),
        "updated_at": iso_or_null(dates.updated),
        "open_at": iso_or_null(dates.opens_at),
        "close_at": iso_or_null(dates.closes_at),
        "presale_start": iso_or_null(dates.presaleWindowStart),
        "presale_end": iso_or_null(dates.presaleWindowEnd),
        "category_id": campaign.categoryId,
        "document": msgspec.json.encode(campaign),
    }


TRIGRAM = 3
"""The shortest text the trigram index can look up; a shorter one is matched by reading every campaign's text."""


def _campaign_filters(query: CampaignQuery) -> tuple[str, list[Any]]:
    """The WHERE clause of a list query, every value a parameter.

    A search text of three characters or more is looked up in the trigram index, then checked as the
    substring it must be (the index only narrows); a shorter one cannot be looked up there.
    """
    clauses: list[str] = []
    params: list[Any] = []
    if query.text:
        text = query.text.lower()
        if len(text) >= TRIGRAM:
            clauses.append("rowid IN (SELECT rowid FROM campaigns_search WHERE campaigns_search MATCH ?)")
            params.append('"' + text.replace('"', '""') + '"')
        clauses.append("instr(search_text, ?) > 0")
        params.append(text)
    for field, value in query.exact_filters().items():
        clauses.append(f"{_FILTER_COLUMNS[field]} = ?")
        params.append(value)
    if query.readable_ids is not None:
        clauses.append("id IN (SELECT value FROM json_each(?))")
        params.append(json_list(query.readable_ids))
    return " AND ".join(clauses) or "1", params


class SqliteCampaignRepository(Documents[Campaign], CampaignRepository):
    _decoder = _CAMPAIGN

    async def get(self, campaign_id: str) -> Campaign | None:
        return await self._document("SELECT document FROM campaigns WHERE id = ?", (campaign_id,))

    async def get_by_site(self, site: str) -> Campaign | None:
        return await self._document("SELECT document FROM campaigns WHERE domain_site = ?", (site,))

    async def add(self, campaign: Campaign) -> None:
        with constraint_errors():
            await execute_write(self._db, _INSERT_CAMPAIGN, _campaign_row(campaign))

    async def update(self, campaign: Campaign) -> None:
        with constraint_errors():
            changed = await execute_write(
                self._db, _UPDATE_CAMPAIGN, {**_campaign_row(campaign), "stored_version": campaign.version - 1}
            )
        if not changed:
            raise ConcurrentUpdate

    async def update_many(self, updates: Sequence[GuardedUpdate]) -> set[str]:
        """One read of the stored rows, then one batch of writes per set of changed columns.

        The unit of work holds the file's write lock (`BEGIN IMMEDIATE`), so what the read finds is
        what the writes meet; each write still names the version it replaces. Writing only the
        columns that changed leaves the indexes of the others untouched: a lifecycle transition
        rewrites the due index, not the presale, category, artist or creation ones, which keeps
        the pages a batch dirties (and so its commit) proportional to the campaigns written.
        """
        if not updates:
            return set()
        rows = await self._db.execute_fetchall(
            f"SELECT {', '.join(_QUERY_COLUMNS)} FROM campaigns "  # noqa: S608 - constant column names
            "WHERE id IN (SELECT value FROM json_each(?))",
            (json_list([update.campaign.id for update in updates]),),
        )
        stored = {row[0]: dict(zip(_QUERY_COLUMNS, row, strict=True)) for row in rows}
        batches: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        applied: list[Campaign] = []
        for update in updates:
            campaign, current = update.campaign, stored.get(update.campaign.id)
            if current is None or (current["version"], current["status"]) != (
                campaign.version - 1,
                update.expected_status.value,
            ):
                continue
            row = _campaign_row(campaign)
            changed = tuple(column for column in _CAMPAIGN_COLUMNS[1:] if row[column] != current.get(column))
            batches.setdefault(changed, []).append({**row, "stored_version": campaign.version - 1})
            applied.append(campaign)
        with constraint_errors():
            for columns, batch in batches.items():
                await self._db.executemany(_update_columns(columns), batch)
        return {campaign.id for campaign in applied}

    async def find_due(self, now: dt.datetime, *, after: tuple[dt.datetime, str] | None, limit: int) -> list[Campaign]:
        # '' sorts before every instant and id, so the first page needs no separate query.
        after_at, after_id = (iso(after[0]), after[1]) if after else ("", "")
        return await self._documents(
            "SELECT document FROM campaigns WHERE next_transition_at <= ? AND (next_transition_at, id) > (?, ?) "
            "ORDER BY next_transition_at, id LIMIT ?",
            (iso(now), after_at, after_id, limit),
        )

    async def search(self, query: CampaignQuery) -> CampaignPage:
        """One page in the order asked for, walking that order's index; the documents of that page only are read.

        The total is a count of the matches, or with no filter at all the total the triggers keep.
        """
        where, params = _campaign_filters(query)
        direction = "DESC" if query.direction is SortDirection.DESC else "ASC"
        order = f"ORDER BY {_SORT_COLUMNS[query.sort_by]} {direction}, id {direction}"
        # Only fixed column names and keywords are formatted in; every value is a parameter.
        counted = f"SELECT count(*) FROM campaigns WHERE {where}" if params else "SELECT total FROM campaign_total"  # noqa: S608
        rows = await self._db.execute_fetchall(counted, params)
        campaigns = await self._documents(
            f"SELECT document FROM campaigns WHERE rowid IN "  # noqa: S608
            f"(SELECT rowid FROM campaigns WHERE {where} {order} LIMIT ? OFFSET ?) {order}",
            [*params, query.page_size, query.page * query.page_size],
        )
        return CampaignPage(campaigns=campaigns, total=next(iter(rows))[0])

    async def get_many(self, campaign_ids: Sequence[str]) -> list[Campaign]:
        return await self._documents(
            "SELECT document FROM campaigns WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (json_list(frozenset(campaign_ids)),),
        )

    async def ping(self) -> None:
        try:
            await self._db.execute_fetchall("SELECT 1")
        except (sqlite3.Error, ValueError) as exc:  # aiosqlite raises ValueError once the connection is closed
            raise DependencyUnavailable("The SQLite store cannot answer.") from exc


async def index_unsearchable_campaigns(db: aiosqlite.Connection) -> int:
    """Fill the search index and the total of a file from before them, once (their row marks them built); how many."""
    if await db.execute_fetchall("SELECT 1 FROM campaign_total"):
        return 0
    await db.execute(
        "INSERT INTO campaigns_search (rowid, search_text) SELECT rowid, search_text FROM campaigns "
        "WHERE rowid NOT IN (SELECT rowid FROM campaigns_search)"
    )
    await db.execute("INSERT INTO campaign_total (id, total) SELECT 1, count(*) FROM campaigns")
    rows = await db.execute_fetchall("SELECT total FROM campaign_total")
    return int(next(iter(rows))[0])
