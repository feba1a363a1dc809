"""A market's write rules, in the domain: read-only fields, merge, required fields, stamps, events, clone."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaigns.domain.campaign import RecordDates
from campaigns.domain.errors import FieldError, InvalidMarket
from campaigns.domain.events import MarketCreated, MarketPresaleChanged, MarketUpdated
from campaigns.domain.market import GeoPoint, Market, MarketEventInfo, Notification, Venue
from campaigns.domain.market_writes import (
    MarketDatesInput,
    MarketEventInput,
    MarketInput,
    NotificationInput,
    PointInput,
    VenueInput,
    clone_market,
    create_market,
    mark_notified,
    schedule_notification,
    update_market,
)

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=1)
CAMPAIGN_ID = "5f1b2c3d4e5f6a7b8c9d0e1f"
MARKET_ID = "5f1b2c3d4e5f6a7b8c9d0e20"
PRESALE = dt.datetime(2030, 5, 1, 10, tzinfo=dt.UTC)
ZONES = frozenset({"America/New_York", "America/Chicago"})

COMPLETE = MarketInput(name="Boston", city="Boston", state="MA", timezone="America/New_York")


def created(command: MarketInput = COMPLETE) -> Market:
    return create_market(command, market_id=MARKET_ID, campaign_id=CAMPAIGN_ID, now=NOW, known_timezones=ZONES).document


def stored() -> Market:
    """A market as a notification route left it: with an event, a venue, a point and a reminder set."""
    return msgspec.structs.replace(
        created(),
        point=GeoPoint(coordinates=(-71.06, 42.36)),
        event=MarketEventInfo(ids=["e1"], name="Show", presaleDateTime=PRESALE, venue=Venue(id="v1", name="Hall")),
        notification=Notification(date=PRESALE - dt.timedelta(days=1)),
    )


def errors_of(raised: pytest.ExceptionInfo[InvalidMarket]) -> list[tuple[str, str]]:
    return [(error.field, error.message) for error in raised.value.errors]


def test_a_create_stamps_the_service_fields_and_raises_market_created() -> None:
    change = create_market(COMPLETE, market_id=MARKET_ID, campaign_id=CAMPAIGN_ID, now=NOW, known_timezones=ZONES)

    market = change.document
    assert (market.id, market.campaign_id) == (MARKET_ID, CAMPAIGN_ID)
    assert market.date == RecordDates(created=NOW, updated=NOW)
    assert (market.name, market.city, market.state, market.timezone) == ("Boston", "Boston", "MA", "America/New_York")
    assert (market.point, market.event, market.notification) == (None, None, None)
    assert change.events == [MarketCreated(occurred_at=NOW, market=change.document)]


def test_a_create_ignores_the_read_only_fields_a_client_echoes() -> None:
    echoed = msgspec.structs.replace(
        COMPLETE,
        id="0" * 24,
        campaign_id="1" * 24,
        date=MarketDatesInput(created=PRESALE, updated=PRESALE),
        notification=NotificationInput(date=PRESALE, notified=PRESALE),
    )

    assert created(echoed) == created()


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (MarketInput(), "name"),
        (MarketInput(name="Boston", state="MA"), "city"),
        (msgspec.structs.replace(COMPLETE, point=PointInput(type="Point")), "point.coordinates"),
        (msgspec.structs.replace(COMPLETE, event=MarketEventInput(name="Show")), "event.ids"),
        (MarketInput(event=MarketEventInput(venue=VenueInput(id="v1"))), "event.venue.name"),
        (MarketInput(point=PointInput(), event=MarketEventInput()), "point.coordinates"),
    ],
)
def test_a_missing_required_field_is_the_one_error_named(command: MarketInput, field: str) -> None:
    with pytest.raises(InvalidMarket) as raised:
        created(command)

    assert errors_of(raised) == [(field, "Required.")]
    assert raised.value.code == "INVALID_MARKET_SCHEMA"


def test_a_create_breaking_rules_names_every_failing_field() -> None:
    command = msgspec.structs.replace(COMPLETE, timezone="Mars/Olympus", population=-1, promoterIds=["zz"])

    with pytest.raises(InvalidMarket) as raised:
        created(command)

    assert [field for field, _ in errors_of(raised)] == ["population", "promoterIds.0", "timezone"]


def test_an_update_merges_objects_and_replaces_arrays_and_scalars() -> None:
    market = stored()
    patch = MarketInput(
        city="Cambridge",
        point=PointInput(coordinates=(-71.1, 42.37)),
        event=MarketEventInput(ids=["e2", "e3"], venue=VenueInput(name="Arena")),
    )

    change = update_market(market, patch, now=LATER, known_timezones=ZONES)

    assert change.document == msgspec.structs.replace(
        market,
        city="Cambridge",
        point=GeoPoint(coordinates=(-71.1, 42.37)),
        event=MarketEventInfo(
            ids=["e2", "e3"], name="Show", presaleDateTime=PRESALE, venue=Venue(id="v1", name="Arena")
        ),
        date=RecordDates(created=NOW, updated=LATER),
    )
    assert change.events == [MarketUpdated(occurred_at=LATER, market=change.document)]


def test_an_update_clears_with_null() -> None:
    change = update_market(stored(), MarketInput(point=None, event=None), now=LATER, known_timezones=ZONES)

    assert (change.document.point, change.document.event) == (None, None)


def test_a_moved_presale_also_raises_market_presale_changed() -> None:
    market = stored()
    moved = PRESALE + dt.timedelta(days=1)

    change = update_market(
        market, MarketInput(event=MarketEventInput(presaleDateTime=moved)), now=LATER, known_timezones=ZONES
    )

    assert change.document.presale_at == moved
    assert change.events == [
        MarketUpdated(occurred_at=LATER, market=change.document),
        MarketPresaleChanged(occurred_at=LATER, market=change.document, previous_presale_date_time=PRESALE),
    ]


def test_an_update_that_changes_nothing_raises_nothing_and_stamps_nothing() -> None:
    market = stored()
    same_presale_elsewhere = PRESALE.astimezone(dt.timezone(dt.timedelta(hours=2)))

    change = update_market(
        market,
        MarketInput(name="Boston", event=MarketEventInput(presaleDateTime=same_presale_elsewhere)),
        now=LATER,
        known_timezones=ZONES,
    )

    assert change.document is market
    assert not change.changed


def test_an_event_sent_to_a_market_without_one_needs_its_ids() -> None:
    with pytest.raises(InvalidMarket) as raised:
        update_market(created(), MarketInput(event=MarketEventInput(name="Show")), now=LATER, known_timezones=ZONES)

    assert errors_of(raised) == [("event.ids", "Required.")]


def test_an_updated_market_is_held_to_the_rules_of_a_create() -> None:
    with pytest.raises(InvalidMarket) as raised:
        update_market(stored(), MarketInput(name=" ", event=MarketEventInput(ids=[])), now=LATER, known_timezones=ZONES)

    assert raised.value.errors == [
        FieldError(field="name", message="Required and non-empty.", code="INVALID_MARKET_SCHEMA"),
        FieldError(field="event.ids", message="At least one event id is required.", code="INVALID_MARKET_SCHEMA"),
    ]


instants = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC))
ids = st.text(alphabet="0123456789abcdef", min_size=24, max_size=24)


@given(
    market_id=ids,
    campaign_id=ids,
    created_at=st.none() | instants,
    notification=st.none() | st.builds(NotificationInput, date=instants, notified=st.none() | instants),
)
def test_read_only_fields_sent_in_an_update_never_change_the_market(
    market_id: str, campaign_id: str, created_at: dt.datetime | None, notification: NotificationInput | None
) -> None:
    market = stored()
    patch = MarketInput(
        id=market_id,
        campaign_id=campaign_id,
        date=MarketDatesInput(created=created_at, updated=created_at),
        notification=notification,
    )

    change = update_market(market, patch, now=LATER, known_timezones=ZONES)

    assert change.document is market
    assert not change.changed


def test_a_clone_copies_all_but_identity_dates_and_notification() -> None:
    source = stored()

    change = clone_market(source, market_id="2" * 24, campaign_id="3" * 24, now=LATER)

    assert change.document == msgspec.structs.replace(
        source, id="2" * 24, campaign_id="3" * 24, notification=None, date=RecordDates(created=LATER, updated=LATER)
    )
    assert change.events == [MarketCreated(occurred_at=LATER, market=change.document)]


def test_a_scheduled_reminder_keeps_notified_and_stamps_the_change() -> None:
    market = msgspec.structs.replace(stored(), notification=Notification(date=PRESALE, notified=NOW))
    earlier = PRESALE - dt.timedelta(days=2)

    change = schedule_notification(market, earlier, now=LATER)

    assert change.document.notification == Notification(date=earlier, notified=NOW)
    assert change.document.date == RecordDates(created=NOW, updated=LATER)
    assert change.events == [MarketUpdated(occurred_at=LATER, market=change.document)]
    assert not schedule_notification(change.document, earlier, now=LATER).changed


def test_a_reminder_is_marked_sent_once_at_its_first_instant() -> None:
    first = mark_notified(created(), now=LATER)

    assert first.document.notification == Notification(notified=LATER)
    assert first.events == [MarketUpdated(occurred_at=LATER, market=first.document)]
    again = mark_notified(first.document, now=LATER + dt.timedelta(hours=1))
    assert again.document is first.document
    assert not again.changed
