"""Place a campaign's FAQs on its pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from campaigns.application.read_models import FaqsView, faqs_view
from campaigns.application.use_cases.update_campaign import UpdateCampaign
from campaigns.domain.locale_views import view_locale
from campaigns.domain.permissions import Principal


class UpdateCampaignFaqs:
    """Set which FAQs the landing and confirmation pages show.

    - Needs `write`, and follows every rule of a campaign update (If-Match, validation: the ids
      placed must exist in the content).
    - Answers the FAQs of one locale, chosen as a read of them would choose it (an unknown one
      falls back to the default).
    """

    def __init__(self, *, update: UpdateCampaign) -> None:
        self._update = update

    async def execute(
        self,
        principal: Principal,
        campaign_id: str,
        placement: Mapping[str, Any],
        *,
        locale: str | None,
        if_match: int | None = None,
    ) -> FaqsView:
        campaign = await self._update.apply(principal, campaign_id, lambda _: {"faqs": placement}, if_match=if_match)
        return faqs_view(campaign, view_locale(campaign, locale))
