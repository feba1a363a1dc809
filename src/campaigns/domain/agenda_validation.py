"""The window the lifecycle agenda may be asked for: a query rule, answered with `INVALID_QUERY`."""

from __future__ import annotations

import datetime as dt

from campaigns.domain.errors import FieldError, InvalidQuery

INVALID_QUERY = "INVALID_QUERY"
LONGEST_AGENDA = dt.timedelta(days=31)
"""The widest window the agenda lists at once."""


def ensure_valid_agenda_window(start: dt.datetime, end: dt.datetime, *, start_field: str, end_field: str) -> None:
    """The agenda's window ends at or after it starts, and spans at most `LONGEST_AGENDA`; errors name `end_field`."""
    errors: list[FieldError] = []
    if end < start:
        errors.append(FieldError(field=end_field, message=f"Must not be before `{start_field}`.", code=INVALID_QUERY))
    elif end - start > LONGEST_AGENDA:
        message = f"At most {LONGEST_AGENDA.days} days after `{start_field}`."
        errors.append(FieldError(field=end_field, message=message, code=INVALID_QUERY))
    if errors:
        raise InvalidQuery(errors)
