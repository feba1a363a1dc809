"""Ports of the store: readers, repositories and the unit of work that commits them with their outbox entries.

"Not found" is `None`, never an exception; writes inside a UnitOfWork become visible together
with their outbox entries on `commit()`, or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from types import TracebackType
from typing import Protocol, Self

from campaigns.application.queries import CampaignPage, CampaignQuery, GuardedUpdate
from campaigns.domain.campaign import Campaign
from campaigns.domain.contact import Contact
from campaigns.domain.event_mapping import EventMapping
from campaigns.domain.event_status import EventStatus
from campaigns.domain.events import AnyEvent
from campaigns.domain.market import Market
from campaigns.domain.promoter import Promoter


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
