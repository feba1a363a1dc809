"""Place a campaign's FAQs on its pages."""

from __future__ import annotations

from campaigns.application.ports.caches import CampaignCache
from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.ports.system import Clock, IdFactory
from campaigns.application.read_models import FaqsView, faqs_view
from campaigns.application.use_cases._campaign_writes import CampaignWrites
from campaigns.domain.campaign_commands import FaqPlacementInput
from campaigns.domain.campaign_writes import faqs_patch
from campaigns.domain.locale_views import view_locale
from campaigns.domain.permissions import Operation, Principal


class UpdateCampaignFaqs:
    """Set which FAQs the landing and confirmation pages show.

    - Needs `write`, and follows every rule of a campaign update (If-Match, validation: the ids
      placed must exist in the content).
    - Answers the FAQs of one locale, chosen as a read of them would choose it (an unknown one
      falls back to the default).
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, ids: IdFactory, cache: CampaignCache) -> None:
        self._writes = CampaignWrites(uow=uow, clock=clock, ids=ids, cache=cache)

    async def execute(
        self,
        principal: Principal,
        campaign_id: str,
        placement: FaqPlacementInput,
        *,
        locale: str | None,
        if_match: int | None = None,
    ) -> FaqsView:
        principal.ensure(Operation.WRITE, campaign_id)
        async with self._writes.editing(principal, campaign_id) as edit:
            campaign = await self._writes.apply(edit, faqs_patch(placement), if_match=if_match)
        return faqs_view(campaign, view_locale(campaign, locale))
