"""Set a campaign's terms in one locale."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from campaigns.application.read_models import TermsView, content_locale, terms_view
from campaigns.application.use_cases.update_campaign import UpdateCampaign
from campaigns.domain.campaign import Campaign
from campaigns.domain.permissions import Principal


class UpdateCampaignTerms:
    """Set the terms of one content locale.

    - Needs `write`, and follows every rule of a campaign update.
    - Schema v1 campaigns keep terms under `content.<locale>.body`, v2 on the locale itself.
    """

    def __init__(self, *, update: UpdateCampaign) -> None:
        self._update = update

    async def execute(
        self,
        principal: Principal,
        campaign_id: str,
        terms: str | None,
        *,
        locale: str | None,
        if_match: int | None = None,
    ) -> TermsView:
        def patch_for(current: Campaign) -> Mapping[str, Any]:
            return _terms_patch(current, content_locale(current, locale), terms)

        campaign = await self._update.apply(principal, campaign_id, patch_for, if_match=if_match)
        return terms_view(campaign, content_locale(campaign, locale))


def _terms_patch(campaign: Campaign, locale: str, terms: str | None) -> dict[str, Any]:
    if campaign.schema.version == "1":
        return {"content": {locale: {"body": {"terms": terms}}}}
    return {"content": {locale: {"terms": terms}}}
