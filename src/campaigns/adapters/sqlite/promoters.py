"""The promoter repository over SQLite: a promoter's document, and its name under a unique index (the name rule)."""

from __future__ import annotations

import msgspec

from campaigns.adapters.sqlite.sql import Documents, constraint_errors, execute_write
from campaigns.application.ports.store import PromoterRepository
from campaigns.domain.promoter import Promoter


class SqlitePromoterRepository(Documents[Promoter], PromoterRepository):
    _decoder = msgspec.json.Decoder(Promoter)

    async def get(self, promoter_id: str) -> Promoter | None:
        return await self._document("SELECT document FROM promoters WHERE id = ?", (promoter_id,))

    async def list_all(self) -> list[Promoter]:
        return await self._documents("SELECT document FROM promoters ORDER BY name, id", ())

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
