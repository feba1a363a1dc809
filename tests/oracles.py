"""Facts copied from the spec's text, so tests check the code against the spec and not against itself."""

from __future__ import annotations

import datetime as dt

from campaigns.domain.campaign import Status

INACTIVITY_GRACE = dt.timedelta(days=30)
"""Spec §3: CLOSED -> INACTIVE when date.closed + 30 days <= now."""

ALLOWED_MANUAL_TRANSITIONS: frozenset[tuple[Status, Status]] = frozenset(
    {
        (Status.DRAFT, Status.PREVIEW),
        (Status.PREVIEW, Status.DRAFT),
        (Status.DRAFT, Status.OPEN),
        (Status.PREVIEW, Status.OPEN),
        (Status.OPEN, Status.CLOSED),
        (Status.CLOSED, Status.OPEN),
        (Status.CLOSED, Status.INACTIVE),
        (Status.INACTIVE, Status.DRAFT),
    }
)
"""Spec §3 (Manual): every other pair is INVALID_CAMPAIGN_STATUS_CHANGE."""
