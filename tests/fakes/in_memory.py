"""In-memory fakes of every port, for unit tests and the contract suites.

They enforce the same rules as the real stores (unique domain, CAS on version, unique names) so a
use case tested against them behaves the same in production. Units of work serialize on one lock,
as the SQLite store does.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import math
import time
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar

import msgspec

from campaigns.application.caching import CampaignChange
from campaigns.application.discovery import ArtistSummary, DiscoveryPage, VenueSummary
from campaigns.application.errors import ConcurrentUpdate, DependencyUnavailable
from campaigns.application.event_catalogue import EVENT_TYPES, event_type
from campaigns.application.outbox import (
    OutboxEntry,
    OutboxStats,
    ParkedEntry,
    Rejection,
    SinkRoute,
    StagedOutbox,
    purge_bounds,
)
from campaigns.application.ports.caches import CampaignCache
from campaigns.application.ports.discovery import DiscoveryCache, DiscoveryCatalog
from campaigns.application.ports.outbox import EventSink, OutboxStore
from campaigns.application.ports.security import PasswordVerifier
from campaigns.application.ports.store import (
    CampaignRepository,
    ContactRepository,
    EventMapRepository,
    EventStatusRepository,
    MarketRepository,
    PromoterRepository,
    StoreReader,
    UnitOfWork,
)
from campaigns.application.ports.system import IdFactory
from campaigns.application.queries import CampaignPage, CampaignQuery, CampaignSort, GuardedUpdate, SortDirection
from campaigns.domain.campaign import Campaign
from campaigns.domain.contact import Contact
from campaigns.domain.errors import DomainAlreadyClaimed, MarketNameTaken, PromoterNameTaken
from campaigns.domain.event_mapping import EventMapping
from campaigns.domain.event_status import EventStatus
from campaigns.domain.lifecycle import next_transition_at
from campaigns.domain.market import Market
from campaigns.domain.permissions import password_matches
from campaigns.domain.promoter import Promoter

T = TypeVar("T")


class ParkedRow(msgspec.Struct, frozen=True, kw_only=True):
    error: str
    parked_at: dt.datetime
    requeued: bool = False


@dataclasses.dataclass
class InMemoryStore:
    """The committed state every fake unit of work and the fake outbox store share; tests may read it."""

    campaigns: dict[str, Campaign] = dataclasses.field(default_factory=dict)
    markets: dict[str, Market] = dataclasses.field(default_factory=dict)
    promoters: dict[str, Promoter] = dataclasses.field(default_factory=dict)
    contacts: dict[str, Contact] = dataclasses.field(default_factory=dict)
    event_statuses: dict[str, EventStatus] = dataclasses.field(default_factory=dict)
    event_maps: dict[str, EventMapping] = dataclasses.field(default_factory=dict)
    """By campaign id."""
    outbox: dict[int, OutboxEntry] = dataclasses.field(default_factory=dict)
    """By sequence."""
    sequence: int = 0
    positions: dict[str, int] = dataclasses.field(default_factory=dict)
    parked: dict[tuple[str, int], ParkedRow] = dataclasses.field(default_factory=dict)
    """By (sink, sequence)."""
    leases: dict[str, tuple[str, dt.datetime]] = dataclasses.field(default_factory=dict)
    """Lease name: (holder, expires at)."""
    lock: asyncio.Lock = dataclasses.field(default_factory=asyncio.Lock, repr=False, compare=False)

    def load(self, source: InMemoryStore) -> None:
        """Take a copy of `source`'s contents; documents are immutable, so shallow copies are independent."""
        self.campaigns = dict(source.campaigns)
        self.markets = dict(source.markets)
        self.promoters = dict(source.promoters)
        self.contacts = dict(source.contacts)
        self.event_statuses = dict(source.event_statuses)
        self.event_maps = dict(source.event_maps)
        self.outbox = dict(source.outbox)
        self.sequence = source.sequence
        self.positions = dict(source.positions)
        self.parked = dict(source.parked)
        self.leases = dict(source.leases)


def _page(items: list[T], page: int, page_size: int) -> list[T]:
    return items[page * page_size : (page + 1) * page_size]


def _contains(text: str, fields: Iterable[str | None]) -> bool:
    needle = text.lower()
    return any(needle in field.lower() for field in fields if field)


_SORT_VALUES: dict[CampaignSort, Callable[[Campaign], Any]] = {
    CampaignSort.CREATED: lambda c: c.date.created,
    CampaignSort.UPDATED: lambda c: c.date.updated,
    CampaignSort.NAME: lambda c: c.name,
    CampaignSort.STATUS: lambda c: c.status.value,
    CampaignSort.OPEN: lambda c: c.date.opens_at,
    CampaignSort.CLOSE: lambda c: c.date.closes_at,
}


def _matches(campaign: Campaign, query: CampaignQuery) -> bool:
    artist = campaign.artist
    checks = (
        not query.text or _contains(query.text, (campaign.name, campaign.identifier, artist.name if artist else None)),
        query.type is None or campaign.type == query.type,
        query.schema_version is None or campaign.schema.version == query.schema_version,
        query.artist_id is None or (artist is not None and artist.id == query.artist_id),
        query.status is None or campaign.status == query.status,
        query.readable_ids is None or campaign.id in query.readable_ids,
    )
    return all(checks)


class InMemoryCampaignRepository(CampaignRepository):
    def __init__(self, tables: InMemoryStore) -> None:
        self._tables = tables

    async def get(self, campaign_id: str) -> Campaign | None:
        return self._tables.campaigns.get(campaign_id)

    async def get_by_site(self, site: str) -> Campaign | None:
        return next((c for c in self._tables.campaigns.values() if c.site == site), None)

    async def add(self, campaign: Campaign) -> None:
        self._ensure_site_unique(campaign)
        self._tables.campaigns[campaign.id] = campaign

    async def update(self, campaign: Campaign) -> None:
        stored = self._tables.campaigns.get(campaign.id)
        if stored is None or stored.version != campaign.version - 1:
            raise ConcurrentUpdate
        self._ensure_site_unique(campaign)
        self._tables.campaigns[campaign.id] = campaign

    async def update_many(self, updates: Sequence[GuardedUpdate]) -> set[str]:
        applied: set[str] = set()
        for update in updates:
            stored, campaign = self._tables.campaigns.get(update.campaign.id), update.campaign
            if stored is None or (stored.version, stored.status) != (campaign.version - 1, update.expected_status):
                continue
            self._ensure_site_unique(campaign)
            self._tables.campaigns[campaign.id] = campaign
            applied.add(campaign.id)
        return applied

    def _ensure_site_unique(self, campaign: Campaign) -> None:
        """Mirror the store's unique index over non-null `domain.site`, whatever the holder's status."""
        if campaign.site is None:
            return
        if any(other.site == campaign.site and other.id != campaign.id for other in self._tables.campaigns.values()):
            raise DomainAlreadyClaimed(f"The domain {campaign.site!r} is held by another campaign.")

    async def find_due(self, now: dt.datetime, *, after: tuple[dt.datetime, str] | None, limit: int) -> list[Campaign]:
        due = [
            (at, c.id, c)
            for c in self._tables.campaigns.values()
            if (at := next_transition_at(c)) is not None and at <= now
        ]
        due.sort(key=lambda item: (item[0], item[1]))
        return [c for at, campaign_id, c in due if after is None or (at, campaign_id) > after][:limit]

    async def search(self, query: CampaignQuery) -> CampaignPage:
        found = [c for c in self._tables.campaigns.values() if _matches(c, query)]
        sort_value = _SORT_VALUES[query.sort_by]
        # The same order as SQL: nulls first ascending (last descending), ties broken by id.
        found.sort(
            key=lambda c: ((value := sort_value(c)) is not None, value, c.id),
            reverse=query.direction is SortDirection.DESC,
        )
        return CampaignPage(campaigns=_page(found, query.page, query.page_size), total=len(found))

    async def get_many(self, campaign_ids: Sequence[str]) -> list[Campaign]:
        campaigns = self._tables.campaigns
        return [campaigns[campaign_id] for campaign_id in sorted(set(campaign_ids)) if campaign_id in campaigns]

    async def ping(self) -> None:
        return None


def _by_instant(found: Iterable[tuple[dt.datetime, Market]]) -> list[Market]:
    """Markets in (instant, id) order, as the SQL queries sort them."""
    return [m for _, m in sorted(found, key=lambda item: (item[0], item[1].id))]


class InMemoryMarketRepository(MarketRepository):
    def __init__(self, tables: InMemoryStore) -> None:
        self._tables = tables

    async def get(self, market_id: str) -> Market | None:
        return self._tables.markets.get(market_id)

    async def list_for_campaign(self, campaign_id: str) -> list[Market]:
        return sorted((m for m in self._tables.markets.values() if m.campaign_id == campaign_id), key=lambda m: m.id)

    async def list_for_campaigns(self, campaign_ids: Sequence[str]) -> list[Market]:
        wanted = set(campaign_ids)
        return sorted(
            (m for m in self._tables.markets.values() if m.campaign_id in wanted), key=lambda m: (m.campaign_id, m.id)
        )

    async def add(self, market: Market) -> None:
        self._ensure_name_unique(market)
        self._tables.markets[market.id] = market

    async def update(self, market: Market) -> None:
        if market.id not in self._tables.markets:
            return
        self._ensure_name_unique(market)
        self._tables.markets[market.id] = market

    def _ensure_name_unique(self, market: Market) -> None:
        if any(
            other.campaign_id == market.campaign_id and other.name == market.name and other.id != market.id
            for other in self._tables.markets.values()
        ):
            raise MarketNameTaken

    async def delete(self, market_id: str) -> None:
        self._tables.markets.pop(market_id, None)

    async def get_many(self, market_ids: Sequence[str]) -> list[Market]:
        markets = self._tables.markets
        return [markets[market_id] for market_id in sorted(set(market_ids)) if market_id in markets]

    async def presales_between(self, start: dt.datetime, end: dt.datetime) -> list[Market]:
        markets = self._tables.markets.values()
        return _by_instant((at, m) for m in markets if (at := m.presale_at) is not None and start <= at <= end)

    async def notifiable(self, now: dt.datetime) -> list[Market]:
        return _by_instant(
            (at, m)
            for m in self._tables.markets.values()
            if m.notification is not None
            and (at := m.notification.date) is not None
            and at <= now
            and m.notification.notified is None
        )


class InMemoryPromoterRepository(PromoterRepository):
    def __init__(self, tables: InMemoryStore) -> None:
        self._tables = tables

    async def get(self, promoter_id: str) -> Promoter | None:
        return self._tables.promoters.get(promoter_id)

    async def list_all(self) -> list[Promoter]:
        return sorted(self._tables.promoters.values(), key=lambda p: (p.name, p.id))

    async def add(self, promoter: Promoter) -> None:
        self._ensure_name_unique(promoter)
        self._tables.promoters[promoter.id] = promoter

    async def update(self, promoter: Promoter) -> None:
        if promoter.id not in self._tables.promoters:
            return
        self._ensure_name_unique(promoter)
        self._tables.promoters[promoter.id] = promoter

    def _ensure_name_unique(self, promoter: Promoter) -> None:
        if any(p.name == promoter.name and p.id != promoter.id for p in self._tables.promoters.values()):
            raise PromoterNameTaken

    async def delete(self, promoter_id: str) -> None:
        self._tables.promoters.pop(promoter_id, None)


class InMemoryContactRepository(ContactRepository):
    def __init__(self, tables: InMemoryStore) -> None:
        self._tables = tables

    async def get(self, contact_id: str) -> Contact | None:
        return self._tables.contacts.get(contact_id)

    async def search(self, text: str | None, *, page: int, page_size: int) -> tuple[list[Contact], int]:
        found = sorted(
            (c for c in self._tables.contacts.values() if not text or _contains(text, (c.name, c.email, *c.keyword))),
            key=lambda c: (c.name, c.id),
        )
        return _page(found, page, page_size), len(found)

    async def find_by_email(self, email: str) -> Contact | None:
        wanted = email.lower()
        matches = (c for c in self._tables.contacts.values() if c.email.lower() == wanted)
        return min(matches, key=lambda c: c.id, default=None)

    async def upsert(self, contact: Contact) -> None:
        self._tables.contacts[contact.id] = contact


class InMemoryEventStatusRepository(EventStatusRepository):
    def __init__(self, tables: InMemoryStore) -> None:
        self._tables = tables

    async def find(self, status: str | None, until: dt.datetime | None) -> list[EventStatus]:
        return sorted(
            (
                r
                for r in self._tables.event_statuses.values()
                if (status is None or r.status == status)
                and (until is None or (r.date.end is not None and r.date.end <= until))
            ),
            key=lambda r: r.id,
        )

    async def upsert(self, record: EventStatus) -> None:
        self._tables.event_statuses[record.id] = record


class InMemoryEventMapRepository(EventMapRepository):
    """Scans every mapping: the fake answers as the stores do, not as fast."""

    def __init__(self, tables: InMemoryStore) -> None:
        self._tables = tables

    async def put(self, mappings: Sequence[EventMapping]) -> None:
        self._tables.event_maps.update((mapping.campaign_id, mapping) for mapping in mappings)

    async def campaign_ids_for_event(self, event_id: str) -> list[str]:
        mappings = self._tables.event_maps.values()
        return sorted(m.campaign_id for m in mappings if event_id in m.event_ids and m.listed_for_events)

    async def event_ids_in_window(self, start: dt.datetime, end: dt.datetime) -> list[str]:
        return sorted({i for m in self._tables.event_maps.values() if m.overlaps(start, end) for i in m.event_ids})

    async def category_ids_in_window(self, start: dt.datetime, end: dt.datetime) -> list[str]:
        return sorted({i for m in self._tables.event_maps.values() if m.overlaps(start, end) for i in m.category_ids})

    async def campaign_ids_with_categories(self, category_ids: Sequence[str]) -> list[str]:
        wanted = set(category_ids)
        return sorted(m.campaign_id for m in self._tables.event_maps.values() if wanted.intersection(m.category_ids))


class InMemoryStoreReader(StoreReader):
    """Reads the published tables directly: a commit replaces them whole, so a read never sees half of one."""

    def __init__(self, store: InMemoryStore) -> None:
        self.campaigns = InMemoryCampaignRepository(store)
        self.markets = InMemoryMarketRepository(store)
        self.promoters = InMemoryPromoterRepository(store)
        self.contacts = InMemoryContactRepository(store)
        self.event_statuses = InMemoryEventStatusRepository(store)
        self.event_maps = InMemoryEventMapRepository(store)


class InMemoryUnitOfWork(UnitOfWork):
    """Works on a private copy of the store, taken on enter and published whole on commit."""

    def __init__(self, store: InMemoryStore, ids: IdFactory) -> None:
        self._store = store
        self._ids = ids
        self._work = InMemoryStore()
        self.campaigns = InMemoryCampaignRepository(self._work)
        self.markets = InMemoryMarketRepository(self._work)
        self.promoters = InMemoryPromoterRepository(self._work)
        self.contacts = InMemoryContactRepository(self._work)
        self.event_statuses = InMemoryEventStatusRepository(self._work)
        self.event_maps = InMemoryEventMapRepository(self._work)
        self.outbox = StagedOutbox()

    async def __aenter__(self) -> Self:
        await self._store.lock.acquire()
        self._work.load(self._store)
        self.outbox.staged.clear()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._store.lock.release()

    async def commit(self) -> None:
        for event in self.outbox.staged:
            self._work.sequence += 1
            self._work.outbox[self._work.sequence] = OutboxEntry(
                id=self._ids.new_id(), sequence=self._work.sequence, event=event
            )
        self.outbox.staged.clear()
        self._store.load(self._work)


class InMemoryOutboxStore(OutboxStore):
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def _backlog(self, sink: SinkRoute) -> list[OutboxEntry]:
        position = self._store.positions.get(sink.name, 0)
        parked = self._store.parked.items()
        requeued = [self._store.outbox[seq] for (name, seq), row in parked if name == sink.name and row.requeued]
        fresh = [
            entry
            for seq, entry in self._store.outbox.items()
            if seq > position and event_type(entry.event) in sink.event_types
        ]
        return sorted(requeued, key=_by_sequence) + sorted(fresh, key=_by_sequence)

    async def pending(self, sink: SinkRoute, limit: int) -> list[OutboxEntry]:
        async with self._store.lock:
            return self._backlog(sink)[:limit]

    async def acknowledge(self, sink: str, entries: Sequence[OutboxEntry]) -> None:
        async with self._store.lock:
            for entry in entries:
                if (row := self._store.parked.get((sink, entry.sequence))) is not None and row.requeued:
                    del self._store.parked[sink, entry.sequence]
            last = max((entry.sequence for entry in entries), default=0)
            self._store.positions[sink] = max(self._store.positions.get(sink, 0), last)

    async def park(self, sink: str, entry: OutboxEntry, *, error: str, at: dt.datetime) -> None:
        async with self._store.lock:
            self._store.parked[sink, entry.sequence] = ParkedRow(error=error, parked_at=at)

    async def stats(self, sink: SinkRoute) -> OutboxStats:
        async with self._store.lock:
            backlog = self._backlog(sink)
            parked = sum(1 for (name, _), row in self._store.parked.items() if name == sink.name and not row.requeued)
        return OutboxStats(
            backlog=len(backlog),
            parked=parked,
            oldest_pending_at=min((entry.event.occurred_at for entry in backlog), default=None),
        )

    async def parked(self, sink: str | None = None) -> list[ParkedEntry]:
        async with self._store.lock:
            rows = [
                ParkedEntry(
                    sink=name,
                    entry_id=(entry := self._store.outbox[seq]).id,
                    type=event_type(entry.event),
                    subject=entry.event.aggregate_id,
                    error=row.error,
                    parked_at=row.parked_at,
                    requeued=row.requeued,
                )
                for (name, seq), row in self._store.parked.items()
                if sink in (None, name)
            ]
        return sorted(rows, key=lambda row: (row.parked_at, row.sink))

    async def requeue_parked(self, sink: str | None = None) -> int:
        async with self._store.lock:
            keys = [key for key, row in self._store.parked.items() if sink in (None, key[0]) and not row.requeued]
            for key in keys:
                self._store.parked[key] = msgspec.structs.replace(self._store.parked[key], requeued=True)
            return len(keys)

    async def delivered_since(
        self, sink: SinkRoute, since: dt.datetime, *, after_sequence: int, limit: int
    ) -> list[OutboxEntry]:
        async with self._store.lock:
            position = self._store.positions.get(sink.name, 0)
            found = [
                entry
                for seq, entry in sorted(self._store.outbox.items())
                if after_sequence < seq <= position
                and entry.event.occurred_at >= since
                and event_type(entry.event) in sink.event_types
            ]
        return found[:limit]

    async def purge_delivered(self, *, before: dt.datetime, sinks: Sequence[SinkRoute]) -> int:
        async with self._store.lock:
            bounds = purge_bounds(sinks, self._store.positions)
            held = {seq for _, seq in self._store.parked}
            old = [
                seq
                for seq, entry in self._store.outbox.items()
                if seq <= bounds.get(event_type(entry.event), seq)
                and seq not in held
                and entry.event.occurred_at < before
            ]
            for seq in old:
                del self._store.outbox[seq]
            return len(old)

    async def hold_lease(self, name: str, holder: str, *, now: dt.datetime, until: dt.datetime) -> bool:
        async with self._store.lock:
            lease = self._store.leases.get(name)
            if lease is not None and lease[0] != holder and lease[1] > now:
                return False
            self._store.leases[name] = (holder, until)
            return True

    async def release_lease(self, name: str, holder: str) -> None:
        async with self._store.lock:
            if (lease := self._store.leases.get(name)) is not None and lease[0] == holder:
                del self._store.leases[name]


def _by_sequence(entry: OutboxEntry) -> int:
    return entry.sequence


class SequentialIdFactory(IdFactory):
    """Predictable ids (`000…001`, `000…002`, …) and salts, so tests can name what they expect."""

    def __init__(self, start: int = 1) -> None:
        self._next_id = start
        self._next_salt = 0

    def new_id(self) -> str:
        value = f"{self._next_id:024x}"
        self._next_id += 1
        return value

    def new_salt(self) -> bytes:
        self._next_salt += 1
        return self._next_salt.to_bytes(16, "big")


class InMemoryCampaignCache(CampaignCache):
    """Unbounded; keeps each changed campaign's version so a put of an older copy is dropped, as the port asks."""

    def __init__(self) -> None:
        self.by_site: dict[str, Campaign] = {}
        self._floors: dict[str, int] = {}

    async def get_by_site(self, site: str) -> Campaign | None:
        return self.by_site.get(site)

    async def put(self, campaign: Campaign) -> None:
        if campaign.site and campaign.version >= self._floors.get(campaign.id, 0):
            self.by_site[campaign.site] = campaign

    async def evict(self, changes: Sequence[CampaignChange]) -> None:
        for change in changes:
            self._floors[change.id] = max(change.version, self._floors.get(change.id, 0))
            for site in change.sites:
                self.by_site.pop(site, None)


class RecordingEventSink(EventSink):
    """Records what it receives; ids in `rejects` are refused for good.

    `fail_next(n)` makes the next n deliveries raise DependencyUnavailable.
    """

    def __init__(
        self,
        name: str = "recording",
        *,
        event_types: frozenset[str] = EVENT_TYPES,
        failures: int = 0,
        rejects: Sequence[str] = (),
    ) -> None:
        self.route = SinkRoute(name=name, event_types=event_types)
        self.delivered: list[OutboxEntry] = []
        self.rejects = set(rejects)
        self._failures = failures

    def fail_next(self, times: int) -> None:
        self._failures = times

    async def deliver(self, entries: Sequence[OutboxEntry]) -> list[Rejection]:
        if self._failures > 0:
            self._failures -= 1
            raise DependencyUnavailable(f"The {self.route.name} sink is down.")
        self.delivered.extend(entry for entry in entries if entry.id not in self.rejects)
        return [Rejection(entry_id=entry.id, reason="refused") for entry in entries if entry.id in self.rejects]


class InMemoryDiscoveryCatalog(DiscoveryCatalog):
    """Case-insensitive name search over fixed lists; `available=False` acts like an unreachable API.

    `calls` records each search as (kind, text, page, page_size), and `lookups` each read by id as
    (kind, id), so tests can tell a cache hit from a call.
    """

    def __init__(
        self, artists: Sequence[ArtistSummary] = (), venues: Sequence[VenueSummary] = (), *, available: bool = True
    ) -> None:
        self.artists = list(artists)
        self.venues = list(venues)
        self.available = available
        self.calls: list[tuple[str, str, int, int]] = []
        self.lookups: list[tuple[str, str]] = []

    def _ensure_available(self) -> None:
        if not self.available:
            raise DependencyUnavailable("Discovery is not available.")

    def _search(self, kind: str, items: list[T], names: Callable[[T], str], text: str, page: int, size: int) -> list[T]:
        self._ensure_available()
        self.calls.append((kind, text, page, size))
        return [item for item in items if _contains(text, (names(item),))]

    async def search_artists(self, text: str, *, page: int, page_size: int) -> DiscoveryPage[ArtistSummary]:
        found = self._search("artists", self.artists, lambda a: a.name, text, page, page_size)
        return DiscoveryPage(items=_page(found, page, page_size), total=len(found))

    async def search_venues(self, text: str, *, page: int, page_size: int) -> DiscoveryPage[VenueSummary]:
        found = self._search("venues", self.venues, lambda v: v.name, text, page, page_size)
        return DiscoveryPage(items=_page(found, page, page_size), total=len(found))

    async def get_artist(self, artist_id: str) -> ArtistSummary | None:
        self._ensure_available()
        self.lookups.append(("artist", artist_id))
        return next((a for a in self.artists if a.id == artist_id), None)

    async def get_venue(self, venue_id: str) -> VenueSummary | None:
        self._ensure_available()
        self.lookups.append(("venue", venue_id))
        return next((v for v in self.venues if v.id == venue_id), None)


class InMemoryDiscoveryCache(DiscoveryCache):
    """A dict whose puts expire as the port promises; tests read and write `entries`, and read `ttls`."""

    def __init__(self, ttl_seconds: float = 3600.0) -> None:
        self.ttl_seconds = ttl_seconds
        self.entries: dict[str, bytes] = {}
        self.ttls: dict[str, float | None] = {}
        """The TTL each put asked for; None: the cache's own."""
        self._expires_at: dict[str, float] = {}

    async def get(self, key: str) -> bytes | None:
        if self._expires_at.get(key, math.inf) <= time.monotonic():
            self.entries.pop(key, None)
            del self._expires_at[key]
        return self.entries.get(key)

    async def put(self, key: str, value: bytes, *, ttl_seconds: float | None = None) -> None:
        self.ttls[key] = ttl_seconds
        ttl = self.ttl_seconds if ttl_seconds is None else min(self.ttl_seconds, ttl_seconds)
        if ttl <= 0:
            return
        self.entries[key] = value
        self._expires_at[key] = time.monotonic() + ttl


class CountingPasswordVerifier(PasswordVerifier):
    """Hashes on the caller's thread (tests only: it blocks the loop) and counts the hashes in `checks`."""

    def __init__(self) -> None:
        self.checks = 0

    async def matches(self, stored_hash: str, password: str) -> bool:
        self.checks += 1
        return password_matches(stored_hash, password)
