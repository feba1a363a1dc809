"""Ports: what the use cases need from the outside world, as typing.Protocol classes.

Each adapter subclasses its port explicitly so mypy checks conformance. Contracts worth knowing:
"not found" is `None`, never an exception; writes inside a UnitOfWork become visible together
with their outbox entries on `commit()`, or not at all.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Hashable, Mapping, Sequence
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

import msgspec

from campaigns.domain.campaign import Campaign, CampaignType, Status
from campaigns.domain.contact import Contact
from campaigns.domain.event_mapping import EventMapping
from campaigns.domain.event_status import EventStatus
from campaigns.domain.events import AnyEvent
from campaigns.domain.market import Market
from campaigns.domain.promoter import Promoter


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, timezone-aware UTC."""
        ...


class IdFactory(Protocol):
    def new_id(self) -> str:
        """A new unique 24-hex-character id (MongoDB ObjectId format)."""
        ...

    def new_salt(self) -> bytes:
        """Fresh random bytes for salting a password hash."""
        ...


class SortDirection(enum.StrEnum):
    ASC = "asc"
    DESC = "desc"


class CampaignSort(enum.StrEnum):
    CREATED = "date.created"
    UPDATED = "date.updated"
    NAME = "name"
    STATUS = "status"
    OPEN = "date.open"
    CLOSE = "date.close"


class CampaignQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Filters of the campaign list; `readable_ids` None means no restriction (supreme)."""

    text: str | None = None
    type: CampaignType | None = None
    schema_version: str | None = None
    artist_id: str | None = None
    status: Status | None = None
    readable_ids: frozenset[str] | None = None
    sort_by: CampaignSort = CampaignSort.CREATED
    direction: SortDirection = SortDirection.DESC
    page: int = 0
    page_size: int = 10


class CampaignPage(msgspec.Struct, frozen=True, kw_only=True):
    campaigns: list[Campaign]
    total: int


class CampaignReader(Protocol):
    async def get(self, campaign_id: str) -> Campaign | None: ...

    async def get_by_site(self, site: str) -> Campaign | None:
        """The campaign holding `site` (`domain.site`), whatever its status."""
        ...

    async def search(self, query: CampaignQuery) -> CampaignPage: ...

    async def get_many(self, campaign_ids: Sequence[str]) -> list[Campaign]:
        """The campaigns among `campaign_ids` that exist, in id order (one read for many)."""
        ...

    async def ping(self) -> None:
        """Raise DependencyUnavailable when the store cannot answer."""
        ...

    async def find_due(self, now: dt.datetime, *, after: tuple[dt.datetime, str] | None, limit: int) -> list[Campaign]:
        """Campaigns whose next scheduled transition is due at `now`, in (due instant, id) order.

        `after` is the (due instant, id) of the last campaign of the previous page. The cost grows
        with the number due, not the number stored. `now` may be a later instant: then the answer
        is every campaign whose next transition falls due by then (what the agenda reads).
        """
        ...


class GuardedUpdate(msgspec.Struct, frozen=True, kw_only=True):
    """A compare-and-set write of one campaign.

    `campaign` replaces the stored campaign only while that one is still at `expected_status` and
    at version `campaign.version - 1`.
    """

    campaign: Campaign
    expected_status: Status


class CampaignRepository(CampaignReader, Protocol):
    async def add(self, campaign: Campaign) -> None:
        """Insert a new campaign (its `version` is 1).

        Raises:
            DomainAlreadyClaimed: another stored campaign holds the same non-null `domain.site`.
        """
        ...

    async def update(self, campaign: Campaign) -> None:
        """Compare-and-set: store `campaign` only if the stored version is `campaign.version - 1`.

        Raises:
            ConcurrentUpdate: the stored version differs (or the campaign is gone).
            DomainAlreadyClaimed: another stored campaign holds the same non-null `domain.site`.
        """
        ...

    async def update_many(self, updates: Sequence[GuardedUpdate]) -> set[str]:
        """Each update compare-and-set, in this unit of work; returns the ids stored.

        An update whose campaign moved on (another version or status, or gone) is skipped, not
        raised: the others are still stored. At most one update per campaign.

        Raises:
            DomainAlreadyClaimed: an update claims a `domain.site` another stored campaign holds.
        """
        ...


class MarketReader(Protocol):
    async def get(self, market_id: str) -> Market | None: ...

    async def list_for_campaign(self, campaign_id: str) -> list[Market]: ...

    async def list_for_campaigns(self, campaign_ids: Sequence[str]) -> list[Market]:
        """The markets of any of these campaigns (one read for many), ordered by campaign id, then id."""
        ...

    async def get_many(self, market_ids: Sequence[str]) -> list[Market]:
        """The markets among `market_ids` that exist, in id order (unknown ids are left out)."""
        ...

    async def presales_between(self, start: dt.datetime, end: dt.datetime) -> list[Market]:
        """Markets whose `event.presaleDateTime` is in [start, end] (both included), in (presale, id) order."""
        ...

    async def notifiable(self, now: dt.datetime) -> list[Market]:
        """Markets whose `notification.date` is at or before `now` and not yet `notified`, in (date, id) order."""
        ...


class MarketRepository(MarketReader, Protocol):
    async def add(self, market: Market) -> None:
        """Raises MarketNameTaken when the campaign already has a market with this name."""
        ...

    async def update(self, market: Market) -> None:
        """Raises MarketNameTaken as `add` does; an absent market is a no-op."""
        ...

    async def delete(self, market_id: str) -> None: ...


class EventMapReader(Protocol):
    """The event-mapping read model (`domain.event_mapping`): each answer is one indexed query.

    Its cost follows the size of the answer, not the number of campaigns or markets stored.
    """

    async def campaign_ids_for_event(self, event_id: str) -> list[str]:
        """Ids of the campaigns covering `event_id` that `/campaigns/events` lists (`listed_for_events`), sorted."""
        ...

    async def event_ids_in_window(self, start: dt.datetime, end: dt.datetime) -> list[str]:
        """The event ids of campaigns whose presale window overlaps [start, end]: each once, sorted."""
        ...

    async def category_ids_in_window(self, start: dt.datetime, end: dt.datetime) -> list[str]:
        """The category ids of campaigns whose presale window overlaps [start, end]: each once, sorted."""
        ...

    async def campaign_ids_with_categories(self, category_ids: Sequence[str]) -> list[str]:
        """Ids of the campaigns having any of `category_ids`, sorted."""
        ...


class EventMapRepository(EventMapReader, Protocol):
    async def put(self, mappings: Sequence[EventMapping]) -> None:
        """Store these mappings, each replacing its campaign's previous one."""
        ...


class PromoterReader(Protocol):
    async def get(self, promoter_id: str) -> Promoter | None: ...

    async def list_all(self) -> list[Promoter]: ...


class PromoterRepository(PromoterReader, Protocol):
    async def add(self, promoter: Promoter) -> None:
        """Raises PromoterNameTaken when the name is taken."""
        ...

    async def update(self, promoter: Promoter) -> None: ...

    async def delete(self, promoter_id: str) -> None: ...


class ContactReader(Protocol):
    async def get(self, contact_id: str) -> Contact | None: ...

    async def search(self, text: str | None, *, page: int, page_size: int) -> tuple[list[Contact], int]:
        """Contacts whose name, email or keywords contain `text` (case-insensitive), and the total."""
        ...

    async def find_by_email(self, email: str) -> Contact | None:
        """The contact whose email equals `email` ignoring case (the lowest id, should several)."""
        ...


class ContactRepository(ContactReader, Protocol):
    async def upsert(self, contact: Contact) -> None: ...


class EventStatusReader(Protocol):
    async def find(self, status: str | None, until: dt.datetime | None) -> list[EventStatus]: ...


class EventStatusRepository(EventStatusReader, Protocol):
    async def upsert(self, record: EventStatus) -> None: ...


class OutboxEntry(msgspec.Struct, frozen=True, kw_only=True):
    """A committed event waiting for delivery; `id` is stable across retries for consumer de-duplication."""

    id: str
    sequence: int
    """Delivery order: a later commit on the same aggregate has a larger sequence (SQLite and the fake number every
    commit in order; MongoDB numbers entries once committed, so across aggregates it is the order relays found them)."""
    event: AnyEvent


class Outbox(Protocol):
    def append(self, events: Sequence[AnyEvent]) -> None:
        """Stage events; they are written in the same transaction as the unit of work's changes."""
        ...


class UnitOfWork(Protocol):
    """One atomic change: repositories plus the outbox, committed together or not at all."""

    campaigns: CampaignRepository
    markets: MarketRepository
    promoters: PromoterRepository
    contacts: ContactRepository
    event_statuses: EventStatusRepository
    event_maps: EventMapRepository
    outbox: Outbox

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Roll back whatever was not committed."""
        ...

    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class StoreReader(Protocol):
    """Read-only access for queries, outside any unit of work.

    Reads take no write lock and open no transaction (a read connection on SQLite, the configured
    read preference on MongoDB); each call sees committed state only. Use cases that decide a
    write read inside their unit of work instead.
    """

    campaigns: CampaignReader
    markets: MarketReader
    promoters: PromoterReader
    contacts: ContactReader
    event_statuses: EventStatusReader
    event_maps: EventMapReader


class SinkRoute(msgspec.Struct, frozen=True, kw_only=True):
    """A sink as the outbox knows it: its name keys its delivery position, parked entries and lease."""

    name: str
    event_types: frozenset[str]


def purge_bounds(sinks: Sequence[SinkRoute], positions: Mapping[str, int]) -> dict[str, int]:
    """Per event type, the highest sequence every sink taking that type has (types no sink takes: absent)."""
    bounds: dict[str, int] = {}
    for sink in sinks:
        position = positions.get(sink.name, 0)
        for kind in sink.event_types:
            bounds[kind] = min(bounds.get(kind, position), position)
    return bounds


class OutboxStats(msgspec.Struct, frozen=True, kw_only=True):
    """One sink's delivery state."""

    backlog: int
    parked: int
    oldest_pending_at: dt.datetime | None


class ParkedEntry(msgspec.Struct, frozen=True, kw_only=True):
    sink: str
    entry_id: str
    type: str
    subject: str
    error: str
    parked_at: dt.datetime
    requeued: bool


class OutboxStore(Protocol):
    """The relays' view of the outbox: one delivery position, parked set and lease per sink.

    An entry is pending for a sink when its type is one the sink takes and its sequence is past
    the sink's position, or when it was parked for that sink and then requeued. Sinks never wait
    for each other.
    """

    async def pending(self, sink: SinkRoute, limit: int) -> list[OutboxEntry]:
        """The sink's requeued entries, then its entries past its position, each in sequence order."""
        ...

    async def acknowledge(self, sink: str, entries: Sequence[OutboxEntry]) -> None:
        """The sink has these: its position moves past them (never back) and requeued ones leave the parked set."""
        ...

    async def park(self, sink: str, entry: OutboxEntry, *, error: str, at: dt.datetime) -> None:
        """Set an entry the sink rejected for good aside, with the reason, for an operator to requeue."""
        ...

    async def stats(self, sink: SinkRoute) -> OutboxStats: ...

    async def parked(self, sink: str | None = None) -> list[ParkedEntry]:
        """Parked entries (of one sink, or all), oldest first."""
        ...

    async def requeue_parked(self, sink: str | None = None) -> int:
        """Put parked entries (of one sink, or all) back in line once the cause is fixed; returns how many."""
        ...

    async def delivered_since(
        self, sink: SinkRoute, since: dt.datetime, *, after_sequence: int, limit: int
    ) -> list[OutboxEntry]:
        """Entries the sink already has, of events at or after `since`, past `after_sequence`: for a replay."""
        ...

    async def purge_delivered(self, *, before: dt.datetime, sinks: Sequence[SinkRoute]) -> int:
        """Delete entries of events before `before` that every sink taking their type has, and none holds parked."""
        ...

    async def hold_lease(self, name: str, holder: str, *, now: dt.datetime, until: dt.datetime) -> bool:
        """Take or extend the lease `name`; False while another holder's lease runs.

        One relay per sink at a time keeps each sink's stream in commit order when many
        schedulers share a store.
        """
        ...

    async def release_lease(self, name: str, holder: str) -> None:
        """Give the lease up at once (a no-op unless `holder` has it)."""
        ...


class Rejection(msgspec.Struct, frozen=True, kw_only=True):
    entry_id: str
    reason: str


class EventSink(Protocol):
    """A destination of committed events (Kinesis, SQS, Redis, the CDN, a local file).

    `deliver` raises `DependencyUnavailable` when the sink cannot take the batch now (the relay
    retries the whole batch with backoff; delivering an entry twice must be harmless), and
    returns the entries it will never take (too large, refused as malformed), which are parked.
    """

    route: SinkRoute

    async def deliver(self, entries: Sequence[OutboxEntry]) -> list[Rejection]: ...


class CampaignChange(msgspec.Struct, frozen=True, kw_only=True):
    """A committed change of one campaign: any copy of it older than `version` is stale.

    `sites` are the domains it held before the change and holds after it (none, one or two).
    """

    id: str
    version: int
    sites: tuple[str, ...]

    @classmethod
    def of(cls, before: Campaign, after: Campaign) -> CampaignChange:
        return cls(
            id=after.id, version=after.version, sites=tuple(dict.fromkeys(s for s in (before.site, after.site) if s))
        )

    @classmethod
    def of_markets(cls, campaign_id: str) -> CampaignChange:
        """A committed change of a campaign's markets: its own document is unchanged, so no copy of it is stale."""
        return cls(id=campaign_id, version=0, sites=())


class CampaignCache(Protocol):
    """Short-lived copies of campaigns for the fan-facing lookup by domain."""

    async def get_by_site(self, site: str) -> Campaign | None: ...

    async def put(self, campaign: Campaign) -> None: ...

    async def evict(self, changes: Sequence[CampaignChange]) -> None:
        """Called once the changes committed: no copy older than a change may be answered afterwards."""


AnswerT = TypeVar("AnswerT")
EncodedT = TypeVar("EncodedT")


class PreparedRead(Generic[AnswerT]):
    """A read's answer as it was committed, and the encodings made of it so far: they leave a cache together.

    Encodings are keyed by what tells them apart (a locale view, a caller class); a few per answer
    are kept, the oldest going first.
    """

    __slots__ = ("_encodings", "value")
    MAX_ENCODINGS = 16

    def __init__(self, value: AnswerT) -> None:
        self.value = value
        self._encodings: dict[Hashable, Any] = {}

    def encoded(self, key: Hashable, encode: Callable[[AnswerT], EncodedT]) -> EncodedT:
        """`encode(value)`, made once per key while the answer is kept."""
        if (found := self._encodings.get(key)) is None:
            if len(self._encodings) >= self.MAX_ENCODINGS:
                del self._encodings[next(iter(self._encodings))]
            found = self._encodings[key] = encode(self.value)
        encoding: EncodedT = found
        return encoding


class PreparedReads(Protocol):
    """Answers of the reads by id and by event, kept in this process until a commit changes what they show.

    A read notes `stamp()` before it reads the store and passes it to `keep`: an answer read while a
    change committed (here, or told by another process) is not kept, so it cannot outlive the change.
    An answer kept for a `campaign_id` is dropped at any committed change of that campaign or of its
    markets (`CampaignCache.evict`); one kept for no campaign follows the event mapping and is
    dropped at every change. Entries expire with the cache TTL too.
    """

    def stamp(self) -> int: ...

    def answer(self, key: Hashable) -> PreparedRead[Any] | None: ...

    def keep(self, key: Hashable, answer: PreparedRead[Any], *, campaign_id: str | None, stamp: int) -> None: ...


class PasswordVerifier(Protocol):
    """Checks a password against its stored salted hash (deliberately slow) without blocking the event loop."""

    async def matches(self, stored_hash: str, password: str) -> bool: ...


class AttemptLimiter(Protocol):
    """Attempts counted per caller and target (e.g. a user and a domain) over a moving window.

    An attempt is taken before its outcome is known, so concurrent attempts cannot outrun the limit;
    one that turns out not to be a failure is given back. A caller at the limit stays refused until
    enough of its attempts have left the window.
    """

    async def retry_after(self, caller: str, target: str) -> int | None:
        """None while `caller` may still try `target`; else whole seconds (at least 1) until it may. Counts nothing."""
        ...

    async def acquire(self, caller: str, target: str) -> int | None:
        """Count one attempt and answer None; or, at the limit, count nothing and answer `retry_after`'s seconds."""
        ...

    async def give_back(self, caller: str, target: str) -> None:
        """Uncount an attempt `acquire` counted that was no failure."""
        ...


class ArtistSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    discovery_id: str
    image_url: str | None = None


class VenueSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    city: str | None = None
    state: str | None = None
    country: str | None = None
    timezone: str | None = None


SummaryT = TypeVar("SummaryT", bound=msgspec.Struct)


class DiscoveryPage(msgspec.Struct, Generic[SummaryT], frozen=True, kw_only=True):
    """One page of a Discovery search; `total` counts every match, so clients can page on."""

    items: list[SummaryT]
    total: int


class DiscoveryCatalog(Protocol):
    """Ticketmaster Discovery search and lookups.

    A search Discovery finds nothing for is an empty page, an unknown id is `None`. Anything else
    that keeps it from answering raises DependencyUnavailable (DependencyFailed when it answered badly).
    """

    async def search_artists(self, text: str, *, page: int, page_size: int) -> DiscoveryPage[ArtistSummary]: ...

    async def search_venues(self, text: str, *, page: int, page_size: int) -> DiscoveryPage[VenueSummary]: ...

    async def get_artist(self, artist_id: str) -> ArtistSummary | None: ...

    async def get_venue(self, venue_id: str) -> VenueSummary | None: ...


class DiscoveryCache(Protocol):
    """Recent Discovery answers by key, sparing its small daily quota; the adapter owns the TTL.

    Values are opaque encoded bytes so an out-of-process cache (Redis) can hold them as they are.
    A cache that cannot answer should act as a miss (log, return None, drop the put): search then
    still works, only less cheaply.
    """

    async def get(self, key: str) -> bytes | None: ...

    async def put(self, key: str, value: bytes, *, ttl_seconds: float | None = None) -> None:
        """Keep `value` for the adapter's TTL, or for `ttl_seconds` when shorter (an answer that ages fast)."""
        ...
