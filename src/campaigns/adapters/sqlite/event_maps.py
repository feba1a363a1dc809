"""The event-mapping read model over SQLite: campaigns by event id, by category id and by presale window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import aiosqlite
import msgspec

from campaigns.adapters.sqlite.markets import SqliteMarketRepository
from campaigns.adapters.sqlite.sql import execute_write, iso, iso_or_null, json_list
from campaigns.application.ports.store import EventMapRepository
from campaigns.domain.campaign import Campaign
from campaigns.domain.event_mapping import EventMapping, event_mappings

_CAMPAIGN = msgspec.json.Decoder(Campaign)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MINUTE = dt.timedelta(minutes=1)
_INT32 = (-(2**31), 2**31 - 1)


def _window_minute(instant: dt.datetime, *, round_up: bool = False) -> int:
    """An instant in whole minutes since the epoch, for the `rtree_i32` of presale windows.

    Stored starts round down and stored ends up, queries round down, and out-of-range values are
    clamped (a monotonic map), so the R-tree finds a superset of the overlapping windows; the exact
    comparison on the ISO columns then decides.
    """
    minutes, rest = divmod(instant - _EPOCH, _MINUTE)
    return min(max(minutes + (1 if round_up and rest else 0), _INT32[0]), _INT32[1])


class SqliteEventMapRepository(EventMapRepository):
    """The event-mapping read model: a row per campaign, its event and category ids, and an R-tree of windows.

    A presale window is an interval, which a B-tree on either bound cannot find without reading every
    campaign on one side of the range; the R-tree finds the overlapping ones in O(log n + answer).
    """

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection

    async def put(self, mappings: Sequence[EventMapping]) -> None:
        if not mappings:
            return
        await self._db.executemany(
            "INSERT INTO event_map (campaign_id, listed, presale_start, presale_end) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (campaign_id) DO UPDATE SET listed = excluded.listed, "
            "presale_start = excluded.presale_start, presale_end = excluded.presale_end",
            [
                (m.campaign_id, m.listed_for_events, iso_or_null(m.presale_start), iso_or_null(m.presale_end))
                for m in mappings
            ],
        )
        campaign_ids = json_list(mapping.campaign_id for mapping in mappings)
        rows = await self._db.execute_fetchall(
            "SELECT campaign_id, id FROM event_map WHERE campaign_id IN (SELECT value FROM json_each(?))",
            (campaign_ids,),
        )
        keys: dict[str, int] = {campaign_id: key for campaign_id, key in rows}
        # One statement per row: the R-tree finds a row by its id only under `id = ?`.
        await self._db.executemany("DELETE FROM event_map_windows WHERE id = ?", [(key,) for key in keys.values()])
        await self._db.executemany(
            "INSERT INTO event_map_windows (id, start_minute, end_minute) VALUES (?, ?, ?)",
            [
                (keys[m.campaign_id], _window_minute(m.presale_start), _window_minute(m.presale_end, round_up=True))
                for m in mappings
                if m.presale_start is not None and m.presale_end is not None
            ],
        )
        links = {
            ("event_map_events", "event_id"): [(i, m.campaign_id) for m in mappings for i in m.event_ids],
            ("event_map_categories", "category_id"): [(i, m.campaign_id) for m in mappings for i in m.category_ids],
        }
        for (table, column), pairs in links.items():  # constant names, never input
            await execute_write(
                self._db,
                f"DELETE FROM {table} WHERE campaign_id IN (SELECT value FROM json_each(?))",  # noqa: S608
                (campaign_ids,),
            )
            await self._db.executemany(f"INSERT INTO {table} ({column}, campaign_id) VALUES (?, ?)", pairs)  # noqa: S608

    async def _strings(self, sql: str, params: Sequence[Any]) -> list[str]:
        return [str(row[0]) for row in await self._db.execute_fetchall(sql, params)]

    async def campaign_ids_for_event(self, event_id: str) -> list[str]:
        return await self._strings(
            "SELECT e.campaign_id FROM event_map_events AS e JOIN event_map AS m ON m.campaign_id = e.campaign_id "
            "WHERE e.event_id = ? AND m.listed ORDER BY e.campaign_id",
            (event_id,),
        )

    async def _ids_in_window(self, table: str, column: str, start: dt.datetime, end: dt.datetime) -> list[str]:
        return await self._strings(
            f"SELECT DISTINCT i.{column} FROM event_map_windows AS w "  # noqa: S608 - constant names only
            f"JOIN event_map AS m ON m.id = w.id JOIN {table} AS i ON i.campaign_id = m.campaign_id "
            "WHERE w.start_minute <= ? AND w.end_minute >= ? AND m.presale_start <= ? AND m.presale_end >= ? "
            f"ORDER BY i.{column}",
            (_window_minute(end), _window_minute(start), iso(end), iso(start)),
        )

    async def event_ids_in_window(self, start: dt.datetime, end: dt.datetime) -> list[str]:
        return await self._ids_in_window("event_map_events", "event_id", start, end)

    async def category_ids_in_window(self, start: dt.datetime, end: dt.datetime) -> list[str]:
        return await self._ids_in_window("event_map_categories", "category_id", start, end)

    async def campaign_ids_with_categories(self, category_ids: Sequence[str]) -> list[str]:
        return await self._strings(
            "SELECT DISTINCT campaign_id FROM event_map_categories "
            "WHERE category_id IN (SELECT value FROM json_each(?)) ORDER BY campaign_id",
            (json_list(frozenset(category_ids)),),
        )


async def map_unmapped_campaigns(db: aiosqlite.Connection) -> int:
    """Give every campaign the event-mapping read model lacks its mapping (a file from an older version); how many."""
    rows = await db.execute_fetchall(
        "SELECT document FROM campaigns WHERE id NOT IN (SELECT campaign_id FROM event_map) ORDER BY id"
    )
    campaigns = [_CAMPAIGN.decode(row[0]) for row in rows]
    if not campaigns:
        return 0
    markets = await SqliteMarketRepository(db).list_for_campaigns([campaign.id for campaign in campaigns])
    await SqliteEventMapRepository(db).put(event_mappings(campaigns, markets))
    return len(campaigns)
