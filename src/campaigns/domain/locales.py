"""Locale ids as callers write them (`en-us`, `en_US`, `EN`), kept in one form: `xx` or `xx-XX`.

A client document is brought to that form once, as it enters the domain, wherever a locale id
names or keys something: `locales[].id`, the keys of `content`, the keys of every
`preferences[].label`, and a promoter's `privacyUrls[].locale`. Opaque legacy fields (`email`,
`score`, ...) are stored as given and not looked into. Values that are not locale ids at all are
left alone, for validation to name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from campaigns.domain.errors import FieldError, ValidationFailed

_LOCALE_FORMS = re.compile(r"(?P<language>[A-Za-z]{2})(?:[-_](?P<region>[A-Za-z]{2}))?", re.ASCII)


def canonical_locale(locale_id: str) -> str:
    """`xx` or `xx-XX` for a language (and region) written in any case, with `-` or `_` between.

    Anything that is not a locale id in one of those forms is returned unchanged.
    """
    match = _LOCALE_FORMS.fullmatch(locale_id)
    if match is None:
        return locale_id
    language, region = match["language"].lower(), match["region"]
    return f"{language}-{region.upper()}" if region else language


def is_locale_id(value: str) -> bool:
    """Whether `value` is a locale id in a form the service accepts (and stores canonically)."""
    return _LOCALE_FORMS.fullmatch(value) is not None


def canonical_campaign_locales(document: Mapping[str, Any]) -> dict[str, Any]:
    """A client's (partial) campaign document with every locale id in canonical form.

    Raises:
        ValidationFailed: two keys of `content` or of one `preferences[].label` name the same
            locale once canonical (`en-us` and `en_US`); nothing is chosen for the client.
    """
    canonical = dict(document)
    errors: list[FieldError] = []
    if isinstance(locales := document.get("locales"), list):
        canonical["locales"] = [_with_canonical_value(item, "id") for item in locales]
    if isinstance(content := document.get("content"), Mapping):
        canonical["content"] = _canonical_keys(content, "content", errors)
    if isinstance(preferences := document.get("preferences"), list):
        canonical["preferences"] = [
            _preference_with_canonical_labels(item, index, errors) for index, item in enumerate(preferences)
        ]
    if errors:
        raise ValidationFailed(errors)
    return canonical


def _with_canonical_value(item: Any, key: str) -> Any:
    if isinstance(item, Mapping) and isinstance(value := item.get(key), str):
        return {**item, key: canonical_locale(value)}
    return item


def _preference_with_canonical_labels(item: Any, index: int, errors: list[FieldError]) -> Any:
    if isinstance(item, Mapping) and isinstance(label := item.get("label"), Mapping):
        return {**item, "label": _canonical_keys(label, f"preferences.{index}.label", errors)}
    return item


def _canonical_keys(keyed: Mapping[Any, Any], field: str, errors: list[FieldError]) -> dict[Any, Any]:
    canonical: dict[Any, Any] = {}
    written: dict[Any, Any] = {}
    for key, value in keyed.items():
        locale = canonical_locale(key) if isinstance(key, str) else key
        if locale in canonical:
            errors.append(_same_locale_twice(field, written[locale], key, locale))
            continue
        canonical[locale] = value
        written[locale] = key
    return canonical


def _same_locale_twice(field: str, first: Any, second: Any, locale: str) -> FieldError:
    return FieldError(
        field=field,
        message=f"{first!r} and {second!r} are the same locale ({locale!r}); send it once.",
    )
