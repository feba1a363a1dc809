"""Campaign ids by category id."""

from __future__ import annotations

from collections.abc import Sequence

from campaigns.application.ports import UnitOfWorkFactory


class FindCampaignIdsByCategory:
    """Ids of campaigns whose `categoryId` is one of the given ones."""

    def __init__(self, *, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, category_ids: Sequence[str]) -> list[str]:
        if not category_ids:
            return []
        async with self._uow() as uow:
            return await uow.campaigns.ids_with_categories(category_ids)
