"""List promoters."""

from __future__ import annotations

from campaigns.application.ports.store import StoreReader
from campaigns.domain.permissions import Principal
from campaigns.domain.promoter import Promoter


class ListPromoters:
    """Every promoter, by name.

    - Supreme users only.
    """

    def __init__(self, *, reads: StoreReader) -> None:
        self._reads = reads

    async def execute(self, principal: Principal) -> list[Promoter]:
        principal.ensure_supreme()
        return await self._reads.promoters.list_all()
