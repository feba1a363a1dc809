"""Markets: a city or region of a campaign, the Ticketmaster events offered there and their presale."""

from __future__ import annotations

from campaigns.domain.campaign import Document, HasInstants, Instant, RecordDates


class GeoPoint(Document, frozen=True, kw_only=True):
    type: str = "Point"
    coordinates: tuple[float, float]
    """[longitude, latitude], as GeoJSON orders them."""


class Venue(Document, frozen=True, kw_only=True):
    id: str | None = None
    name: str


class MarketEventInfo(HasInstants, frozen=True):
    ids: list[str]
    name: str | None = None
    date: Instant | None = None
    presaleDateTime: Instant | None = None  # noqa: N815 - legacy field name
    ticketer: str | None = None
    category_ids: list[str] = []
    venue: Venue | None = None
    sharedCode: str | None = None  # noqa: N815 - legacy field name


class Notification(HasInstants, frozen=True):
    date: Instant | None = None
    notified: Instant | None = None


class Market(Document, frozen=True):
    id: str
    campaign_id: str
    name: str
    city: str
    state: str
    timezone: str
    point: GeoPoint | None = None
    population: int | None = None
    event: MarketEventInfo | None = None
    promoterIds: list[str] = []  # noqa: N815 - legacy field name
    notification: Notification | None = None
    date: RecordDates = RecordDates()

    @property
    def event_ids(self) -> list[str]:
        return list(self.event.ids) if self.event else []

    @property
    def presale_at(self) -> Instant | None:
        return self.event.presaleDateTime if self.event else None
