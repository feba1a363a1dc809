"""Apply every scheduled status transition that is due."""

from __future__ import annotations

import datetime as dt

import msgspec

from campaigns.application.errors import ConcurrentUpdate
from campaigns.application.ports import CampaignCache, Clock, UnitOfWorkFactory
from campaigns.domain.campaign import Campaign, Status
from campaigns.domain.lifecycle import Transition, apply_due_transitions, next_transition_at

PAGE_SIZE = 500


class AppliedTransition(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    from_: Status = msgspec.field(name="from")
    to: Status
    domain: str | None
    due_at: dt.datetime | None = msgspec.field(default=None, name="dueAt")


class RefreshReport(msgspec.Struct, frozen=True, kw_only=True):
    at: dt.datetime
    """The instant the run applied its transitions at."""
    dry_run: bool = msgspec.field(name="dryRun")
    opened: int
    closed: int
    deactivated: int
    campaigns: list[AppliedTransition]


class RefreshLifecycle:
    """Apply all transitions due at the clock's `now` (or, in a dry run, only report them).

    - Cost grows with the number of campaigns due, not the number stored.
    - A campaign whose open and close are both past opens and closes in the same run.
    - Each campaign is written compare-and-set on its version: when another scheduler or a user
      changed it first, this run leaves it alone and the next run sees the fresh state, so no
      transition is ever applied twice.
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
            for campaign in due:
                transitions = apply_due_transitions(campaign, now)
                if dry_run or await self._store(campaign, transitions):
                    applied.extend(transitions)
            if len(due) < PAGE_SIZE:
                break
            last = due[-1]
            cursor = (_due_at(last), last.id)
        return _report(applied, at=now, dry_run=dry_run)

    async def _store(self, campaign: Campaign, transitions: list[Transition]) -> bool:
        if not transitions:
            return False
        final = transitions[-1].campaign
        try:
            async with self._uow() as uow:
                await uow.campaigns.update(msgspec.structs.replace(final, version=campaign.version + 1))
                uow.outbox.append([event for transition in transitions for event in transition.events])
                await uow.commit()
        except ConcurrentUpdate:
            return False
        await self._cache.evict([campaign.site] if campaign.site else [])
        return True


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
