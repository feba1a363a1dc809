"""The rules a market must satisfy before any write, and those of a market notification (spec §3).

Both answer with `INVALID_MARKET_SCHEMA` and `InvalidMarket`: a notification names markets by id
and dates their notice, so its rules (ids well formed, a date in the future and before every
presale) are market rules asked of a request rather than of a stored document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence

from campaigns.domain.errors import FieldError, InvalidMarket
from campaigns.domain.market import Market
from campaigns.domain.validation import (
    INVALID_MARKET_SCHEMA,
    duplicates,
    is_blank,
    missing_text,
    outside_utc_years,
    zone_name,
)

_OBJECT_ID = re.compile(r"[0-9a-f]{24}", re.ASCII)

MarketRule = Callable[[Market], Iterable[FieldError]]


def _market_required(market: Market) -> Iterator[FieldError]:
    required = {"name": market.name, "city": market.city, "state": market.state, "timezone": market.timezone}
    for field, value in required.items():
        yield from missing_text(field, value, "Required and non-empty.", INVALID_MARKET_SCHEMA)


def _market_campaign_id(market: Market) -> Iterator[FieldError]:
    if _OBJECT_ID.fullmatch(market.campaign_id) is None:
        yield FieldError(
            field="campaign_id",
            message="Must be a campaign id of 24 lowercase hex characters.",
            code=INVALID_MARKET_SCHEMA,
        )


def _market_point(market: Market) -> Iterator[FieldError]:
    if market.point is None:
        return
    if market.point.type != "Point":
        yield FieldError(field="point.type", message='Must be "Point".', code=INVALID_MARKET_SCHEMA)
    longitude, latitude = market.point.coordinates
    if not -180 <= longitude <= 180:
        yield FieldError(
            field="point.coordinates.0",
            message="The longitude must be between -180 and 180.",
            code=INVALID_MARKET_SCHEMA,
        )
    if not -90 <= latitude <= 90:
        yield FieldError(
            field="point.coordinates.1", message="The latitude must be between -90 and 90.", code=INVALID_MARKET_SCHEMA
        )


def _market_promoter_ids(market: Market) -> Iterator[FieldError]:
    for index, promoter_id in enumerate(market.promoterIds):
        if _OBJECT_ID.fullmatch(promoter_id) is None:
            yield FieldError(
                field=f"promoterIds.{index}",
                message=f"{promoter_id!r} is not a promoter id of 24 lowercase hex characters.",
                code=INVALID_MARKET_SCHEMA,
            )


def _market_population(market: Market) -> Iterator[FieldError]:
    if market.population is not None and market.population < 0:
        yield FieldError(field="population", message="Must not be negative.", code=INVALID_MARKET_SCHEMA)


def _market_event(market: Market) -> Iterator[FieldError]:
    event = market.event
    if event is None:
        return
    if not event.ids:
        yield FieldError(field="event.ids", message="At least one event id is required.", code=INVALID_MARKET_SCHEMA)
    for index, event_id in enumerate(event.ids):
        yield from missing_text(f"event.ids.{index}", event_id, "Must not be empty.", INVALID_MARKET_SCHEMA)
    yield from duplicates("event.category_ids", event.category_ids, "category id", INVALID_MARKET_SCHEMA)
    if event.ticketer is not None:
        yield from missing_text("event.ticketer", event.ticketer, "Must not be empty when set.", INVALID_MARKET_SCHEMA)
    if event.venue is not None:
        yield from missing_text("event.venue.name", event.venue.name, "Required and non-empty.", INVALID_MARKET_SCHEMA)


_MARKET_RULES: tuple[MarketRule, ...] = (
    _market_required,
    _market_campaign_id,
    _market_point,
    _market_population,
    _market_event,
    _market_promoter_ids,
)


def market_errors(market: Market, *, known_timezones: Collection[str] = ()) -> list[FieldError]:
    """Every market rule of spec §3 the market breaks (code `INVALID_MARKET_SCHEMA`).

    `known_timezones` is the IANA database's zone names, read by the caller; empty means the
    database is not at hand and a time zone is checked by its shape alone.
    """
    errors = [error for rule in _MARKET_RULES for error in rule(market)]
    if not is_blank(market.timezone):  # a blank one is reported as required
        errors.extend(zone_name("timezone", market.timezone, known_timezones, INVALID_MARKET_SCHEMA))
    return errors


def ensure_valid_market(market: Market, *, known_timezones: Collection[str] = ()) -> None:
    if errors := market_errors(market, known_timezones=known_timezones):
        raise InvalidMarket(errors)


def _market_ids(market_ids: Sequence[str]) -> Iterator[FieldError]:
    if not market_ids:
        yield FieldError(field="marketIds", message="At least one market id is required.", code=INVALID_MARKET_SCHEMA)
    for index, market_id in enumerate(market_ids):
        if _OBJECT_ID.fullmatch(market_id) is None:
            yield FieldError(
                field="marketIds",
                message=f"Item {index} ({market_id!r}) is not a market id of 24 lowercase hex characters.",
                code=INVALID_MARKET_SCHEMA,
            )


def ensure_valid_market_ids(market_ids: Sequence[str]) -> None:
    """The `marketIds` of a notification request: at least one, each a 24-hex market id."""
    if errors := list(_market_ids(market_ids)):
        raise InvalidMarket(errors)


def _future_instant(field: str, instant: dt.datetime, now: dt.datetime) -> Iterator[FieldError]:
    if outside := list(outside_utc_years(field, instant, INVALID_MARKET_SCHEMA)):
        yield from outside
    elif instant <= now:
        yield FieldError(field=field, message="Must be in the future.", code=INVALID_MARKET_SCHEMA)


def ensure_valid_notification_schedule(
    market_ids: Sequence[str], notification_date: dt.datetime, now: dt.datetime
) -> None:
    """Rules of `POST /markets/notifyDate` that need no stored market: ids well formed, date in the future."""
    errors = [*_market_ids(market_ids), *_future_instant("notificationDate", notification_date, now)]
    if errors:
        raise InvalidMarket(errors)


def notification_presale_errors(markets: Sequence[Market], notification_date: dt.datetime) -> list[FieldError]:
    """`notificationDate` must come before the presale of every market (one without a presale cannot take one)."""
    without = [market.id for market in markets if market.presale_at is None]
    too_late = [m.id for m in markets if m.presale_at is not None and notification_date >= m.presale_at]
    errors: list[FieldError] = []
    if too_late:
        errors.append(
            FieldError(
                field="notificationDate",
                message=f"Must be before the presale of every market; it is not before that of {', '.join(too_late)}.",
                code=INVALID_MARKET_SCHEMA,
            )
        )
    if without:
        errors.append(
            FieldError(
                field="notificationDate",
                message=f"Markets without an event.presaleDateTime cannot be notified: {', '.join(without)}.",
                code=INVALID_MARKET_SCHEMA,
            )
        )
    return errors


def ensure_notification_before_presales(markets: Sequence[Market], notification_date: dt.datetime) -> None:
    if errors := notification_presale_errors(markets, notification_date):
        raise InvalidMarket(errors)
