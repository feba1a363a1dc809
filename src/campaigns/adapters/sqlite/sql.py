"""What every SQLite module of the store shares: instants as sortable text, lists as one parameter, writes.

Also the unique indexes that stand for a business rule, and the domain error each one's violation is.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

import aiosqlite
import msgspec

from campaigns.domain.errors import CampaignError, DomainAlreadyClaimed, MarketNameTaken, PromoterNameTaken

T = TypeVar("T")

_INTEGRITY_TO_ERROR: dict[str, Callable[[], CampaignError]] = {
    "campaigns.domain_site": DomainAlreadyClaimed,
    "markets.campaign_id, markets.name": MarketNameTaken,
    "promoters.name": PromoterNameTaken,
}
"""Unique indexes that stand for a business rule, keyed by the columns SQLite names when one is violated."""


def iso(instant: dt.datetime) -> str:
    """Fixed-width ISO-8601 UTC, so text order is time order in comparisons and indexes."""
    return instant.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def iso_or_null(instant: dt.datetime | None) -> str | None:
    return iso(instant) if instant is not None else None


def json_list(values: Iterable[str] | Iterable[int]) -> bytes:
    """A JSON array for `json_each(?)`: any number of values as one parameter."""
    return msgspec.json.encode(sorted(values))


async def execute_write(db: aiosqlite.Connection, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
    """Run one write statement; returns how many rows it changed."""
    async with db.execute(sql, params) as cursor:
        return cursor.rowcount


@contextlib.contextmanager
def constraint_errors() -> Iterator[None]:
    """Raise the domain error a violated unique index stands for; other integrity errors are bugs."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        error = _INTEGRITY_TO_ERROR.get(str(exc).removeprefix("UNIQUE constraint failed: "))
        if error is None:
            raise
        raise error() from exc


class Documents(Generic[T]):
    """What every repository of whole documents does on its connection: decode the documents a query selects."""

    _decoder: msgspec.json.Decoder[T]

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection

    async def _documents(self, sql: str, params: Sequence[Any]) -> list[T]:
        """The documents in the first column of the rows `sql` selects, in their order."""
        return [self._decoder.decode(row[0]) for row in await self._db.execute_fetchall(sql, params)]

    async def _document(self, sql: str, params: Sequence[Any]) -> T | None:
        found = await self._documents(sql, params)
        return found[0] if found else None
