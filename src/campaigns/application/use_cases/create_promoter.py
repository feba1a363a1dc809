"""Create a promoter."""

from __future__ import annotations

from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.ports.system import Clock, IdFactory
from campaigns.application.transactions import reruns_aborted_transactions
from campaigns.domain.permissions import Principal
from campaigns.domain.promoter import Promoter
from campaigns.domain.promoter_writes import PromoterInput, create_promoter


class CreatePromoter:
    """Create a promoter.

    - Supreme users only.
    - `name` is required; `privacyUrls` holds http(s) URLs for distinct locale ids (`xx` or
      `xx-XX`), exactly one of them the default. Everything is checked before anything is written.
    - The service gives the id and `date.created` / `date.updated`; echoed `id` and `date` are ignored.
    - Names are unique, against concurrent creates too (409 PROMOTER_NAME_EXISTS).
    - The promoter and its `promoter.created` event are committed together.
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, ids: IdFactory) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids

    @reruns_aborted_transactions
    async def execute(self, principal: Principal, command: PromoterInput) -> Promoter:
        principal.ensure_supreme()
        created = create_promoter(command, promoter_id=self._ids.new_id(), now=self._clock.now())
        async with self._uow() as uow:
            await uow.promoters.add(created.document)
            uow.outbox.append(created.events)
            await uow.commit()
        return created.document
