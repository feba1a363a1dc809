"""The market repository over SQLite: each market's document beside the columns of the presale and reminder queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import aiosqlite
import msgspec

from campaigns.adapters.sqlite.sql import Documents, constraint_errors, execute_write, iso, iso_or_null, json_list
from campaigns.application.ports.store import MarketRepository
from campaigns.domain.market import Market

_MARKET = msgspec.json.Decoder(Market)


_MARKET_COLUMNS = ("id", "campaign_id", "name", "presale_at", "notification_date", "notified_at", "document")
MARKET_QUERY_COLUMNS = _MARKET_COLUMNS[3:-1]
"""Columns added after the first release: `SqliteDatabase.open` adds them to older files."""
# The column names are constants, never input: the f-strings below cannot inject SQL.
_INSERT_MARKET = (
    f"INSERT INTO markets ({', '.join(_MARKET_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(':' + column for column in _MARKET_COLUMNS)})"
)
_UPDATE_MARKET = (
    f"UPDATE markets SET {', '.join(f'{column} = :{column}' for column in _MARKET_COLUMNS[1:])} "  # noqa: S608
    "WHERE id = :id"
)


def _market_row(market: Market) -> dict[str, Any]:
    notification = market.notification
    return {
        "id": market.id,
        "campaign_id": market.campaign_id,
        "name": market.name,
        "presale_at": iso_or_null(market.presale_at),
        "notification_date": iso_or_null(notification.date if notification else None),
        "notified_at": iso_or_null(notification.notified if notification else None),
        "document": msgspec.json.encode(market),
    }


async def fill_market_query_columns(db: aiosqlite.Connection) -> None:
    """Derive the query columns of every stored market from its document (a file from an older version)."""
    rows = await db.execute_fetchall("SELECT document FROM markets")
    await db.executemany(_UPDATE_MARKET, [_market_row(_MARKET.decode(row[0])) for row in rows])


class SqliteMarketRepository(Documents[Market], MarketRepository):
    _decoder = _MARKET

    async def get(self, market_id: str) -> Market | None:
        return await self._document("SELECT document FROM markets WHERE id = ?", (market_id,))

    async def list_for_campaign(self, campaign_id: str) -> list[Market]:
        return await self._documents("SELECT document FROM markets WHERE campaign_id = ? ORDER BY id", (campaign_id,))

    async def list_for_campaigns(self, campaign_ids: Sequence[str]) -> list[Market]:
        return await self._documents(
            "SELECT document FROM markets WHERE campaign_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY campaign_id, id",
            (json_list(campaign_ids),),
        )

    async def add(self, market: Market) -> None:
        with constraint_errors():
            await execute_write(self._db, _INSERT_MARKET, _market_row(market))

    async def update(self, market: Market) -> None:
        with constraint_errors():
            await execute_write(self._db, _UPDATE_MARKET, _market_row(market))

    async def get_many(self, market_ids: Sequence[str]) -> list[Market]:
        return await self._documents(
            "SELECT document FROM markets WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (json_list(frozenset(market_ids)),),
        )

    async def presales_between(self, start: dt.datetime, end: dt.datetime) -> list[Market]:
        return await self._documents(
            "SELECT document FROM markets WHERE presale_at BETWEEN ? AND ? ORDER BY presale_at, id",
            (iso(start), iso(end)),
        )

    async def notifiable(self, now: dt.datetime) -> list[Market]:
        return await self._documents(
            "SELECT document FROM markets WHERE notification_date <= ? AND notified_at IS NULL "
            "ORDER BY notification_date, id",
            (iso(now),),
        )

    async def delete(self, market_id: str) -> None:
        await execute_write(self._db, "DELETE FROM markets WHERE id = ?", (market_id,))
