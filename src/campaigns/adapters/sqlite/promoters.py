"""The promoter repository over SQLite: a promoter's document, and its name under a unique index (the name rule)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiosqlite
import msgspec

from campaigns.adapters.sqlite.sql import constraint_errors, execute_write
from campaigns.application.ports.store import PromoterRepository
from campaigns.domain.promoter import Promoter

_PROMOTER = msgspec.json.Decoder(Promoter)


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
        with constraint_errors():
            await execute_write(
                self._db,
                "INSERT INTO promoters (id, name, document) VALUES (?, ?, ?)",
                (promoter.id, promoter.name, msgspec.json.encode(promoter)),
            )

    async def update(self, promoter: Promoter) -> None:
        with constraint_errors():
            await execute_write(
                self._db,
                "UPDATE promoters SET name = ?, document = ? WHERE id = ?",
                (promoter.name, msgspec.json.encode(promoter), promoter.id),
            )

    async def delete(self, promoter_id: str) -> None:
        await execute_write(self._db, "DELETE FROM promoters WHERE id = ?", (promoter_id,))
