"""What the promoter use cases share: supreme-only access, loading a promoter, building a valid one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from campaigns.application.errors import PromoterNotFound
from campaigns.application.ports.store import UnitOfWork
from campaigns.domain.documents import convert_document
from campaigns.domain.errors import InvalidPromoter
from campaigns.domain.locales import canonical_promoter_locales
from campaigns.domain.promoter import Promoter
from campaigns.domain.validation import ensure_valid_promoter

SERVICE_FIELDS = frozenset({"id", "date"})
"""Fields only the service writes; a client may echo them back from a read, and they are ignored."""


def client_fields(body: Mapping[str, Any]) -> dict[str, Any]:
    """The fields a client writes, its privacy URLs' locale ids in their one form (`xx-XX`)."""
    return canonical_promoter_locales({key: value for key, value in body.items() if key not in SERVICE_FIELDS})


async def load_promoter(uow: UnitOfWork, promoter_id: str) -> Promoter:
    """The stored promoter; any id that names none (malformed ones too) is PROMOTER_NOT_FOUND."""
    promoter = await uow.promoters.get(promoter_id)
    if promoter is None:
        raise PromoterNotFound
    return promoter


def build_promoter(document: Mapping[str, Any]) -> Promoter:
    """Type-check and validate a full promoter document; raises InvalidPromoter naming every failing field."""
    promoter = convert_document(document, Promoter, error=InvalidPromoter)
    ensure_valid_promoter(promoter)
    return promoter
