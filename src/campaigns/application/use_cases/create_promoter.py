"""Create a promoter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.ports.system import Clock, IdFactory
from campaigns.application.transactions import reruns_aborted_transactions
from campaigns.application.use_cases._promoter_writes import build_promoter, client_fields
from campaigns.domain.events import PromoterCreated
from campaigns.domain.permissions import Principal
from campaigns.domain.promoter import Promoter


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
    async def execute(self, principal: Principal, body: Mapping[str, Any]) -> Promoter:
        principal.ensure_supreme()
        now = self._clock.now()
        promoter = build_promoter(
            {**client_fields(body), "id": self._ids.new_id(), "date": {"created": now, "updated": now}}
        )
        async with self._uow() as uow:
            await uow.promoters.add(promoter)
            uow.outbox.append([PromoterCreated(occurred_at=now, promoter_id=promoter.id, name=promoter.name)])
            await uow.commit()
        return promoter
