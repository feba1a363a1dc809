"""The rules a promoter must satisfy before any write (spec §3), run all at once by `promoter_errors`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from campaigns.domain.errors import FieldError, InvalidPromoter
from campaigns.domain.locales import canonical_locale, is_locale_id
from campaigns.domain.promoter import Promoter
from campaigns.domain.validation import (
    INVALID_PROMOTER_SCHEMA,
    duplicates,
    exactly_one_default,
    missing_text,
    url_error,
)

PromoterRule = Callable[[Promoter], Iterable[FieldError]]


def _promoter_name(promoter: Promoter) -> Iterator[FieldError]:
    yield from missing_text("name", promoter.name, "Required and non-empty.", INVALID_PROMOTER_SCHEMA)


def _privacy_urls(promoter: Promoter) -> Iterator[FieldError]:
    """Locale ids as a campaign's `locales` have them (shape, no repeats), http(s) URLs, one default."""
    if not promoter.privacyUrls:
        yield FieldError(
            field="privacyUrls",
            message="At least one privacy URL is required, exactly one of them with is_default set to true.",
            code=INVALID_PROMOTER_SCHEMA,
        )
    for index, privacy in enumerate(promoter.privacyUrls):
        yield from url_error(f"privacyUrls.{index}.url", privacy.url, INVALID_PROMOTER_SCHEMA)
        if not is_locale_id(privacy.locale):
            yield FieldError(
                field=f"privacyUrls.{index}.locale",
                message=f"{privacy.locale!r} is not a locale id of the form 'xx' or 'xx-XX'.",
                code=INVALID_PROMOTER_SCHEMA,
            )
    locales = (canonical_locale(privacy.locale) for privacy in promoter.privacyUrls)
    yield from duplicates("privacyUrls", locales, "locale id", INVALID_PROMOTER_SCHEMA, key="locale")
    yield from exactly_one_default(
        "privacyUrls", (privacy.is_default for privacy in promoter.privacyUrls), "privacy URL", INVALID_PROMOTER_SCHEMA
    )


_PROMOTER_RULES: tuple[PromoterRule, ...] = (_promoter_name, _privacy_urls)


def promoter_errors(promoter: Promoter) -> list[FieldError]:
    """Every promoter rule of spec §3 the promoter breaks (code `INVALID_PROMOTER_SCHEMA`)."""
    return [error for rule in _PROMOTER_RULES for error in rule(promoter)]


def ensure_valid_promoter(promoter: Promoter) -> None:
    if errors := promoter_errors(promoter):
        raise InvalidPromoter(errors)
