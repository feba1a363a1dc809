"""Update a promoter."""

from __future__ import annotations

from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.ports.system import Clock
from campaigns.application.transactions import reruns_aborted_transactions
from campaigns.application.use_cases._promoter_writes import load_promoter
from campaigns.domain.permissions import Principal
from campaigns.domain.promoter import Promoter
from campaigns.domain.promoter_writes import PromoterInput, update_promoter


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
    async def execute(self, principal: Principal, promoter_id: str, patch: PromoterInput) -> Promoter:
        principal.ensure_supreme()
        async with self._uow() as uow:
            current = await load_promoter(uow, promoter_id)
            change = update_promoter(current, patch, now=self._clock.now())
            if not change.changed:
                return current
            await uow.promoters.update(change.document)
            uow.outbox.append(change.events)
            await uow.commit()
        return change.document
