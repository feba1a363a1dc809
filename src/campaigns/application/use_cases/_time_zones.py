"""The IANA time zone names a campaign's `referenceTimezone` and a market's `timezone` are checked against."""

from __future__ import annotations

import functools
import zoneinfo


@functools.cache
def iana_timezones() -> frozenset[str]:
    """The zone names of the IANA database this process has (read once); empty when it has none."""
    return frozenset(zoneinfo.available_timezones())
