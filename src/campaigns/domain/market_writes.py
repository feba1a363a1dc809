"""Writing a market: the command a client sends, and every rule that turns it into a stored market.

- `id`, `campaign_id`, `date` and `notification` are read-only: a client may send them back as it
  read them, and they are ignored. The service mints the id and stamps the dates, the path names
  the campaign, and only the supreme `/markets/notifyDate` and `/markets/notified` routes change
  `notification` (so a campaign writer cannot arm reminders, and a new market or a copy has none).
- An update merges objects (`point`, `event`, `event.venue`) key by key; arrays and scalars replace.
- The result is held to the market rules (`market_validation.ensure_valid_market`), every failing field named.
- `notification` is written by its own commands: a reminder date may be set again and again, its
  `notified` instant only once.
- A change stamps `date.updated` and raises its events; a write that changes nothing raises none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Annotated

import msgspec
from msgspec import UNSET, UnsetType

from campaigns.domain.campaign import Instant, RecordDates
from campaigns.domain.commands import Input
from campaigns.domain.errors import InvalidMarket
from campaigns.domain.events import MarketCreated, MarketPresaleChanged, MarketUpdated
from campaigns.domain.market import GeoPoint, Market, MarketEventInfo, Notification, Venue
from campaigns.domain.market_validation import ensure_valid_market
from campaigns.domain.writes import Change, required, sent_or


def read_only(description: str) -> msgspec.Meta:
    """OpenAPI `readOnly`: a client may send the field back as it read it (a round trip); it is ignored."""
    return msgspec.Meta(extra_json_schema={"description": description, "extra": {"readOnly": True}})


class PointInput(Input):
    type: str | UnsetType = UNSET
    coordinates: tuple[float, float] | UnsetType = UNSET
    """`[longitude, latitude]`, as GeoJSON orders them."""


class VenueInput(Input):
    id: str | UnsetType | None = UNSET
    name: str | UnsetType = UNSET


class MarketEventInput(Input):
    ids: list[str] | UnsetType = UNSET
    name: str | UnsetType | None = UNSET
    date: Instant | UnsetType | None = UNSET
    presaleDateTime: Instant | UnsetType | None = UNSET  # noqa: N815 - legacy field name
    ticketer: str | UnsetType | None = UNSET
    category_ids: list[str] | UnsetType = UNSET
    venue: VenueInput | UnsetType | None = UNSET
    sharedCode: str | UnsetType | None = UNSET  # noqa: N815 - legacy field name


class NotificationInput(Input):
    date: Instant | UnsetType | None = UNSET
    notified: Instant | UnsetType | None = UNSET


class MarketDatesInput(Input):
    created: Instant | UnsetType | None = UNSET
    updated: Instant | UnsetType | None = UNSET


class MarketInput(Input):
    """A market body: complete for a create, partial for an update (objects merge, arrays replace)."""

    name: str | UnsetType = UNSET
    city: str | UnsetType = UNSET
    state: str | UnsetType = UNSET
    timezone: str | UnsetType = UNSET
    """An IANA time zone name, e.g. `America/New_York`."""
    point: PointInput | UnsetType | None = UNSET
    population: int | UnsetType | None = UNSET
    event: MarketEventInput | UnsetType | None = UNSET
    promoterIds: list[str] | UnsetType = UNSET  # noqa: N815 - legacy field name
    notification: Annotated[
        NotificationInput | UnsetType | None,
        read_only("Ignored: only the supreme `/markets/notifyDate` and `/markets/notified` set it."),
    ] = UNSET
    id: Annotated[str | UnsetType, read_only("Ignored: the service mints it.")] = UNSET
    campaign_id: Annotated[str | UnsetType, read_only("Ignored: the path names the campaign.")] = UNSET
    date: Annotated[MarketDatesInput | UnsetType, read_only("Ignored: the service stamps it.")] = UNSET


def create_market(
    command: MarketInput, *, market_id: str, campaign_id: str, now: dt.datetime, known_timezones: Collection[str]
) -> Change[Market]:
    """A new market of `campaign_id`, and its `market.created`.

    Raises:
        InvalidMarket: a required field is missing (the first one), or the market breaks rules (all of them).
    """
    point, event = _point(command.point, None), _event(command.event, None)  # nested objects are checked first
    market = Market(
        id=market_id,
        campaign_id=campaign_id,
        name=required(command.name, "name", InvalidMarket),
        city=required(command.city, "city", InvalidMarket),
        state=required(command.state, "state", InvalidMarket),
        timezone=required(command.timezone, "timezone", InvalidMarket),
        point=point,
        population=sent_or(command.population, None),
        event=event,
        promoterIds=sent_or(command.promoterIds, []),
        date=RecordDates(created=now, updated=now),
    )
    ensure_valid_market(market, known_timezones=known_timezones)
    return Change(market, [MarketCreated(occurred_at=now, market=market)])


def update_market(
    market: Market, patch: MarketInput, *, now: dt.datetime, known_timezones: Collection[str]
) -> Change[Market]:
    """`market` with `patch` merged in, `market.updated`, and `market.presale-changed` when the presale moved.

    Raises:
        InvalidMarket: a nested object the market lacks is sent without its required field, or the
            merged market breaks rules (all of them).
    """
    merged = msgspec.structs.replace(
        market,
        name=sent_or(patch.name, market.name),
        city=sent_or(patch.city, market.city),
        state=sent_or(patch.state, market.state),
        timezone=sent_or(patch.timezone, market.timezone),
        point=_point(patch.point, market.point),
        population=sent_or(patch.population, market.population),
        event=_event(patch.event, market.event),
        promoterIds=sent_or(patch.promoterIds, market.promoterIds),
    )
    ensure_valid_market(merged, known_timezones=known_timezones)
    change = _updated(market, merged, now)
    if not change.changed or (previous := market.presale_at) == change.document.presale_at:
        return change
    moved = MarketPresaleChanged(occurred_at=now, market=change.document, previous_presale_date_time=previous)
    return Change(change.document, [*change.events, moved])


def schedule_notification(market: Market, date: dt.datetime, *, now: dt.datetime) -> Change[Market]:
    """`market` with its reminder going out at `date` (`notified` kept), and `market.updated` if that moved it."""
    return _with_notification(market, now, date=date)


def mark_notified(market: Market, *, now: dt.datetime) -> Change[Market]:
    """`market` with its reminder sent at `now`, and `market.updated`; one already sent keeps its first instant."""
    if market.notification is not None and market.notification.notified is not None:
        return Change(market, [])
    return _with_notification(market, now, notified=now)


def clone_market(source: Market, *, market_id: str, campaign_id: str, now: dt.datetime) -> Change[Market]:
    """A copy of `source` in `campaign_id`, and its `market.created`: new id and dates, no notification.

    The notification belongs to the source's reminders; everything else (name, events, presale,
    point) is copied as it is, already valid.
    """
    copy = msgspec.structs.replace(
        source, id=market_id, campaign_id=campaign_id, notification=None, date=RecordDates(created=now, updated=now)
    )
    return Change(copy, [MarketCreated(occurred_at=now, market=copy)])


_NO_NOTIFICATION = Notification()


def _with_notification(market: Market, now: dt.datetime, **fields: dt.datetime) -> Change[Market]:
    notification = msgspec.structs.replace(market.notification or _NO_NOTIFICATION, **fields)
    return _updated(market, msgspec.structs.replace(market, notification=notification), now)


def _updated(market: Market, changed: Market, now: dt.datetime) -> Change[Market]:
    """`changed` stamped and announced (`market.updated`) when it differs from `market`; else no change."""
    if changed == market:
        return Change(market, [])
    updated = msgspec.structs.replace(changed, date=msgspec.structs.replace(changed.date, updated=now))
    return Change(updated, [MarketUpdated(occurred_at=now, market=updated)])


def _point(patch: PointInput | UnsetType | None, current: GeoPoint | None) -> GeoPoint | None:
    if isinstance(patch, UnsetType) or patch is None:
        return current if patch is UNSET else None
    coordinates = sent_or(patch.coordinates, current.coordinates if current else UNSET)
    return GeoPoint(
        type=sent_or(patch.type, current.type if current else "Point"),
        coordinates=required(coordinates, "point.coordinates", InvalidMarket),
    )


_NO_EVENT = MarketEventInfo(ids=[])
"""What an event sent to a market without one merges into; its `ids` are required all the same."""


def _event(patch: MarketEventInput | UnsetType | None, current: MarketEventInfo | None) -> MarketEventInfo | None:
    if isinstance(patch, UnsetType) or patch is None:
        return current if patch is UNSET else None
    base = current or _NO_EVENT
    venue = _venue(patch.venue, base.venue)  # checked before `ids`, as a type check of the whole event would
    return MarketEventInfo(
        ids=required(sent_or(patch.ids, current.ids if current else UNSET), "event.ids", InvalidMarket),
        name=sent_or(patch.name, base.name),
        date=sent_or(patch.date, base.date),
        presaleDateTime=sent_or(patch.presaleDateTime, base.presaleDateTime),
        ticketer=sent_or(patch.ticketer, base.ticketer),
        category_ids=sent_or(patch.category_ids, base.category_ids),
        venue=venue,
        sharedCode=sent_or(patch.sharedCode, base.sharedCode),
    )


def _venue(patch: VenueInput | UnsetType | None, current: Venue | None) -> Venue | None:
    if isinstance(patch, UnsetType) or patch is None:
        return current if patch is UNSET else None
    return Venue(
        id=sent_or(patch.id, current.id if current else None),
        name=required(sent_or(patch.name, current.name if current else UNSET), "event.venue.name", InvalidMarket),
    )
