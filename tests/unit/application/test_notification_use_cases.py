"""Notification and event-status use cases over the in-memory store: windows, all or nothing, idempotence."""

from __future__ import annotations

import dataclasses
import datetime as dt

import msgspec
import pytest

from campaigns.adapters.local.clock import FixedClock
from campaigns.application.errors import MarketNotFound
from campaigns.application.ports.store import UnitOfWork
from campaigns.application.use_cases.list_event_statuses import ListEventStatuses
from campaigns.application.use_cases.list_notifiable_markets import ListNotifiableMarkets
from campaigns.application.use_cases.list_upcoming_markets import ListUpcomingMarkets
from campaigns.application.use_cases.mark_markets_notified import MarkMarketsNotified
from campaigns.application.use_cases.schedule_market_notifications import ScheduleMarketNotifications
from campaigns.application.use_cases.upsert_event_status import UpsertEventStatus
from campaigns.domain.campaign import Campaign, CampaignDomain, Options
from campaigns.domain.errors import InvalidMarket, SupremeUserRequired, ValidationFailed
from campaigns.domain.event_status import EventStatus, EventStatusDates
from campaigns.domain.events import MarketUpdated
from campaigns.domain.market import Market, MarketEventInfo, Notification
from campaigns.domain.permissions import Action, Principal
from tests.fakes.in_memory import (
    InMemoryCampaignCache,
    InMemoryOutboxStore,
    InMemoryStore,
    InMemoryStoreReader,
    InMemoryUnitOfWork,
    SequentialIdFactory,
)
from tests.streams import EVERY_EVENT

NOW = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
SECOND = dt.timedelta(seconds=1)
SUPREME = Principal(user_id="root", supreme=True)
REMINDING, SILENT, UNSET_OPTIONS = (f"{n:024x}" for n in (0xC1, 0xC2, 0xC3))


def manager_of(*campaign_ids: str) -> Principal:
    return Principal(user_id="manager", grants={cid: frozenset(Action) for cid in campaign_ids})


def market_id(n: int) -> str:
    return f"{n:024x}"


def market(
    n: int, *, presale: dt.datetime | None = NOW + 3 * HOUR, campaign_id: str = REMINDING, **fields: object
) -> Market:
    event = MarketEventInfo(ids=[f"E{n}"], presaleDateTime=presale) if presale is not None else None
    base = Market(id=market_id(n), campaign_id=campaign_id, name=f"M{n}", city="C", state="S", timezone="UTC")
    return msgspec.structs.replace(base, event=event, **fields)


@dataclasses.dataclass
class App:
    store: InMemoryStore
    clock: FixedClock
    ids: SequentialIdFactory

    def uow(self) -> UnitOfWork:
        return InMemoryUnitOfWork(self.store, self.ids)

    def add(self, *markets: Market) -> None:
        for item in markets:
            self.store.markets[item.id] = item

    async def events(self) -> list[MarketUpdated]:
        entries = await InMemoryOutboxStore(self.store).pending(EVERY_EVENT, 100)
        return [entry.event for entry in entries if isinstance(entry.event, MarketUpdated)]

    @property
    def upcoming(self) -> ListUpcomingMarkets:
        return ListUpcomingMarkets(reads=InMemoryStoreReader(self.store), clock=self.clock)

    @property
    def schedule(self) -> ScheduleMarketNotifications:
        return ScheduleMarketNotifications(uow=self.uow, clock=self.clock, cache=InMemoryCampaignCache())

    @property
    def notifiable(self) -> ListNotifiableMarkets:
        return ListNotifiableMarkets(reads=InMemoryStoreReader(self.store), clock=self.clock)

    @property
    def notified(self) -> MarkMarketsNotified:
        return MarkMarketsNotified(uow=self.uow, clock=self.clock, cache=InMemoryCampaignCache())


@pytest.fixture
def app() -> App:
    store = InMemoryStore()
    for campaign_id, options in (
        (REMINDING, Options(automatedReminders=True)),
        (SILENT, Options(automatedReminders=False)),
        (UNSET_OPTIONS, None),
    ):
        store.campaigns[campaign_id] = Campaign(id=campaign_id, domain=CampaignDomain(), options=options, version=1)
    return App(store=store, clock=FixedClock(NOW), ids=SequentialIdFactory(start=1 << 40))


# --------------------------------------------------------------------------- upcoming


async def test_upcoming_keeps_the_window_ends_and_campaigns_with_reminders(app: App) -> None:
    app.add(
        market(1, presale=NOW + 2 * HOUR),
        market(2, presale=NOW + 27 * HOUR),
        market(3, presale=NOW + 2 * HOUR - SECOND),
        market(4, presale=NOW + 27 * HOUR + SECOND),
        market(5, presale=None),
        market(6, campaign_id=SILENT),
        market(7, campaign_id=UNSET_OPTIONS),
        market(8, campaign_id=market_id(0xDEAD)),  # its campaign is gone
        market(9, presale=NOW + 3 * HOUR),
    )

    found = await app.upcoming.execute(SUPREME)

    assert [m.id for m in found] == [market_id(1), market_id(9), market_id(2)]


async def test_upcoming_follows_the_clock(app: App) -> None:
    app.add(market(1, presale=NOW + 2 * HOUR))

    app.clock.advance(SECOND)

    assert await app.upcoming.execute(SUPREME) == []


@pytest.mark.parametrize("operation", ["upcoming", "notifiable"])
async def test_the_lists_need_a_supreme_user(app: App, operation: str) -> None:
    use_case: ListUpcomingMarkets | ListNotifiableMarkets = getattr(app, operation)
    with pytest.raises(SupremeUserRequired):
        await use_case.execute(manager_of(REMINDING))


# --------------------------------------------------------------------------- notifyDate


async def test_schedule_sets_the_date_stamps_updated_and_emits_the_full_market(app: App) -> None:
    app.add(market(1), market(2, notification=Notification(notified=NOW - HOUR)))
    app.clock.advance(HOUR)
    date = (NOW + 2 * HOUR).astimezone(dt.timezone(dt.timedelta(hours=-5)))

    changed = await app.schedule.execute(SUPREME, [market_id(2), market_id(1)], date)

    assert [m.id for m in changed] == [market_id(2), market_id(1)]
    assert changed[0].notification == Notification(date=NOW + 2 * HOUR, notified=NOW - HOUR)
    assert changed[1].notification == Notification(date=NOW + 2 * HOUR)
    assert all(m.date.updated == NOW + HOUR for m in changed)
    assert [app.store.markets[m.id] for m in changed] == changed
    assert [event.market for event in await app.events()] == changed


async def test_scheduling_the_same_date_again_changes_and_emits_nothing(app: App) -> None:
    app.add(market(1))
    first = await app.schedule.execute(SUPREME, [market_id(1), market_id(1)], NOW + HOUR)

    again = await app.schedule.execute(SUPREME, [market_id(1)], NOW + HOUR)

    assert again == first
    assert len(await app.events()) == 1


@pytest.mark.parametrize(
    "date",
    [
        pytest.param(NOW - SECOND, id="past"),
        pytest.param(NOW, id="now"),
        pytest.param(NOW + 3 * HOUR, id="at-the-presale"),
        pytest.param(NOW + 4 * HOUR, id="after-the-presale"),
    ],
)
async def test_a_date_not_between_now_and_every_presale_writes_nothing(app: App, date: dt.datetime) -> None:
    app.add(market(1, presale=NOW + 5 * HOUR), market(2, presale=NOW + 3 * HOUR))
    before = dict(app.store.markets)

    with pytest.raises(InvalidMarket) as raised:
        await app.schedule.execute(SUPREME, [market_id(1), market_id(2)], date)

    assert [e.field for e in raised.value.errors] == ["notificationDate"]
    assert raised.value.code == "INVALID_MARKET_SCHEMA"
    assert app.store.markets == before
    assert await app.events() == []


async def test_a_market_without_a_presale_cannot_take_a_notification_date(app: App) -> None:
    app.add(market(1), market(2, presale=None))

    with pytest.raises(InvalidMarket) as raised:
        await app.schedule.execute(SUPREME, [market_id(1), market_id(2)], NOW + HOUR)

    assert [e.field for e in raised.value.errors] == ["notificationDate"]
    assert market_id(2) in raised.value.errors[0].message
    assert app.store.markets[market_id(1)].notification is None


async def test_an_out_of_range_date_is_a_validation_error_not_a_crash(app: App) -> None:
    app.add(market(1))
    year_one = dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1)))

    with pytest.raises(InvalidMarket) as raised:
        await app.schedule.execute(SUPREME, [market_id(1)], year_one)

    assert [e.field for e in raised.value.errors] == ["notificationDate"]


async def test_an_unknown_id_changes_no_market_and_names_the_unknown(app: App) -> None:
    app.add(market(1))
    unknown = market_id(404)

    with pytest.raises(MarketNotFound) as raised:
        await app.schedule.execute(SUPREME, [market_id(1), unknown], NOW + HOUR)

    assert unknown in raised.value.message
    assert market_id(1) not in raised.value.message
    assert app.store.markets[market_id(1)].notification is None
    assert await app.events() == []


@pytest.mark.parametrize(
    "market_ids",
    [pytest.param([], id="empty"), pytest.param(["abc"], id="short"), pytest.param(["A" * 24], id="uppercase")],
)
async def test_malformed_market_ids_name_market_ids(app: App, market_ids: list[str]) -> None:
    with pytest.raises(InvalidMarket) as raised:
        await app.schedule.execute(SUPREME, market_ids, NOW - HOUR)

    assert {e.field for e in raised.value.errors} == {"marketIds", "notificationDate"}
    with pytest.raises(InvalidMarket) as raised:
        await app.notified.execute(SUPREME, market_ids)
    assert [e.field for e in raised.value.errors] == ["marketIds"]


async def test_the_writes_need_a_supreme_user(app: App) -> None:
    app.add(market(1))

    with pytest.raises(SupremeUserRequired):
        await app.schedule.execute(manager_of(REMINDING), [market_id(1)], NOW + HOUR)
    with pytest.raises(SupremeUserRequired):
        await app.notified.execute(manager_of(REMINDING), [market_id(1)])
    assert app.store.markets[market_id(1)] == market(1)


# --------------------------------------------------------------------------- notifiable and notified


async def test_notifiable_lists_due_reminders_until_they_are_marked(app: App) -> None:
    app.add(market(1), market(2), market(3))
    await app.schedule.execute(SUPREME, [market_id(1), market_id(2)], NOW + HOUR)
    await app.schedule.execute(SUPREME, [market_id(3)], NOW + 2 * HOUR)
    assert await app.notifiable.execute(SUPREME) == []

    app.clock.advance(HOUR)
    assert [m.id for m in await app.notifiable.execute(SUPREME)] == [market_id(1), market_id(2)]

    await app.notified.execute(SUPREME, [market_id(1)])
    assert [m.id for m in await app.notifiable.execute(SUPREME)] == [market_id(2)]


async def test_marking_notified_is_idempotent_and_keeps_the_first_instant(app: App) -> None:
    app.add(market(1), market(2))
    first = await app.notified.execute(SUPREME, [market_id(1)])
    app.clock.advance(HOUR)

    second = await app.notified.execute(SUPREME, [market_id(1), market_id(2)])

    assert first[0].notification == Notification(notified=NOW)
    assert second[0] == first[0]
    assert second[1].notification == Notification(notified=NOW + HOUR)
    assert [(e.market.id, e.occurred_at) for e in await app.events()] == [
        (market_id(1), NOW),
        (market_id(2), NOW + HOUR),
    ]


async def test_marking_with_an_unknown_id_marks_nothing(app: App) -> None:
    app.add(market(1))

    with pytest.raises(MarketNotFound):
        await app.notified.execute(SUPREME, [market_id(1), market_id(404)])

    assert app.store.markets[market_id(1)] == market(1)
    assert await app.events() == []


# --------------------------------------------------------------------------- event statuses


async def test_upsert_creates_then_replaces_the_whole_record_under_the_path_id(app: App) -> None:
    upsert = UpsertEventStatus(uow=app.uow)
    listing = ListEventStatuses(reads=InMemoryStoreReader(app.store))

    created = await upsert.execute(SUPREME, "vvG1", "onsale", NOW)
    replaced = await upsert.execute(SUPREME, "vvG1", "cancelled", None)

    assert created == EventStatus(id="vvG1", status="onsale", date=EventStatusDates(end=NOW))
    assert replaced == EventStatus(id="vvG1", status="cancelled")
    assert await listing.execute(SUPREME, None, None) == [replaced]
    assert await listing.execute(SUPREME, "cancelled", NOW) == []


@pytest.mark.parametrize(
    ("status", "end", "field"),
    [
        pytest.param(None, None, "status", id="missing-status"),
        pytest.param("  ", None, "status", id="blank-status"),
        pytest.param(
            "onsale", dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(-2 * HOUR)), "date.end", id="year-10000"
        ),
    ],
)
async def test_an_invalid_event_status_is_not_stored(
    app: App, status: str | None, end: dt.datetime | None, field: str
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await UpsertEventStatus(uow=app.uow).execute(SUPREME, "vvG1", status, end)

    assert [e.field for e in raised.value.errors] == [field]
    assert app.store.event_statuses == {}


async def test_event_statuses_need_a_supreme_user(app: App) -> None:
    with pytest.raises(SupremeUserRequired):
        await UpsertEventStatus(uow=app.uow).execute(manager_of(REMINDING), "vvG1", "onsale", None)
    with pytest.raises(SupremeUserRequired):
        await ListEventStatuses(reads=InMemoryStoreReader(app.store)).execute(manager_of(REMINDING), None, None)
    assert app.store.event_statuses == {}
