"""What the promoter use cases share: loading a promoter."""

from __future__ import annotations

from campaigns.application.errors import PromoterNotFound
from campaigns.application.ports.store import UnitOfWork
from campaigns.domain.promoter import Promoter


async def load_promoter(uow: UnitOfWork, promoter_id: str) -> Promoter:
    """The stored promoter; any id that names none (malformed ones too) is PROMOTER_NOT_FOUND."""
    promoter = await uow.promoters.get(promoter_id)
    if promoter is None:
        raise PromoterNotFound
    return promoter
