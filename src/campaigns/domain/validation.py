"""The error codes and field checks every document's rules share (spec §3).

msgspec already checks shapes and types when a document is decoded; the rules check what a type
cannot say: required text, host names, locale ids, date order, references between fields, colours
and URLs. Each rule is a small generator of `FieldError`s, and the public functions of the sibling
modules (`campaign_validation`, `contact_validation`, `market_validation`, `promoter_validation`,
`event_status_validation`, `agenda_validation`) run all of theirs, so a client sees every failing
field at once instead of fixing one error per round trip. Everything here is pure: no clock, no
I/O, no time zone database (a time zone is checked by its shape, and against the IANA names only
when the caller passes them in).

This module holds what more than one of them uses, so that a rule reads the same wherever it applies.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Iterator
from urllib.parse import urlsplit

from campaigns.domain.errors import FieldError

INVALID_CAMPAIGN_SCHEMA = "INVALID_CAMPAIGN_SCHEMA"
INVALID_MARKET_SCHEMA = "INVALID_MARKET_SCHEMA"
INVALID_PROMOTER_SCHEMA = "INVALID_PROMOTER_SCHEMA"

_TZ_PART = r"[A-Za-z][A-Za-z0-9_+-]*"
_TIMEZONE = re.compile(rf"UTC|{_TZ_PART}/{_TZ_PART}(?:/{_TZ_PART})?", re.ASCII)
_HTTP_SCHEMES = frozenset({"http", "https"})


def _is_http_url(value: str) -> bool:
    """An absolute http(s) URL with a host name and no whitespace or control characters."""
    if not value or any(char.isspace() or not char.isprintable() for char in value):
        return False
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises ValueError on a port that is not a number in 0-65535
    except ValueError:
        return False
    return parts.scheme in _HTTP_SCHEMES and bool(parts.hostname)


def is_blank(value: str | None) -> bool:
    return value is None or not value.strip()


def missing_text(field: str, value: str | None, message: str, code: str) -> Iterator[FieldError]:
    """One error, `message` on `field`, when `value` is unset, empty or only whitespace."""
    if is_blank(value):
        yield FieldError(field=field, message=message, code=code)


def duplicates(field: str, values: Iterable[str], what: str, code: str, *, key: str = "") -> Iterator[FieldError]:
    """One error per repeated value, on the index of each repetition after the first (and its `key`)."""
    seen: set[str] = set()
    suffix = f".{key}" if key else ""
    for index, value in enumerate(values):
        if value in seen:
            yield FieldError(field=f"{field}.{index}{suffix}", message=f"Duplicate {what} {value!r}.", code=code)
        seen.add(value)


def exactly_one_default(field: str, defaults: Iterable[bool | None], what: str, code: str) -> Iterator[FieldError]:
    flags = list(defaults)
    count = sum(1 for flag in flags if flag)
    if flags and count != 1:
        yield FieldError(
            field=field,
            message=f"Exactly one {what} must have is_default set to true; found {count}.",
            code=code,
        )


def url_error(field: str, value: str | None, code: str = INVALID_CAMPAIGN_SCHEMA) -> Iterator[FieldError]:
    if value is not None and not _is_http_url(value):
        yield FieldError(field=field, message=f"{value!r} is not an absolute http(s) URL with a host.", code=code)


def zone_name(
    field: str, value: str, known: Collection[str], code: str = INVALID_CAMPAIGN_SCHEMA
) -> Iterator[FieldError]:
    """An IANA zone name: its shape always, then (one error per field) membership when the names are known."""
    if _TIMEZONE.fullmatch(value) is None:
        yield FieldError(
            field=field,
            message=f"{value!r} is not an IANA time zone name such as 'UTC' or 'America/New_York'.",
            code=code,
        )
    elif known and value not in known:
        yield FieldError(field=field, message=f"{value!r} is not a time zone of the IANA database.", code=code)


def outside_utc_years(field: str, instant: dt.datetime, code: str) -> Iterator[FieldError]:
    """An instant must still be within years 1-9999 once converted to UTC (as it is stored)."""
    try:
        instant.astimezone(dt.UTC)
    except OverflowError:
        yield FieldError(field=field, message="Must be within years 1-9999 in UTC.", code=code)
