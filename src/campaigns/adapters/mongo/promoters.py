"""The promoter repository over MongoDB: a promoter's document, its name under a unique index (the name rule)."""

from __future__ import annotations

from pymongo import ASCENDING

from campaigns.adapters.mongo.collection import Documents, UniqueKey
from campaigns.adapters.mongo.documents import PROMOTERS, as_document, new_key
from campaigns.adapters.mongo.transactions import translate_driver_errors
from campaigns.application.ports.store import PromoterRepository
from campaigns.domain.errors import PromoterNameTaken
from campaigns.domain.promoter import Promoter

PROMOTER_NAME = UniqueKey(PROMOTERS, "name_unique", ("name",), PromoterNameTaken)


@translate_driver_errors
class MongoPromoterRepository(Documents[Promoter], PromoterRepository):
    _kind = Promoter

    async def get(self, promoter_id: str) -> Promoter | None:
        return await self._by_id(promoter_id)

    async def list_all(self) -> list[Promoter]:
        return await self._find({}, sort=[("name", ASCENDING), ("_id", ASCENDING)])

    async def add(self, promoter: Promoter) -> None:
        await self._collection.insert(as_document(new_key(promoter.id), promoter))

    async def update(self, promoter: Promoter) -> None:
        await self._collection.replace_if_present(as_document(new_key(promoter.id), promoter))

    async def delete(self, promoter_id: str) -> None:
        await self._delete(promoter_id)
