"""Event status records: what Ticketmaster says of one event, kept for presale decisions."""

from __future__ import annotations

from campaigns.domain.campaign import Document, HasInstants, Instant


class EventStatusDates(HasInstants, frozen=True):
    end: Instant | None = None


class EventStatus(Document, frozen=True):
    """Status of one Ticketmaster event, keyed by its event id."""

    id: str
    status: str
    date: EventStatusDates = EventStatusDates()
