"""Apply every scheduled status transition that is due."""

from __future__ import annotations

import datetime as dt

import msgspec

from campaigns.application.caching import CampaignChange
from campaigns.application.errors import ConcurrentUpdate
from campaigns.application.ports.caches import CampaignCache
from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.ports.system import Clock
from campaigns.application.queries import GuardedUpdate
from campaigns.application.use_cases._event_mapping import event_mappings
from campaigns.domain.campaign import Campaign, Status
from campaigns.domain.lifecycle import Transition, apply_due_transitions, next_transition_at

PAGE_SIZE = 500


class AppliedTransition(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    from_: Status = msgspec.field(name="from")
    to: Status
    domain: str | None
    due_at: dt.datetime | None = msgspec.field(default=None, name="dueAt")
    """The instant the transition was scheduled for."""
    applied_at: dt.datetime | None = msgspec.field(default=None, name="appliedAt")
    """The instant it took effect (its status-history entry's); past `due_at` by the lateness."""


class RefreshReport(msgspec.Struct, frozen=True, kw_only=True):
    at: dt.datetime
    """The instant the run applied its transitions at."""
    dry_run: bool = msgspec.field(name="dryRun")
    opened: int
    closed: int
    deactivated: int
    campaigns: list[AppliedTransition]


WRITE_ATTEMPTS = 3
"""How often one page's writes are tried when the store reports a conflicting transaction."""


class RefreshLifecycle:
    """Apply all transitions due at the clock's `now` (or, in a dry run, only report them).

    - Cost grows with the number of campaigns due, not the number stored.
    - A campaign whose open and close are both past opens and closes in the same run.
    - Due campaigns are read a page at a time, and each page is written in one unit of work,
      its outbox events in the same commit.
    - Each campaign is written compare-and-set on its status and version: when another scheduler
      or a user changed it first, this run leaves it alone (the rest of the page is still written)
      and the next run sees the fresh state, so no transition is ever applied twice.
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, cache: CampaignCache) -> None:
        self._uow = uow
        self._clock = clock
        self._cache = cache

    async def execute(self, *, dry_run: bool = False) -> RefreshReport:
        now = self._clock.now()
        applied: list[Transition] = []
        cursor: tuple[dt.datetime, str] | None = None
        while True:
            async with self._uow() as uow:
                due = await uow.campaigns.find_due(now, after=cursor, limit=PAGE_SIZE)
            planned = [
                (campaign, transitions) for campaign in due if (transitions := apply_due_transitions(campaign, now))
            ]
            if dry_run:
                applied.extend(transition for _, transitions in planned for transition in transitions)
            else:
                applied.extend(await self._store(planned, now))
            if len(due) < PAGE_SIZE:
                break
            last = due[-1]
            cursor = (_due_at(last), last.id)
        return _report(applied, at=now, dry_run=dry_run)

    async def _store(self, planned: list[tuple[Campaign, list[Transition]]], now: dt.datetime) -> list[Transition]:
        """Write one page; the transitions of the campaigns stored, in page order."""
        if not planned:
            return []
        updates = [
            GuardedUpdate(
                campaign=msgspec.structs.replace(transitions[-1].campaign, version=campaign.version + 1),
                expected_status=campaign.status,
            )
            for campaign, transitions in planned
        ]
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                async with self._uow() as uow:
                    stored = await uow.campaigns.update_many(updates)
                    written = [(c, ts) for c, ts in planned if c.id in stored]
                    uow.outbox.append([event for _, ts in written for t in ts for event in t.events])
                    uow.outbox.append(await event_mappings(uow, [ts[-1].campaign for _, ts in written], now))
                    await uow.commit()
                break
            except ConcurrentUpdate:
                if attempt == WRITE_ATTEMPTS:
                    return []  # the next run reads these campaigns afresh
        stored_as = {update.campaign.id: update.campaign for update in updates}
        await self._cache.evict([CampaignChange.of(campaign, stored_as[campaign.id]) for campaign, _ in written])
        return [transition for _, transitions in written for transition in transitions]


def _due_at(campaign: Campaign) -> dt.datetime:
    due = next_transition_at(campaign)
    assert due is not None  # noqa: S101 - find_due only returns campaigns with a due instant
    return due


def _report(transitions: list[Transition], *, at: dt.datetime, dry_run: bool) -> RefreshReport:
    entries = [
        AppliedTransition(
            id=t.campaign.id,
            from_=t.from_status,
            to=t.campaign.status,
            domain=t.site,
            due_at=t.due_at,
            applied_at=t.entry.at,
        )
        for t in transitions
    ]
    counts = {status: sum(1 for t in transitions if t.campaign.status is status) for status in Status}
    return RefreshReport(
        at=at,
        dry_run=dry_run,
        opened=counts[Status.OPEN],
        closed=counts[Status.CLOSED],
        deactivated=counts[Status.INACTIVE],
        campaigns=entries,
    )
