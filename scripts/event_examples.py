"""Print one example CloudEvents envelope per event type, encoded by the real catalogue.

These are the examples of docs/events.md; a test checks that the page holds exactly what this
prints, so the page cannot drift from the code. After changing the catalogue, run

    uv run python scripts/event_examples.py

and paste each block over the one with the same `<!-- example: TYPE -->` marker.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from campaigns.application.event_catalogue import encode, event_type
from campaigns.application.outbox import OutboxEntry
from campaigns.domain.campaign import RecordDates, Status
from campaigns.domain.events import (
    AnyEvent,
    CampaignCreated,
    CampaignDomainReleased,
    CampaignEventIdsMapped,
    CampaignStatusChanged,
    CampaignUpdated,
    ContactCreated,
    ContactDeleted,
    ContactUpdated,
    MarketCreated,
    MarketDeleted,
    MarketPresaleChanged,
    MarketUpdated,
    PromoterCreated,
    PromoterDeleted,
    PromoterUpdated,
)
from campaigns.domain.market import GeoPoint, Market, MarketEventInfo, Venue

AT = dt.datetime(2026, 4, 1, 12, 30, 5, 250_000, tzinfo=dt.UTC)
CAMPAIGN_ID = "6650f1c2a1b2c3d4e5f60a01"
MARKET_ID = "6650f1c2a1b2c3d4e5f60b07"
PROMOTER_ID = "6650f1c2a1b2c3d4e5f60c03"
CONTACT_ID = "6650f1c2a1b2c3d4e5f60d09"
PRESALE = dt.datetime(2026, 5, 20, 15, 0, tzinfo=dt.UTC)
PREVIOUS_PRESALE = dt.datetime(2026, 5, 18, 15, 0, tzinfo=dt.UTC)

MARKET = Market(
    id=MARKET_ID,
    campaign_id=CAMPAIGN_ID,
    name="Boston",
    city="Boston",
    state="MA",
    timezone="America/New_York",
    point=GeoPoint(coordinates=(-71.0589, 42.3601)),
    population=650_000,
    event=MarketEventInfo(
        ids=["vvG1IZ4kXxZ4", "vvG1IZ4kXxZ5"],
        name="Taylor Swift | The Eras Tour",
        date=dt.datetime(2026, 7, 4, 0, 0, tzinfo=dt.UTC),
        presaleDateTime=PRESALE,
        ticketer="Ticketmaster",
        category_ids=["10005"],
        venue=Venue(id="KovZpZAEkn6A", name="Gillette Stadium"),
    ),
    promoterIds=[PROMOTER_ID],
    date=RecordDates(created=dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), updated=AT),
)

EXAMPLES: list[AnyEvent] = [
    CampaignCreated(occurred_at=AT, campaign_id=CAMPAIGN_ID, domain_site="taylorswift", status=Status.DRAFT),
    CampaignUpdated(
        occurred_at=AT,
        campaign_id=CAMPAIGN_ID,
        domain_site="taylorswift-eras",
        changed_fields=["domain", "date", "eventIds"],
        previous_domain_site="taylorswift",
    ),
    CampaignStatusChanged(
        occurred_at=AT,
        campaign_id=CAMPAIGN_ID,
        domain_site="taylorswift",
        from_status=Status.PREVIEW,
        to_status=Status.OPEN,
        by="scheduler",
        reason="scheduled",
        due_at=dt.datetime(2026, 4, 1, 12, 30, tzinfo=dt.UTC),
    ),
    CampaignDomainReleased(occurred_at=AT, campaign_id=CAMPAIGN_ID, released_site="taylorswift"),
    CampaignEventIdsMapped(
        occurred_at=AT,
        campaign_id=CAMPAIGN_ID,
        domain_site="taylorswift",
        event_ids=["G5vYZ9H2kYx0", "vvG1IZ4kXxZ4", "vvG1IZ4kXxZ5"],
    ),
    MarketCreated(occurred_at=AT, market=MARKET),
    MarketUpdated(occurred_at=AT, market=MARKET),
    MarketDeleted(occurred_at=AT, market=MARKET),
    MarketPresaleChanged(occurred_at=AT, market=MARKET, previous_presale_date_time=PREVIOUS_PRESALE),
    PromoterCreated(occurred_at=AT, promoter_id=PROMOTER_ID, name="Live Nation"),
    PromoterUpdated(occurred_at=AT, promoter_id=PROMOTER_ID, name="Live Nation Entertainment"),
    PromoterDeleted(occurred_at=AT, promoter_id=PROMOTER_ID, name="Live Nation Entertainment"),
    ContactCreated(occurred_at=AT, contact_id=CONTACT_ID),
    ContactUpdated(occurred_at=AT, contact_id=CONTACT_ID),
    ContactDeleted(occurred_at=AT, contact_id=CONTACT_ID),
]


def examples() -> dict[str, str]:
    """Each event type's example envelope, as indented JSON, in catalogue order."""
    found: dict[str, str] = {}
    for sequence, event in enumerate(EXAMPLES, start=1):
        entry = OutboxEntry(id=f"6650f1c2a1b2c3d4e5f6{sequence:04x}", sequence=sequence, event=event)
        found[event_type(event)] = msgspec.json.format(encode(entry), indent=2).decode()
    return found


def markdown() -> str:
    """The examples as docs/events.md holds them: a marker naming the type, then a JSON block."""
    return "\n".join(f"<!-- example: {kind} -->\n```json\n{text}\n```\n" for kind, text in examples().items())


if __name__ == "__main__":
    print(markdown(), end="")
