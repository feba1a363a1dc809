"""Delete a promoter."""

from __future__ import annotations

from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.ports.system import Clock
from campaigns.application.transactions import reruns_aborted_transactions
from campaigns.application.use_cases._promoter_writes import load_promoter
from campaigns.domain.events import PromoterDeleted
from campaigns.domain.permissions import Principal


class DeletePromoter:
    """Delete a promoter.

    - Supreme users only; an id that names no promoter (a malformed one too) is 404 PROMOTER_NOT_FOUND.
    - The deletion and its `promoter.deleted` event (with the last name) are committed together.
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    @reruns_aborted_transactions
    async def execute(self, principal: Principal, promoter_id: str) -> None:
        principal.ensure_supreme()
        async with self._uow() as uow:
            promoter = await load_promoter(uow, promoter_id)
            await uow.promoters.delete(promoter.id)
            uow.outbox.append(
                [PromoterDeleted(occurred_at=self._clock.now(), promoter_id=promoter.id, name=promoter.name)]
            )
            await uow.commit()
