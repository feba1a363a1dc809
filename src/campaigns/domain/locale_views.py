"""Locale views (the legacy `formatCampaign`): a campaign narrowed to the one locale a reader sees.

Every route that answers a campaign, its FAQs or its terms picks the locale with `view_locale`,
and a client writing a one-locale view back has its labels merged with `merge_view_labels`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import msgspec

from campaigns.domain.campaign import Campaign, LocaleContent, Preference


class LocaleView(msgspec.Struct, frozen=True, kw_only=True):
    campaign: Campaign
    """The campaign with `content` and every `preferences[].label` holding only `locale`."""
    locale: str | None
    """The locale shown (`currentLocale`); None only when the campaign has no locale at all."""


def view_locale(campaign: Campaign, requested: str | None) -> str | None:
    """The locale a reader sees: the requested one when the content has it (any case), else the default.

    Without a default, the first of `locales`; without `locales`, the first content locale; None
    only when the campaign has neither.
    """
    if requested and (found := _same_locale(requested, campaign.content)) is not None:
        return found
    if (default := campaign.default_locale) is not None:
        return default
    if campaign.locales:
        return campaign.locales[0].id
    return next(iter(campaign.content), None)


def locale_view(campaign: Campaign, requested: str | None) -> LocaleView:
    """The campaign as one locale shows it: `content` and every label narrowed to `view_locale`'s choice.

    The chosen locale is always in `content` (empty when the campaign has no text for it yet).
    """
    chosen = view_locale(campaign, requested)
    content = {chosen: campaign.content.get(chosen) or LocaleContent()} if chosen is not None else {}
    preferences = [_narrowed(preference, chosen) for preference in campaign.preferences]
    return LocaleView(
        campaign=msgspec.structs.replace(campaign, content=content, preferences=preferences), locale=chosen
    )


def merge_view_labels(stored: Sequence[Preference], written: Any) -> Any:
    """`preferences` written back from a one-locale view, with each label map merged per locale.

    A written label map is laid over the stored labels of the preference with the same id, so the
    locales the view left out keep their text. Anything not shaped like preferences is returned as
    given, for the type check to name.
    """
    if not isinstance(written, list):
        return written
    labels = {preference.id: preference.label for preference in stored if preference.label}
    return [_with_stored_labels(item, labels) for item in written]


def _narrowed(preference: Preference, locale: str | None) -> Preference:
    if preference.label is None:
        return preference
    key = None if locale is None else _same_locale(locale, preference.label)
    label = {} if locale is None or key is None else {locale: preference.label[key]}
    return msgspec.structs.replace(preference, label=label)


def _with_stored_labels(item: Any, labels: Mapping[str, Mapping[str, str]]) -> Any:
    if not isinstance(item, Mapping) or not isinstance(written := item.get("label"), Mapping):
        return item
    preference_id = item.get("id")
    if not isinstance(preference_id, str) or (stored := labels.get(preference_id)) is None:
        return item
    written_locales = {str(locale).casefold() for locale in written}
    kept = {locale: text for locale, text in stored.items() if locale.casefold() not in written_locales}
    return {**item, "label": {**kept, **written}}


def _same_locale(locale: str, locales: Collection[str]) -> str | None:
    """The entry of `locales` naming `locale`, matched case-insensitively (an exact match first)."""
    if locale in locales:
        return locale
    folded = locale.casefold()
    return next((candidate for candidate in locales if candidate.casefold() == folded), None)
