"""Campaign and market use cases over the in-memory fakes: permissions, validation, merge, events, relay."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Self

import msgspec
import pytest

from campaigns.adapters.local.campaign_cache import InProcessCampaignCache
from campaigns.adapters.local.clock import FixedClock
from campaigns.adapters.redis.attempt_limiter import LimitsAttemptLimiter
from campaigns.application.errors import (
    CampaignNotFound,
    DependencyUnavailable,
    MarketNotFound,
    NotFound,
    VersionMismatch,
)
from campaigns.application.event_catalogue import ROUTES, event_type
from campaigns.application.outbox import OutboxEntry, OutboxStats, Rejection
from campaigns.application.ports.outbox import EventSink
from campaigns.application.ports.store import UnitOfWork
from campaigns.application.queries import CampaignQuery
from campaigns.application.use_cases import refresh_lifecycle
from campaigns.application.use_cases.clone_markets import CloneMarkets
from campaigns.application.use_cases.create_campaign import CreateCampaign
from campaigns.application.use_cases.create_market import CreateMarket
from campaigns.application.use_cases.delete_market import DeleteMarket
from campaigns.application.use_cases.get_campaign_by_domain import DomainLookup, GetCampaignByDomain
from campaigns.application.use_cases.get_market import GetMarket
from campaigns.application.use_cases.list_campaigns import ListCampaigns
from campaigns.application.use_cases.list_markets import ListMarkets
from campaigns.application.use_cases.refresh_lifecycle import RefreshLifecycle, RefreshReport
from campaigns.application.use_cases.relay_outbox import LEASE, RelayOutbox
from campaigns.application.use_cases.replay_outbox import ReplayOutbox
from campaigns.application.use_cases.update_campaign import UpdateCampaign
from campaigns.application.use_cases.update_market import UpdateMarket
from campaigns.domain.campaign import Campaign, Status
from campaigns.domain.errors import (
    AccessDenied,
    DomainAlreadyClaimed,
    InvalidCampaignPassword,
    InvalidMarket,
    InvalidStatusChange,
    MarketNameTaken,
    SupremeUserRequired,
    ValidationFailed,
)
from campaigns.domain.events import (
    AnyEvent,
    CampaignCreated,
    CampaignEventIdsMapped,
    CampaignStatusChanged,
    CampaignUpdated,
    MarketCreated,
    MarketDeleted,
    MarketPresaleChanged,
    MarketUpdated,
)
from campaigns.domain.market import Market
from campaigns.domain.market_writes import MarketEventInput, MarketInput
from campaigns.domain.permissions import Action, Principal, password_matches, principal_from_claims
from tests.commands import command
from tests.fakes.in_memory import (
    CountingPasswordVerifier,
    InMemoryCampaignCache,
    InMemoryOutboxStore,
    InMemoryStore,
    InMemoryStoreReader,
    InMemoryUnitOfWork,
    RecordingEventSink,
    SequentialIdFactory,
)
from tests.streams import EVERY_EVENT

NOW = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)
SUPREME = Principal(user_id="root", supreme=True)
NOBODY = Principal(user_id="fan")
ABSENT_ID = "ffffffffffffffffffffffff"


def grant(campaign_id: str, *actions: Action) -> Principal:
    return Principal(user_id="manager", grants={campaign_id: frozenset(actions)})


def campaign_body(site: str = "taylorswift", **extra: Any) -> dict[str, Any]:
    """A complete v2 registration campaign body (valid in any status)."""
    return {
        "name": "Eras Tour presale",
        "identifier": f"{site}-2026",
        "artist": {
            "id": "K8vZ917Gku7",
            "name": "Taylor Swift",
            "image_url": "https://img.example.com/ts.jpg",
        },
        "tour": {"name": "Eras"},
        "domain": {"site": site},
        "locales": [{"id": "en", "is_default": True}],
        **extra,
    }


def market_body(
    name: str = "Boston", presale: dt.datetime | None = None, *, timezone: str = "America/New_York"
) -> MarketInput:
    return MarketInput(
        name=name,
        city="Boston",
        state="MA",
        timezone=timezone,
        event=MarketEventInput(ids=["vvG1IZ4kXxZ4"], presaleDateTime=presale or NOW + dt.timedelta(days=10)),
    )


@dataclasses.dataclass
class App:
    store: InMemoryStore
    ids: SequentialIdFactory
    clock: FixedClock
    cache: InMemoryCampaignCache
    outbox: InMemoryOutboxStore
    prepared: InProcessCampaignCache = dataclasses.field(default_factory=lambda: InProcessCampaignCache(ttl_seconds=60))
    """The prepared reads of the reads by id and of the markets, evicted by market writes."""

    def uow(self) -> UnitOfWork:
        return InMemoryUnitOfWork(self.store, self.ids)

    @property
    def reads(self) -> InMemoryStoreReader:
        return InMemoryStoreReader(self.store)

    @property
    def create(self) -> CreateCampaign:
        return CreateCampaign(uow=self.uow, clock=self.clock, ids=self.ids)

    @property
    def update(self) -> UpdateCampaign:
        return UpdateCampaign(uow=self.uow, clock=self.clock, ids=self.ids, cache=self.cache)

    @property
    def by_domain(self) -> GetCampaignByDomain:
        return GetCampaignByDomain(
            reads=self.reads,
            cache=self.cache,
            verifier=CountingPasswordVerifier(),
            limiter=LimitsAttemptLimiter(),
            clock=self.clock,
            verified_ttl_seconds=2.0,
        )

    @property
    def listing(self) -> ListCampaigns:
        return ListCampaigns(reads=self.reads)

    @property
    def refresh(self) -> RefreshLifecycle:
        return RefreshLifecycle(uow=self.uow, clock=self.clock, cache=self.cache)

    @property
    def create_market(self) -> CreateMarket:
        return CreateMarket(uow=self.uow, clock=self.clock, ids=self.ids, cache=self.prepared)

    @property
    def update_market(self) -> UpdateMarket:
        return UpdateMarket(uow=self.uow, clock=self.clock, cache=self.prepared)

    @property
    def delete_market(self) -> DeleteMarket:
        return DeleteMarket(uow=self.uow, clock=self.clock, cache=self.prepared)

    @property
    def clone_markets(self) -> CloneMarkets:
        return CloneMarkets(uow=self.uow, clock=self.clock, ids=self.ids, cache=self.prepared)

    @property
    def list_markets(self) -> ListMarkets:
        return ListMarkets(reads=self.reads, prepared=self.prepared)

    @property
    def get_market(self) -> GetMarket:
        return GetMarket(reads=self.reads)

    def relay(self, *sinks: EventSink, batch_size: int = 500, holder: str = "relay-1") -> RelayOutbox:
        return RelayOutbox(outbox=self.outbox, sinks=sinks, clock=self.clock, holder=holder, batch_size=batch_size)

    async def entries(self) -> list[OutboxEntry]:
        return await self.outbox.pending(EVERY_EVENT, 1_000_000)

    async def events(self) -> list[AnyEvent]:
        return [entry.event for entry in await self.entries()]

    def snapshot(self) -> tuple[dict[str, Campaign], dict[str, Market], int]:
        return dict(self.store.campaigns), dict(self.store.markets), len(self.store.outbox)

    async def open_campaign(self, site: str = "taylorswift", **extra: Any) -> Campaign:
        created = await self.create.execute(SUPREME, command(campaign_body(site, **extra)))
        return await self.update.execute(SUPREME, created.id, command({"status": "OPEN"}))


@pytest.fixture
def app() -> App:
    store = InMemoryStore()
    return App(
        store=store,
        ids=SequentialIdFactory(),
        clock=FixedClock(NOW),
        cache=InMemoryCampaignCache(),
        outbox=InMemoryOutboxStore(store),
    )


# --------------------------------------------------------------------------- create


async def test_create_needs_a_supreme_user(app: App) -> None:
    manager = principal_from_claims({"userId": "m", "campaignActions": {ABSENT_ID: ["admin"]}})

    with pytest.raises(SupremeUserRequired):
        await app.create.execute(manager, command(campaign_body()))

    assert app.store.campaigns == {}
    assert await app.entries() == []


async def test_create_starts_draft_with_version_1_history_and_one_event(app: App) -> None:
    created = await app.create.execute(SUPREME, command(campaign_body()))

    assert created.status is Status.DRAFT
    assert created.version == 1
    assert [(e.status, e.at, e.by) for e in created.statusHistory] == [(Status.DRAFT, NOW, "root")]
    assert created.date.created == NOW
    assert created.date.updated == NOW
    assert app.store.campaigns == {created.id: created}
    assert await app.events() == [
        CampaignCreated(occurred_at=NOW, campaign_id=created.id, domain_site="taylorswift", status=Status.DRAFT),
        CampaignEventIdsMapped(occurred_at=NOW, campaign_id=created.id, domain_site="taylorswift", event_ids=[]),
    ]


async def test_create_may_start_in_preview(app: App) -> None:
    created = await app.create.execute(SUPREME, command(campaign_body(status="PREVIEW")))

    assert created.status is Status.PREVIEW
    assert app.store.campaigns[created.id].statusHistory[-1].status is Status.PREVIEW


@pytest.mark.parametrize("status", ["OPEN", "CLOSED", "INACTIVE"])
async def test_create_refuses_other_initial_statuses(app: App, status: str) -> None:
    with pytest.raises(InvalidStatusChange):
        await app.create.execute(SUPREME, command(campaign_body(status=status)))

    assert app.store.campaigns == {}
    assert await app.entries() == []


@pytest.mark.parametrize("field", ["colour", "passwordHash", "Name"])
def test_the_command_refuses_unknown_top_level_fields_by_name(field: str) -> None:
    """The strict decode at the edge is the one place unknown fields are refused."""
    with pytest.raises(msgspec.ValidationError, match=f"unknown field `{field}`"):
        command({**campaign_body(), field: "x"})


def test_the_command_refuses_an_object_field_that_is_not_one() -> None:
    with pytest.raises(msgspec.ValidationError, match=r"`\$\.artist`"):
        command(campaign_body(artist="not an object"))


@pytest.mark.parametrize(
    "body",
    [
        campaign_body("Not A Host"),
        campaign_body(status="PREVIEW", name=""),
        campaign_body(date={"open": "2026-05-02T00:00:00Z", "close": "2026-05-01T00:00:00Z"}),
        campaign_body(locales=[{"id": "english", "is_default": True}]),
    ],
    ids=["bad-host", "preview-without-name", "close-before-open", "bad-locale"],
)
async def test_an_invalid_body_writes_nothing(app: App, body: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed):
        await app.create.execute(SUPREME, command(body))

    assert app.store.campaigns == {}
    assert await app.entries() == []


async def test_create_refuses_a_held_domain(app: App) -> None:
    first = await app.create.execute(SUPREME, command(campaign_body("taylorswift")))

    with pytest.raises(DomainAlreadyClaimed):
        await app.create.execute(SUPREME, command(campaign_body("taylorswift")))

    assert list(app.store.campaigns) == [first.id]
    assert len(await app.entries()) == 2, "the first campaign's created and event-mapping only"


async def test_create_stores_the_password_hashed_never_plain(app: App) -> None:
    created = await app.create.execute(SUPREME, command(campaign_body(password="s3cret-Pa55")))

    stored = app.store.campaigns[created.id]
    assert stored.passwordHash is not None
    assert password_matches(stored.passwordHash, "s3cret-Pa55")
    assert not password_matches(stored.passwordHash, "s3cret-pa55")
    assert b"s3cret-Pa55" not in msgspec.json.encode(stored)
    assert all(b"s3cret-Pa55" not in msgspec.json.encode(entry) for entry in await app.entries())


async def test_create_ignores_echoed_read_only_fields(app: App) -> None:
    body = campaign_body(id="aaaaaaaaaaaaaaaaaaaaaaaa", version=99, statusHistory=[{"status": "OPEN"}])

    created = await app.create.execute(SUPREME, command(body))

    assert created.id != "aaaaaaaaaaaaaaaaaaaaaaaa"
    assert created.version == 1
    assert [entry.status for entry in created.statusHistory] == [Status.DRAFT]


@pytest.mark.parametrize(
    "status",
    [
        "open",
        "ACTIVE",
        1,
        True,
        ["OPEN"],
        {"to": "OPEN"},
    ],
    ids=["lowercase", "unknown", "int", "bool", "list", "object"],
)
def test_a_malformed_status_is_refused_by_the_command_naming_it(status: object) -> None:
    with pytest.raises(msgspec.ValidationError, match=r"`\$\.status`"):
        command({"status": status})


# --------------------------------------------------------------------------- update


async def test_update_deep_merges_objects_and_replaces_arrays(app: App) -> None:
    created = await app.create.execute(
        SUPREME,
        command(
            campaign_body(
                eventIds=["e1", "e2"],
                date={"open": "2026-05-01T00:00:00Z", "close": "2026-06-01T00:00:00Z"},
            )
        ),
    )

    updated = await app.update.execute(
        SUPREME,
        created.id,
        command({"artist": {"name": "T. Swift"}, "date": {"close": "2026-07-01T00:00:00+02:00"}, "eventIds": ["e3"]}),
    )

    assert updated.artist is not None
    assert updated.artist.name == "T. Swift"
    assert updated.artist.id == "K8vZ917Gku7"
    assert updated.artist.image_url == "https://img.example.com/ts.jpg"
    assert updated.date.open == dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    assert updated.date.close == dt.datetime(2026, 6, 30, 22, tzinfo=dt.UTC)
    assert updated.date.created == NOW
    assert updated.eventIds == ["e3"]
    assert updated.tour == created.tour
    assert app.store.campaigns[created.id] == updated


async def test_update_bumps_the_version_by_one_and_emits_campaign_updated(app: App) -> None:
    created = await app.create.execute(SUPREME, command(campaign_body()))
    app.clock.advance(dt.timedelta(minutes=5))

    first = await app.update.execute(SUPREME, created.id, command({"name": "Renamed"}))
    second = await app.update.execute(SUPREME, created.id, command({"tour": {"name": "Eras II"}}), if_match=2)

    assert (first.version, second.version) == (2, 3)
    assert second.date.updated == NOW + dt.timedelta(minutes=5)
    updates = [e for e in await app.events() if isinstance(e, CampaignUpdated)]
    assert [e.changed_fields for e in updates] == [["name"], ["tour"]]


async def test_update_with_a_stale_if_match_writes_nothing(app: App) -> None:
    created = await app.create.execute(SUPREME, command(campaign_body()))
    await app.update.execute(SUPREME, created.id, command({"name": "Renamed"}))
    before = app.snapshot()

    with pytest.raises(VersionMismatch):
        await app.update.execute(SUPREME, created.id, command({"name": "Lost update"}), if_match=1)

    assert app.snapshot() == before


async def test_update_needs_write(app: App) -> None:
    created = await app.create.execute(SUPREME, command(campaign_body()))
    before = app.snapshot()

    with pytest.raises(AccessDenied):
        await app.update.execute(grant(created.id, Action.READ), created.id, command({"name": "x"}))
    with pytest.raises(AccessDenied):
        await app.update.execute(grant(ABSENT_ID, Action.ADMIN), created.id, command({"name": "x"}))
    assert app.snapshot() == before

    updated = await app.update.execute(grant(created.id, Action.WRITE), created.id, command({"name": "By a writer"}))
    assert updated.name == "By a writer"


async def test_status_change_needs_admin(app: App) -> None:
    created = await app.create.execute(SUPREME, command(campaign_body()))
    before = app.snapshot()

    with pytest.raises(AccessDenied):
        await app.update.execute(grant(created.id, Action.WRITE), created.id, command({"status": "PREVIEW"}))
    assert app.snapshot() == before

    updated = await app.update.execute(grant(created.id, Action.ADMIN), created.id, command({"status": "PREVIEW"}))
    assert updated.status is Status.PREVIEW
    assert updated.statusHistory[-1].by == "manager"
    [change] = [e for e in await app.events() if isinstance(e, CampaignStatusChanged)]
    assert (change.from_status, change.to_status) == (Status.DRAFT, Status.PREVIEW)


async def test_an_ungranted_absent_campaign_answers_access_denied_not_not_found(app: App) -> None:
    with pytest.raises(AccessDenied):
        await app.update.execute(grant("0" * 24, Action.ADMIN), ABSENT_ID, command({"name": "x"}))


async def test_a_writer_asking_an_absent_campaign_for_a_status_change_is_denied_not_told_it_is_absent(
    app: App,
) -> None:
    with pytest.raises(AccessDenied):
        await app.update.execute(grant(ABSENT_ID, Action.WRITE), ABSENT_ID, command({"status": "OPEN"}))


@pytest.mark.parametrize("principal", [grant(ABSENT_ID, Action.WRITE), SUPREME], ids=["granted", "supreme"])
async def test_a_granted_absent_campaign_answers_not_found(app: App, principal: Principal) -> None:
    with pytest.raises(CampaignNotFound):
        await app.update.execute(principal, ABSENT_ID, command({"name": "x"}))


async def test_an_update_that_changes_nothing_writes_nothing(app: App) -> None:
    created = await app.create.execute(SUPREME, command(campaign_body(password="pw")))
    app.clock.advance(dt.timedelta(hours=1))
    before = app.snapshot()

    same_name = await app.update.execute(SUPREME, created.id, command({"name": created.name}))
    # A client echoing back what it read (the password hash is never shown to clients).
    echoed = {k: v for k, v in msgspec.to_builtins(created).items() if k != "passwordHash"}
    echoed_result = await app.update.execute(SUPREME, created.id, command(echoed))

    assert same_name == created
    assert echoed_result == created
    assert app.snapshot() == before


async def test_update_hashes_a_new_password_and_null_clears_it(app: App) -> None:
    created = await app.create.execute(SUPREME, command(campaign_body()))

    protected = await app.update.execute(SUPREME, created.id, command({"password": "n3w-secret"}))
    assert protected.passwordHash is not None
    assert password_matches(protected.passwordHash, "n3w-secret")
    assert b"n3w-secret" not in msgspec.json.encode(app.store.campaigns[created.id])
    assert all(b"n3w-secret" not in msgspec.json.encode(entry) for entry in await app.entries())

    cleared = await app.update.execute(SUPREME, created.id, command({"password": None}))
    assert cleared.passwordHash is None

    with pytest.raises(ValidationFailed):
        await app.update.execute(SUPREME, created.id, command({"password": ""}))


async def test_a_domain_change_moves_the_lookup_to_the_new_site(app: App) -> None:
    campaign = await app.open_campaign("old-site")
    assert (await app.by_domain.execute(NOBODY, DomainLookup(site="old-site"))).id == campaign.id  # now cached

    await app.update.execute(SUPREME, campaign.id, command({"domain": {"site": "new-site"}}))

    with pytest.raises(CampaignNotFound):
        await app.by_domain.execute(NOBODY, DomainLookup(site="old-site"))
    assert (await app.by_domain.execute(NOBODY, DomainLookup(site="new-site"))).id == campaign.id
    reused = await app.create.execute(SUPREME, command(campaign_body("old-site")))
    assert reused.site == "old-site"


# --------------------------------------------------------------------------- get by domain


@pytest.mark.parametrize("status", ["OPEN", "CLOSED"])
async def test_public_statuses_are_visible_to_any_caller(app: App, status: str) -> None:
    campaign = await app.open_campaign()
    if status == "CLOSED":
        campaign = await app.update.execute(SUPREME, campaign.id, command({"status": "CLOSED"}))

    found = await app.by_domain.execute(NOBODY, DomainLookup(site="taylorswift"))

    assert found.id == campaign.id
    assert found.status is Status(status)


@pytest.mark.parametrize("status", [None, "PREVIEW"])
async def test_draft_and_preview_need_read_access(app: App, status: str | None) -> None:
    body = campaign_body() if status is None else campaign_body(status=status)
    created = await app.create.execute(SUPREME, command(body))

    with pytest.raises(CampaignNotFound):  # exactly as for an unknown domain: no existence leak
        await app.by_domain.execute(NOBODY, DomainLookup(site="taylorswift"))
    with pytest.raises(CampaignNotFound):
        await app.by_domain.execute(grant(ABSENT_ID, Action.ADMIN), DomainLookup(site="taylorswift"))
    for action in Action:
        found = await app.by_domain.execute(grant(created.id, action), DomainLookup(site="taylorswift"))
        assert found.id == created.id


async def test_a_password_protected_campaign_needs_the_password(app: App) -> None:
    campaign = await app.open_campaign(password="letmein")

    for wrong in (None, "", "LETMEIN", "letmein "):
        with pytest.raises(InvalidCampaignPassword):
            await app.by_domain.execute(NOBODY, DomainLookup(site="taylorswift", password=wrong))
    found = await app.by_domain.execute(NOBODY, DomainLookup(site="taylorswift", password="letmein"))
    assert found.id == campaign.id


async def test_an_unknown_domain_is_not_found(app: App) -> None:
    with pytest.raises(CampaignNotFound):
        await app.by_domain.execute(SUPREME, DomainLookup(site="nobody-here"))


# --------------------------------------------------------------------------- list


async def test_list_shows_non_supreme_callers_only_their_campaigns(app: App) -> None:
    a = await app.create.execute(SUPREME, command(campaign_body("site-a")))
    b = await app.create.execute(SUPREME, command(campaign_body("site-b")))
    c = await app.create.execute(SUPREME, command(campaign_body("site-c")))
    manager = principal_from_claims(
        {"userId": "m", "campaignActions": {a.id: ["read"], c.id: ["junk"]}, "campaignIds": [b.id]}
    )

    mine = await app.listing.execute(manager, CampaignQuery(page_size=100))
    everything = await app.listing.execute(SUPREME, CampaignQuery(page_size=100))
    nothing = await app.listing.execute(NOBODY, CampaignQuery(page_size=100))

    assert sorted(x.id for x in mine.campaigns) == sorted([a.id, b.id])
    assert mine.total == 2
    assert sorted(x.id for x in everything.campaigns) == sorted([a.id, b.id, c.id])
    assert (nothing.campaigns, nothing.total) == ([], 0)


async def test_list_ignores_a_caller_supplied_id_scope(app: App) -> None:
    a = await app.create.execute(SUPREME, command(campaign_body("site-a")))
    b = await app.create.execute(SUPREME, command(campaign_body("site-b")))

    page = await app.listing.execute(grant(a.id, Action.READ), CampaignQuery(readable_ids=frozenset({a.id, b.id})))

    assert [x.id for x in page.campaigns] == [a.id]


# --------------------------------------------------------------------------- refresh


async def test_refresh_dry_run_reports_without_writing(app: App) -> None:
    created = await app.create.execute(
        SUPREME, command(campaign_body(date={"open": (NOW + dt.timedelta(hours=1)).isoformat()}))
    )
    app.clock.advance(dt.timedelta(hours=2))
    before = app.snapshot()

    dry = await app.refresh.execute(dry_run=True)

    assert app.snapshot() == before
    assert (dry.opened, dry.closed, dry.deactivated) == (1, 0, 0)
    assert [(c.id, c.from_, c.to, c.domain) for c in dry.campaigns] == [
        (created.id, Status.DRAFT, Status.OPEN, "taylorswift")
    ]

    real = await app.refresh.execute()

    assert msgspec.structs.replace(real, dry_run=True) == dry
    assert app.store.campaigns[created.id].status is Status.OPEN
    assert app.store.campaigns[created.id].version == 2


async def test_refresh_drops_the_cached_copy_of_a_transitioned_campaign(app: App) -> None:
    await app.create.execute(SUPREME, command(campaign_body(status="PREVIEW", date={"open": NOW.isoformat()})))
    reader = Principal(user_id="root", supreme=True)
    cached = await app.by_domain.execute(reader, DomainLookup(site="taylorswift"))
    assert cached.status is Status.PREVIEW

    await app.refresh.execute()

    assert (await app.by_domain.execute(NOBODY, DomainLookup(site="taylorswift"))).status is Status.OPEN


async def test_refresh_pages_through_every_due_campaign(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refresh_lifecycle, "PAGE_SIZE", 2)
    due_ids = []
    for n, days_ago in enumerate([5, 1, 3, 2, 4]):
        opens = NOW - dt.timedelta(days=days_ago)
        created = await app.create.execute(
            SUPREME, command(campaign_body(f"site-{n}", date={"open": opens.isoformat()}))
        )
        due_ids.append(created.id)
    not_due = await app.create.execute(
        SUPREME, command(campaign_body("later", date={"open": (NOW + dt.timedelta(days=1)).isoformat()}))
    )

    dry = await app.refresh.execute(dry_run=True)
    real = await app.refresh.execute()

    for report in (dry, real):
        assert sorted(c.id for c in report.campaigns) == sorted(due_ids)
        assert report.opened == 5
    assert [c.due_at for c in real.campaigns] == sorted(c.due_at for c in real.campaigns if c.due_at)
    assert all(app.store.campaigns[cid].status is Status.OPEN for cid in due_ids)
    assert app.store.campaigns[not_due.id].status is Status.DRAFT


class PrecededUnitOfWork(InMemoryUnitOfWork):
    """A unit of work that lets a competing writer commit first, right before it begins."""

    def __init__(self, store: InMemoryStore, ids: SequentialIdFactory, before: Callable[[], Awaitable[object]]) -> None:
        super().__init__(store, ids)
        self._before = before

    async def __aenter__(self) -> Self:
        await self._before()
        return await super().__aenter__()


def racing_refresh(app: App, before_write: Callable[[], Awaitable[object]]) -> RefreshLifecycle:
    """A scheduler whose first write (its second unit of work, after `find_due`) loses a race to `before_write`."""
    calls = 0

    def uow() -> UnitOfWork:
        nonlocal calls
        calls += 1
        if calls == 2:
            return PrecededUnitOfWork(app.store, app.ids, before_write)
        return InMemoryUnitOfWork(app.store, app.ids)

    return RefreshLifecycle(uow=uow, clock=app.clock, cache=app.cache)


async def status_changes(app: App) -> list[tuple[Status, Status]]:
    return [(e.from_status, e.to_status) for e in await app.events() if isinstance(e, CampaignStatusChanged)]


async def test_a_scheduler_that_loses_to_a_manual_change_applies_nothing(app: App) -> None:
    created = await app.create.execute(SUPREME, command(campaign_body(date={"open": NOW.isoformat()})))

    report = await racing_refresh(
        app, lambda: app.update.execute(SUPREME, created.id, command({"status": "PREVIEW"}))
    ).execute()

    assert report.campaigns == []
    stored = app.store.campaigns[created.id]
    assert (stored.status, stored.version) == (Status.PREVIEW, 2)
    assert [entry.status for entry in stored.statusHistory] == [Status.DRAFT, Status.PREVIEW]
    assert await status_changes(app) == [(Status.DRAFT, Status.PREVIEW)]

    await app.refresh.execute()  # the next tick sees the fresh state
    assert await status_changes(app) == [(Status.DRAFT, Status.PREVIEW), (Status.PREVIEW, Status.OPEN)]


async def test_two_schedulers_never_apply_a_transition_twice(app: App) -> None:
    created = await app.create.execute(
        SUPREME,
        command(campaign_body(date={"open": (NOW - dt.timedelta(days=2)).isoformat(), "close": NOW.isoformat()})),
    )
    winner_reports: list[RefreshReport] = []

    async def other_scheduler() -> None:
        winner_reports.append(await app.refresh.execute())

    loser = await racing_refresh(app, other_scheduler).execute()

    assert loser.campaigns == []
    [winner] = winner_reports
    assert [(c.id, c.from_, c.to) for c in winner.campaigns] == [
        (created.id, Status.DRAFT, Status.OPEN),
        (created.id, Status.OPEN, Status.CLOSED),
    ]
    assert await status_changes(app) == [(Status.DRAFT, Status.OPEN), (Status.OPEN, Status.CLOSED)]
    stored = app.store.campaigns[created.id]
    assert [entry.status for entry in stored.statusHistory] == [Status.DRAFT, Status.OPEN, Status.CLOSED]
    assert stored.version == 2


async def test_deactivation_releases_the_domain_for_lookups_and_new_claims(app: App) -> None:
    campaign = await app.open_campaign()
    await app.update.execute(SUPREME, campaign.id, command({"status": "CLOSED"}))
    assert (await app.by_domain.execute(NOBODY, DomainLookup(site="taylorswift"))).status is Status.CLOSED

    app.clock.advance(dt.timedelta(days=30))
    report = await app.refresh.execute()

    assert [(c.from_, c.to, c.domain) for c in report.campaigns] == [(Status.CLOSED, Status.INACTIVE, "taylorswift")]
    with pytest.raises(CampaignNotFound):
        await app.by_domain.execute(SUPREME, DomainLookup(site="taylorswift"))
    successor = await app.create.execute(SUPREME, command(campaign_body()))
    assert successor.site == "taylorswift"


# --------------------------------------------------------------------------- markets


async def test_create_market_needs_write_and_an_existing_campaign(app: App) -> None:
    campaign = await app.create.execute(SUPREME, command(campaign_body()))
    before = app.snapshot()

    with pytest.raises(AccessDenied):
        await app.create_market.execute(grant(campaign.id, Action.READ), campaign.id, market_body())
    with pytest.raises(CampaignNotFound):
        await app.create_market.execute(grant(ABSENT_ID, Action.WRITE), ABSENT_ID, market_body())
    with pytest.raises(InvalidMarket):
        await app.create_market.execute(SUPREME, campaign.id, market_body(timezone="not a zone"))
    assert app.snapshot() == before

    market = await app.create_market.execute(grant(campaign.id, Action.WRITE), campaign.id, market_body())

    assert market.campaign_id == campaign.id
    assert market.date.created == NOW
    assert app.store.markets == {market.id: market}
    assert (await app.events())[-2:] == [
        MarketCreated(occurred_at=NOW, market=market),
        CampaignEventIdsMapped(
            occurred_at=NOW, campaign_id=campaign.id, domain_site=campaign.site, event_ids=market.event_ids
        ),
    ]


async def test_market_names_are_unique_within_a_campaign(app: App) -> None:
    campaign = await app.create.execute(SUPREME, command(campaign_body()))
    other = await app.create.execute(SUPREME, command(campaign_body("other-site")))
    boston = await app.create_market.execute(SUPREME, campaign.id, market_body("Boston"))
    chicago = await app.create_market.execute(SUPREME, campaign.id, market_body("Chicago"))
    before = app.snapshot()

    with pytest.raises(MarketNameTaken):
        await app.create_market.execute(SUPREME, campaign.id, market_body("Boston"))
    with pytest.raises(MarketNameTaken):
        await app.update_market.execute(SUPREME, campaign.id, chicago.id, MarketInput(name="Boston"))
    assert app.snapshot() == before

    elsewhere = await app.create_market.execute(SUPREME, other.id, market_body("Boston"))
    assert elsewhere.name == boston.name


async def test_changing_the_presale_emits_presale_changed(app: App) -> None:
    campaign = await app.create.execute(SUPREME, command(campaign_body()))
    old_presale = NOW + dt.timedelta(days=10)
    new_presale = NOW + dt.timedelta(days=12)
    market = await app.create_market.execute(SUPREME, campaign.id, market_body(presale=old_presale))
    app.clock.advance(dt.timedelta(minutes=1))
    seen = len(await app.entries())

    updated = await app.update_market.execute(
        SUPREME, campaign.id, market.id, MarketInput(event=MarketEventInput(presaleDateTime=new_presale))
    )

    assert updated.presale_at == new_presale
    assert updated.event_ids == market.event_ids, "objects merge: the event ids stay"
    new = (await app.events())[seen:]
    assert [type(e) for e in new] == [MarketUpdated, MarketPresaleChanged, CampaignEventIdsMapped]
    presale = new[1]
    assert isinstance(presale, MarketPresaleChanged)
    assert presale.previous_presale_date_time == old_presale
    assert presale.market == updated


async def test_a_market_update_without_presale_change_emits_only_market_updated(app: App) -> None:
    campaign = await app.create.execute(SUPREME, command(campaign_body()))
    market = await app.create_market.execute(SUPREME, campaign.id, market_body())
    seen = len(await app.entries())

    await app.update_market.execute(SUPREME, campaign.id, market.id, MarketInput(population=650_000))
    unchanged = await app.update_market.execute(SUPREME, campaign.id, market.id, MarketInput(population=650_000))

    assert unchanged.population == 650_000
    assert [type(e) for e in (await app.events())[seen:]] == [MarketUpdated, CampaignEventIdsMapped]


async def test_delete_market(app: App) -> None:
    campaign = await app.create.execute(SUPREME, command(campaign_body()))
    other = await app.create.execute(SUPREME, command(campaign_body("other-site")))
    market = await app.create_market.execute(SUPREME, campaign.id, market_body())

    with pytest.raises(MarketNotFound):
        await app.delete_market.execute(SUPREME, other.id, market.id)
    with pytest.raises(AccessDenied):
        await app.delete_market.execute(grant(campaign.id, Action.READ), campaign.id, market.id)
    assert market.id in app.store.markets

    await app.delete_market.execute(grant(campaign.id, Action.ADMIN), campaign.id, market.id)

    assert app.store.markets == {}
    assert (await app.events())[-2:] == [
        MarketDeleted(occurred_at=NOW, market=market),
        CampaignEventIdsMapped(occurred_at=NOW, campaign_id=campaign.id, domain_site=campaign.site, event_ids=[]),
    ]
    with pytest.raises(MarketNotFound):
        await app.delete_market.execute(SUPREME, campaign.id, market.id)


async def test_list_and_get_markets_need_read_and_stay_within_the_campaign(app: App) -> None:
    campaign = await app.create.execute(SUPREME, command(campaign_body()))
    other = await app.create.execute(SUPREME, command(campaign_body("other-site")))
    market = await app.create_market.execute(SUPREME, campaign.id, market_body())
    reader = grant(campaign.id, Action.READ)

    assert (await app.list_markets.execute(reader, campaign.id)).value == [market]
    assert (await app.list_markets.execute(SUPREME, other.id)).value == []
    assert await app.get_market.execute(reader, campaign.id, market.id) == market
    with pytest.raises(AccessDenied):
        await app.list_markets.execute(grant(other.id, Action.ADMIN), campaign.id)
    with pytest.raises(AccessDenied):
        await app.get_market.execute(reader, ABSENT_ID, market.id)
    with pytest.raises(CampaignNotFound):
        await app.list_markets.execute(SUPREME, ABSENT_ID)
    with pytest.raises(MarketNotFound):
        await app.get_market.execute(SUPREME, other.id, market.id)


async def test_clone_copies_every_market_in_one_commit(app: App) -> None:
    source = await app.create.execute(SUPREME, command(campaign_body()))
    target = await app.create.execute(SUPREME, command(campaign_body("other-site")))
    boston = await app.create_market.execute(SUPREME, source.id, market_body("Boston"))
    chicago = await app.create_market.execute(SUPREME, source.id, market_body("Chicago"))
    seen = len(await app.entries())
    manager = Principal(user_id="m", grants={target.id: frozenset({Action.WRITE}), source.id: frozenset({Action.READ})})

    cloned = await app.clone_markets.execute(manager, target.id, source.id)

    assert [m.name for m in cloned] == ["Boston", "Chicago"]
    assert {m.id for m in cloned}.isdisjoint({boston.id, chicago.id})
    assert {m.campaign_id for m in cloned} == {target.id}
    assert [m.event for m in cloned] == [boston.event, chicago.event]
    assert sorted(app.store.markets) == sorted([boston.id, chicago.id, *(m.id for m in cloned)])
    assert (await app.events())[seen:] == [
        *(MarketCreated(occurred_at=NOW, market=m) for m in cloned),
        CampaignEventIdsMapped(
            occurred_at=NOW, campaign_id=target.id, domain_site=target.site, event_ids=boston.event_ids
        ),
    ]


async def test_clone_is_all_or_nothing_and_checks_both_grants_first(app: App) -> None:
    source = await app.create.execute(SUPREME, command(campaign_body()))
    target = await app.create.execute(SUPREME, command(campaign_body("other-site")))
    await app.create_market.execute(SUPREME, source.id, market_body("Boston"))
    await app.create_market.execute(SUPREME, source.id, market_body("Chicago"))
    await app.create_market.execute(SUPREME, target.id, market_body("Chicago"))
    before = app.snapshot()

    with pytest.raises(MarketNameTaken):
        await app.clone_markets.execute(SUPREME, target.id, source.id)
    with pytest.raises(AccessDenied):
        await app.clone_markets.execute(grant(target.id, Action.WRITE), target.id, ABSENT_ID)
    with pytest.raises(AccessDenied):
        await app.clone_markets.execute(grant(target.id, Action.READ), target.id, target.id)
    with pytest.raises(CampaignNotFound):
        await app.clone_markets.execute(SUPREME, target.id, ABSENT_ID)
    with pytest.raises(CampaignNotFound):
        await app.clone_markets.execute(SUPREME, ABSENT_ID, source.id)
    assert app.snapshot() == before


# --------------------------------------------------------------------------- relay


async def make_events(app: App, campaigns: int = 3) -> list[OutboxEntry]:
    for n in range(campaigns):
        campaign = await app.create.execute(SUPREME, command(campaign_body(f"site-{n}")))
        await app.create_market.execute(SUPREME, campaign.id, market_body())
    return await app.entries()


def of_types(entries: list[OutboxEntry], sink: RecordingEventSink) -> list[OutboxEntry]:
    return [entry for entry in entries if event_type(entry.event) in sink.route.event_types]


async def test_relay_delivers_each_sink_its_own_types_in_commit_order(app: App) -> None:
    entries = await make_events(app)
    everything = RecordingEventSink("everything")
    markets = RecordingEventSink("markets", event_types=ROUTES["data-pipeline"].event_types)
    relay = app.relay(everything, markets, batch_size=4)

    reports = [await relay.execute(sink) for sink in relay.sinks]

    assert [e.sequence for e in entries] == sorted(e.sequence for e in entries)
    assert everything.delivered == entries
    assert markets.delivered == of_types(entries, markets) != []
    assert [(r.sink, r.delivered, r.parked) for r in reports] == [
        ("everything", len(entries), 0),
        ("markets", len(markets.delivered), 0),
    ]
    assert await app.outbox.pending(everything.route, 10) == []
    assert (await relay.execute(everything)).delivered == 0


async def test_a_sink_that_is_down_delays_only_itself(app: App) -> None:
    entries = await make_events(app)
    down, up = RecordingEventSink("kinesis"), RecordingEventSink("redis")
    down.fail_next(1)
    relay = app.relay(down, up)

    with pytest.raises(DependencyUnavailable):
        await relay.execute(down)
    assert (await relay.execute(up)).delivered == len(entries)

    assert await app.outbox.pending(down.route, 1000) == entries, "nothing lost, order kept"
    assert (await relay.execute(down)).delivered == len(entries)
    assert down.delivered == up.delivered == entries


class FailsOnCall(RecordingEventSink):
    """Down for exactly one delivery call: the `failing_call`-th (1-based)."""

    def __init__(self, failing_call: int) -> None:
        super().__init__("flaky")
        self.calls = 0
        self.failing_call = failing_call

    async def deliver(self, entries: Sequence[OutboxEntry]) -> list[Rejection]:
        self.calls += 1
        if self.calls == self.failing_call:
            raise DependencyUnavailable("down")
        return await super().deliver(entries)


async def test_relay_failure_mid_stream_loses_nothing_and_keeps_order(app: App) -> None:
    entries = await make_events(app)
    sink = FailsOnCall(failing_call=2)
    relay = app.relay(sink, batch_size=2)

    with pytest.raises(DependencyUnavailable):
        await relay.execute(sink)

    assert sink.delivered == entries[:2], "the first batch went through before the sink went down"
    assert await app.outbox.pending(sink.route, 1000) == entries[2:]
    assert (await relay.execute(sink)).delivered == len(entries) - 2
    assert sink.delivered == entries


async def test_relay_parks_what_a_sink_rejects_for_good_and_delivers_the_rest(app: App) -> None:
    entries = await make_events(app)
    poisoned = entries[2]
    sink, other = RecordingEventSink("poisoned", rejects=[poisoned.id]), RecordingEventSink("other")
    relay = app.relay(sink, other)

    report = await relay.execute(sink)

    assert (report.delivered, report.parked) == (len(entries) - 1, 1)
    assert sink.delivered == [e for e in entries if e.id != poisoned.id]
    assert await app.outbox.stats(sink.route) == OutboxStats(backlog=0, parked=1, oldest_pending_at=None)
    [parked] = await app.outbox.parked()
    assert (parked.sink, parked.entry_id, parked.error) == ("poisoned", poisoned.id, "refused")
    assert (await relay.execute(other)).delivered == len(entries), "parked for that sink only"

    sink.rejects.clear()
    assert await app.outbox.requeue_parked("poisoned") == 1
    assert (await relay.execute(sink)).delivered == 1
    assert sink.delivered[-1] == poisoned
    assert await app.outbox.parked() == []


class YieldingSink(RecordingEventSink):
    """Gives the event loop away on every delivery, so concurrent relays really interleave."""

    async def deliver(self, entries: Sequence[OutboxEntry]) -> list[Rejection]:
        await asyncio.sleep(0)
        return await super().deliver(entries)


async def test_concurrent_relays_deliver_each_entry_once_in_commit_order(app: App) -> None:
    entries = await make_events(app, campaigns=5)
    sink = YieldingSink("kinesis")
    relays = [app.relay(sink, batch_size=2, holder=f"relay-{n}") for n in range(3)]

    reports = await asyncio.gather(*(relay.execute(sink) for relay in relays))

    assert sink.delivered == entries
    assert sum(report.delivered for report in reports) == len(entries)
    assert sorted(report.standing_by for report in reports) == [False, True, True]


async def test_a_standing_by_relay_takes_over_when_the_holder_stands_down_or_its_lease_runs_out(app: App) -> None:
    sink = RecordingEventSink("kinesis", event_types=frozenset({"campaign.created"}))
    first, second = app.relay(sink, holder="first"), app.relay(sink, holder="second")
    await first.execute(sink)
    early = await app.create.execute(SUPREME, command(campaign_body("early")))

    assert (await second.execute(sink)).standing_by
    await first.stand_down()
    assert (await second.execute(sink)).delivered == 1

    late = await app.create.execute(SUPREME, command(campaign_body("late")))
    assert (await first.execute(sink)).standing_by, "second holds the lease now"
    app.clock.advance(LEASE)
    assert (await first.execute(sink)).delivered == 1, "a dead holder blocks its sink for one lease at most"
    assert [entry.event.aggregate_id for entry in sink.delivered] == [early.id, late.id]


async def test_replay_sends_a_sink_what_it_had_since_an_instant_again(app: App) -> None:
    await make_events(app, campaigns=1)
    app.clock.advance(dt.timedelta(hours=1))
    since = app.clock.now()
    await app.create.execute(SUPREME, command(campaign_body("later")))
    sink = RecordingEventSink("kinesis")
    relay = app.relay(sink)
    await relay.execute(sink)
    first_pass = list(sink.delivered)

    replayed = await ReplayOutbox(outbox=app.outbox, sinks=[sink]).execute("kinesis", since)

    recent = [entry for entry in first_pass if entry.event.occurred_at >= since]
    assert replayed == len(recent) > 0
    assert sink.delivered == first_pass + recent, "same ids, same order"
    assert await app.outbox.pending(sink.route, 10) == [], "the position did not move"
    with pytest.raises(NotFound):
        await ReplayOutbox(outbox=app.outbox, sinks=[sink]).execute("sqs", since)
