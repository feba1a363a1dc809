"""Set a campaign's terms in one locale."""

from __future__ import annotations

from campaigns.application.ports.caches import CampaignCache
from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.ports.system import Clock, IdFactory
from campaigns.application.read_models import TermsView, terms_view
from campaigns.application.use_cases._campaign_writes import CampaignWrites
from campaigns.domain.campaign_writes import terms_patch
from campaigns.domain.locale_views import view_locale
from campaigns.domain.permissions import Operation, Principal


class UpdateCampaignTerms:
    """Set the terms of one content locale.

    - Needs `write`, and follows every rule of a campaign update.
    - The locale written is the one a read of the terms shows: the requested one when the content
      has it, else the default; a campaign with no locale at all has nowhere to keep them (400).
    - Schema v1 campaigns keep terms under `content.<locale>.body`, v2 on the locale itself.
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, ids: IdFactory, cache: CampaignCache) -> None:
        self._writes = CampaignWrites(uow=uow, clock=clock, ids=ids, cache=cache)

    async def execute(
        self,
        principal: Principal,
        campaign_id: str,
        terms: str | None,
        *,
        locale: str | None,
        if_match: int | None = None,
    ) -> TermsView:
        principal.ensure(Operation.WRITE, campaign_id)
        async with self._writes.editing(principal, campaign_id) as edit:
            patch = terms_patch(edit.current, view_locale(edit.current, locale), terms)
            campaign = await self._writes.apply(edit, patch, if_match=if_match)
        return terms_view(campaign, view_locale(campaign, locale))
