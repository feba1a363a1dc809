"""Repositories over the embedded SQLite store, bound to the connection of one unit of work.

Each document is stored whole (msgspec JSON) next to the columns queries filter and sort on; the
columns are derived from the document on every write, so they cannot drift from it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import aiosqlite
import msgspec

from campaigns.application.errors import ConcurrentUpdate, DependencyUnavailable
from campaigns.application.ports.store import (
    CampaignRepository,
    ContactRepository,
    EventMapRepository,
    EventStatusRepository,
    MarketRepository,
    PromoterRepository,
)
from campaigns.application.queries import CampaignPage, CampaignQuery, CampaignSort, GuardedUpdate, SortDirection
from campaigns.domain.campaign import Campaign
from campaigns.domain.contact import Contact
from campaigns.domain.errors import CampaignError, DomainAlreadyClaimed, MarketNameTaken, PromoterNameTaken
from campaigns.domain.event_mapping import EventMapping, event_mappings
from campaigns.domain.event_status import EventStatus
from campaigns.domain.lifecycle import next_transition_at
from campaigns.domain.market import Market
from campaigns.domain.promoter import Promoter

_CAMPAIGN = msgspec.json.Decoder(Campaign)
_MARKET = msgspec.json.Decoder(Market)
_PROMOTER = msgspec.json.Decoder(Promoter)
_CONTACT = msgspec.json.Decoder(Contact)
_EVENT_STATUS = msgspec.json.Decoder(EventStatus)

_INTEGRITY_TO_ERROR: dict[str, Callable[[], CampaignError]] = {
    "campaigns.domain_site": DomainAlreadyClaimed,
    "markets.campaign_id, markets.name": MarketNameTaken,
    "promoters.name": PromoterNameTaken,
}
"""Unique indexes that stand for a business rule, keyed by the columns SQLite names when one is violated."""

_SEARCH_SEPARATOR = "\x1f"
"""Joins the searchable fields, so a search term never matches across two of them."""


def iso(instant: dt.datetime) -> str:
    """Fixed-width ISO-8601 UTC, so text order is time order in comparisons and indexes."""
    return instant.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _iso_or_null(instant: dt.datetime | None) -> str | None:
    return iso(instant) if instant is not None else None


def _search_text(*fields: str | None) -> str:
    return _SEARCH_SEPARATOR.join(field.lower() for field in fields if field)


def json_list(values: Iterable[str] | Iterable[int]) -> bytes:
    """A JSON array for `json_each(?)`: any number of values as one parameter."""
    return msgspec.json.encode(sorted(values))


async def _execute(db: aiosqlite.Connection, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
    """Run one write statement; returns how many rows it changed."""
    async with db.execute(sql, params) as cursor:
        return cursor.rowcount


@contextlib.contextmanager
def _constraint_errors() -> Iterator[None]:
    """Raise the domain error a violated unique index stands for; other integrity errors are bugs."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        error = _INTEGRITY_TO_ERROR.get(str(exc).removeprefix("UNIQUE constraint failed: "))
        if error is None:
            raise
        raise error() from exc


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


def _campaign_row(campaign: Campaign) -> dict[str, Any]:
    artist, dates = campaign.artist, campaign.date
    return {
        "id": campaign.id,
        "domain_site": campaign.site,
        "status": campaign.status.value,
        "version": campaign.version,
        "next_transition_at": _iso_or_null(next_transition_at(campaign)),
        "type": campaign.type.value,
        "schema_version": campaign.schema.version,
        "artist_id": artist.id if artist else None,
        "name": campaign.name,
        "search_text": _search_text(campaign.name, campaign.identifier, artist.name if artist else None),
        "created_at": _iso_or_null(dates.created),
        "updated_at": _iso_or_null(dates.updated),
        "open_at": _iso_or_null(dates.opens_at),
        "close_at": _iso_or_null(dates.closes_at),
        "presale_start": _iso_or_null(dates.presaleWindowStart),
        "presale_end": _iso_or_null(dates.presaleWindowEnd),
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
    for column, value in (
        ("type", query.type),
        ("schema_version", query.schema_version),
        ("artist_id", query.artist_id),
        ("status", query.status),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(str(value))
    if query.readable_ids is not None:
        clauses.append("id IN (SELECT value FROM json_each(?))")
        params.append(json_list(query.readable_ids))
    return " AND ".join(clauses) or "1", params


class SqliteCampaignRepository(CampaignRepository):
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection

    async def _campaigns(self, sql: str, params: Sequence[Any]) -> list[Campaign]:
        return [_CAMPAIGN.decode(row[0]) for row in await self._db.execute_fetchall(sql, params)]

    async def get(self, campaign_id: str) -> Campaign | None:
        found = await self._campaigns("SELECT document FROM campaigns WHERE id = ?", (campaign_id,))
        return found[0] if found else None

    async def get_by_site(self, site: str) -> Campaign | None:
        found = await self._campaigns("SELECT document FROM campaigns WHERE domain_site = ?", (site,))
        return found[0] if found else None

    async def add(self, campaign: Campaign) -> None:
        with _constraint_errors():
            await _execute(self._db, _INSERT_CAMPAIGN, _campaign_row(campaign))

    async def update(self, campaign: Campaign) -> None:
        with _constraint_errors():
            changed = await _execute(
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
        with _constraint_errors():
            for columns, batch in batches.items():
                await self._db.executemany(_update_columns(columns), batch)
        return {campaign.id for campaign in applied}

    async def find_due(self, now: dt.datetime, *, after: tuple[dt.datetime, str] | None, limit: int) -> list[Campaign]:
        # '' sorts before every instant and id, so the first page needs no separate query.
        after_at, after_id = (iso(after[0]), after[1]) if after else ("", "")
        return await self._campaigns(
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
        campaigns = await self._campaigns(
            f"SELECT document FROM campaigns WHERE rowid IN "  # noqa: S608
            f"(SELECT rowid FROM campaigns WHERE {where} {order} LIMIT ? OFFSET ?) {order}",
            [*params, query.page_size, query.page * query.page_size],
        )
        return CampaignPage(campaigns=campaigns, total=next(iter(rows))[0])

    async def get_many(self, campaign_ids: Sequence[str]) -> list[Campaign]:
        return await self._campaigns(
            "SELECT document FROM campaigns WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (json_list(frozenset(campaign_ids)),),
        )

    async def ping(self) -> None:
        try:
            await self._db.execute_fetchall("SELECT 1")
        except (sqlite3.Error, ValueError) as exc:  # aiosqlite raises ValueError once the connection is closed
            raise DependencyUnavailable("The SQLite store cannot answer.") from exc


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
        "presale_at": _iso_or_null(market.presale_at),
        "notification_date": _iso_or_null(notification.date if notification else None),
        "notified_at": _iso_or_null(notification.notified if notification else None),
        "document": msgspec.json.encode(market),
    }


async def fill_market_query_columns(db: aiosqlite.Connection) -> None:
    """Derive the query columns of every stored market from its document (a file from an older version)."""
    rows = await db.execute_fetchall("SELECT document FROM markets")
    await db.executemany(_UPDATE_MARKET, [_market_row(_MARKET.decode(row[0])) for row in rows])


class SqliteMarketRepository(MarketRepository):
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection

    async def _markets(self, sql: str, params: Sequence[Any]) -> list[Market]:
        return [_MARKET.decode(row[0]) for row in await self._db.execute_fetchall(sql, params)]

    async def get(self, market_id: str) -> Market | None:
        found = await self._markets("SELECT document FROM markets WHERE id = ?", (market_id,))
        return found[0] if found else None

    async def list_for_campaign(self, campaign_id: str) -> list[Market]:
        return await self._markets("SELECT document FROM markets WHERE campaign_id = ? ORDER BY id", (campaign_id,))

    async def list_for_campaigns(self, campaign_ids: Sequence[str]) -> list[Market]:
        return await self._markets(
            "SELECT document FROM markets WHERE campaign_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY campaign_id, id",
            (json_list(campaign_ids),),
        )

    async def add(self, market: Market) -> None:
        with _constraint_errors():
            await _execute(self._db, _INSERT_MARKET, _market_row(market))

    async def update(self, market: Market) -> None:
        with _constraint_errors():
            await _execute(self._db, _UPDATE_MARKET, _market_row(market))

    async def get_many(self, market_ids: Sequence[str]) -> list[Market]:
        return await self._markets(
            "SELECT document FROM markets WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (json_list(frozenset(market_ids)),),
        )

    async def presales_between(self, start: dt.datetime, end: dt.datetime) -> list[Market]:
        return await self._markets(
            "SELECT document FROM markets WHERE presale_at BETWEEN ? AND ? ORDER BY presale_at, id",
            (iso(start), iso(end)),
        )

    async def notifiable(self, now: dt.datetime) -> list[Market]:
        return await self._markets(
            "SELECT document FROM markets WHERE notification_date <= ? AND notified_at IS NULL "
            "ORDER BY notification_date, id",
            (iso(now),),
        )

    async def delete(self, market_id: str) -> None:
        await _execute(self._db, "DELETE FROM markets WHERE id = ?", (market_id,))


class SqlitePromoterRepository(PromoterRepository):
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection

    async def _promoters(self, sql: str, params: Sequence[Any]) -> list[Promoter]:
        return [_PROMOTER.decode(row[0]) for row in await self._db.execute_fetchall(sql, params)]

    async def get(self, promoter_id: str) -> Promoter | None:
        found = await self._promoters("SELECT document FROM promoters WHERE id = ?", (promoter_id,))
        return found[0] if found else None

    async def list_all(self) -> list[Promoter]:
        return await self._promoters("SELECT document FROM promoters ORDER BY name, id", ())

    async def add(self, promoter: Promoter) -> None:
        with _constraint_errors():
            await _execute(
                self._db,
                "INSERT INTO promoters (id, name, document) VALUES (?, ?, ?)",
                (promoter.id, promoter.name, msgspec.json.encode(promoter)),
            )

    async def update(self, promoter: Promoter) -> None:
        with _constraint_errors():
            await _execute(
                self._db,
                "UPDATE promoters SET name = ?, document = ? WHERE id = ?",
                (promoter.name, msgspec.json.encode(promoter), promoter.id),
            )

    async def delete(self, promoter_id: str) -> None:
        await _execute(self._db, "DELETE FROM promoters WHERE id = ?", (promoter_id,))


class SqliteContactRepository(ContactRepository):
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection

    async def get(self, contact_id: str) -> Contact | None:
        rows = list(await self._db.execute_fetchall("SELECT document FROM contacts WHERE id = ?", (contact_id,)))
        return _CONTACT.decode(rows[0][0]) if rows else None

    async def search(self, text: str | None, *, page: int, page_size: int) -> tuple[list[Contact], int]:
        where, params = ("instr(search_text, ?) > 0", [text.lower()]) if text else ("1", [])
        # Only one of two fixed conditions is formatted in; the search text is a parameter.
        total = await self._db.execute_fetchall(f"SELECT count(*) FROM contacts WHERE {where}", params)  # noqa: S608
        rows = await self._db.execute_fetchall(
            f"SELECT document FROM contacts WHERE {where} ORDER BY name, id LIMIT ? OFFSET ?",  # noqa: S608
            [*params, page_size, page * page_size],
        )
        return [_CONTACT.decode(row[0]) for row in rows], next(iter(total))[0]

    async def find_by_email(self, email: str) -> Contact | None:
        rows = list(
            await self._db.execute_fetchall(
                "SELECT c.document FROM contact_emails AS e JOIN contacts AS c ON c.id = e.contact_id "
                "WHERE e.email = ? ORDER BY c.id LIMIT 1",
                (email.lower(),),
            )
        )
        return _CONTACT.decode(rows[0][0]) if rows else None

    async def upsert(self, contact: Contact) -> None:
        await _execute(
            self._db,
            "INSERT INTO contacts (id, name, search_text, document) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, search_text = excluded.search_text, "
            "document = excluded.document",
            (
                contact.id,
                contact.name,
                _search_text(contact.name, contact.email, *contact.keyword),
                msgspec.json.encode(contact),
            ),
        )
        # The lookup by email lives in a table of its own, derived from the document as `search_text` is.
        await _execute(self._db, "DELETE FROM contact_emails WHERE contact_id = ?", (contact.id,))
        await _execute(
            self._db,
            "INSERT INTO contact_emails (email, contact_id) VALUES (?, ?)",
            (contact.email.lower(), contact.id),
        )


class SqliteEventStatusRepository(EventStatusRepository):
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection

    async def find(self, status: str | None, until: dt.datetime | None) -> list[EventStatus]:
        # Only the filters given become conditions, so the planner can use the (status, end_at) index.
        filters = {"status = ?": status, "end_at <= ?": _iso_or_null(until)}
        where = " AND ".join(clause for clause, value in filters.items() if value is not None) or "1"
        rows = await self._db.execute_fetchall(
            f"SELECT document FROM event_statuses WHERE {where} ORDER BY id",  # noqa: S608 - fixed clauses only
            [value for value in filters.values() if value is not None],
        )
        return [_EVENT_STATUS.decode(row[0]) for row in rows]

    async def upsert(self, record: EventStatus) -> None:
        await _execute(
            self._db,
            "INSERT INTO event_statuses (id, status, end_at, document) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET status = excluded.status, end_at = excluded.end_at, "
            "document = excluded.document",
            (record.id, record.status, _iso_or_null(record.date.end), msgspec.json.encode(record)),
        )


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
                (m.campaign_id, m.listed_for_events, _iso_or_null(m.presale_start), _iso_or_null(m.presale_end))
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
            await _execute(
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
