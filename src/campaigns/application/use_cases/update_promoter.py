"""Update a promoter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.ports.system import Clock
from campaigns.application.transactions import reruns_aborted_transactions
from campaigns.application.use_cases._promoter_writes import build_promoter, client_fields, load_promoter
from campaigns.domain.documents import deep_merge
from campaigns.domain.events import PromoterUpdated
from campaigns.domain.permissions import Principal
from campaigns.domain.promoter import Promoter


class UpdatePromoter:
    """Apply a partial update to a promoter.

    - Supreme users only; an id that names no promoter (a malformed one too) is 404 PROMOTER_NOT_FOUND.
    - Objects merge deeply; arrays (`privacyUrls`) and scalars replace. Echoed `id` and `date` are ignored.
    - The merged promoter is validated in full, as on create; a new name must be free (409).
    - `date.updated` is stamped and `promoter.updated` emitted in the same commit.
    - An update that changes nothing writes nothing.
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    @reruns_aborted_transactions
    async def execute(self, principal: Principal, promoter_id: str, body: Mapping[str, Any]) -> Promoter:
        principal.ensure_supreme()
        async with self._uow() as uow:
            current = await load_promoter(uow, promoter_id)
            updated = build_promoter(deep_merge(msgspec.to_builtins(current), client_fields(body)))
            if updated == current:
                return current
            now = self._clock.now()
            updated = msgspec.structs.replace(updated, date=msgspec.structs.replace(updated.date, updated=now))
            await uow.promoters.update(updated)
            uow.outbox.append([PromoterUpdated(occurred_at=now, promoter_id=updated.id, name=updated.name)])
            await uow.commit()
        return updated
