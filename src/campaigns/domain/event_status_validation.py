"""The rules an event status record must satisfy before it is written (spec §3)."""

from __future__ import annotations

import datetime as dt

from campaigns.domain.errors import FieldError, InvalidEventStatus
from campaigns.domain.validation import INVALID_CAMPAIGN_SCHEMA, missing_text, outside_utc_years


def event_status_errors(status: str | None, end: dt.datetime | None) -> list[FieldError]:
    """An event status record needs a non-empty `status`; `date.end`, when given, is a representable instant."""
    errors = list(missing_text("status", status, "Required and non-empty.", INVALID_CAMPAIGN_SCHEMA))
    if end is not None:
        errors.extend(outside_utc_years("date.end", end, INVALID_CAMPAIGN_SCHEMA))
    return errors


def ensure_valid_event_status(status: str | None, end: dt.datetime | None) -> str:
    """The status, once known to be valid together with `end`."""
    errors = event_status_errors(status, end)
    if errors or status is None:
        raise InvalidEventStatus(errors)
    return status
