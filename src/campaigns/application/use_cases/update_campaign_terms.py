"""Set a campaign's terms in one locale."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from campaigns.application.read_models import TermsView, terms_view
from campaigns.application.use_cases.update_campaign import UpdateCampaign
from campaigns.domain.campaign import Campaign
from campaigns.domain.errors import FieldError, InvalidQuery
from campaigns.domain.locale_views import view_locale
from campaigns.domain.permissions import Principal


class UpdateCampaignTerms:
    """Set the terms of one content locale.

    - Needs `write`, and follows every rule of a campaign update.
    - The locale written is the one a read of the terms shows: the requested one when the content
      has it, else the default; a campaign with no locale at all has nowhere to keep them (400).
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
            return _terms_patch(current, view_locale(current, locale), terms)

        campaign = await self._update.apply(principal, campaign_id, patch_for, if_match=if_match)
        return terms_view(campaign, view_locale(campaign, locale))


def _terms_patch(campaign: Campaign, locale: str | None, terms: str | None) -> dict[str, Any]:
    if locale is None:
        message = "The campaign has no locale to keep terms in: give it `locales` first."
        raise InvalidQuery([FieldError(field="locale", message=message, code="INVALID_QUERY")])
    if campaign.schema.version == "1":
        return {"content": {locale: {"body": {"terms": terms}}}}
    return {"content": {locale: {"terms": terms}}}
