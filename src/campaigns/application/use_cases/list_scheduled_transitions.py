"""The lifecycle agenda: the scheduled transitions that take effect in a window."""

from __future__ import annotations

import datetime as dt

import msgspec

from campaigns.application.ports.store import StoreReader
from campaigns.application.ports.system import Clock
from campaigns.domain.agenda_validation import ensure_valid_agenda_window
from campaigns.domain.campaign import Status
from campaigns.domain.lifecycle import next_transition_at, upcoming_transitions
from campaigns.domain.permissions import Principal

PAGE_SIZE = 500
DEFAULT_WINDOW = dt.timedelta(hours=24)


class ScheduledTransition(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    domain: str | None
    """The domain the campaign holds when the transition begins (a deactivation releases it)."""
    from_: Status = msgspec.field(name="from")
    to: Status
    due_at: dt.datetime = msgspec.field(name="dueAt")
    """The instant the transition is scheduled for (before `now` when it is overdue)."""


class Agenda(msgspec.Struct, frozen=True, kw_only=True):
    from_: dt.datetime = msgspec.field(name="from")
    to: dt.datetime
    transitions: list[ScheduledTransition]


class ListScheduledTransitions:
    """The scheduled status transitions that take effect between `from` and `to`, both included.

    - Supreme users only.
    - `from` defaults to now, `to` to 24 hours after `from`; `to` must not be before `from`, nor
      more than 31 days after it (400 INVALID_QUERY naming `to`).
    - Worked out by the rule the lifecycle tick applies (the same domain function), looking
      ahead: a campaign that opens and then closes in the window is listed twice; one already
      overdue takes effect at the next tick, so it is listed (with its past due instant) when the
      window starts at or before now.
    - In the order they take effect, then by campaign id. Reads the campaigns whose next transition
      falls due by `to`, on the same index as the tick.
    """

    def __init__(self, *, reads: StoreReader, clock: Clock) -> None:
        self._reads = reads
        self._clock = clock

    async def execute(self, principal: Principal, start: dt.datetime | None, end: dt.datetime | None) -> Agenda:
        principal.ensure_supreme()
        now = self._clock.now()
        start = start or now
        end = end or start + DEFAULT_WINDOW
        ensure_valid_agenda_window(start, end, start_field="from", end_field="to")
        found: list[tuple[dt.datetime, str, ScheduledTransition]] = []
        cursor: tuple[dt.datetime, str] | None = None
        while True:
            page = await self._reads.campaigns.find_due(end, after=cursor, limit=PAGE_SIZE)
            for campaign in page:
                for transition in upcoming_transitions(campaign, now, end):
                    takes_effect = transition.entry.at
                    if takes_effect < start or transition.due_at is None:
                        continue
                    entry = ScheduledTransition(
                        id=campaign.id,
                        domain=transition.site,
                        from_=transition.from_status,
                        to=transition.campaign.status,
                        due_at=transition.due_at,
                    )
                    found.append((takes_effect, campaign.id, entry))
            if len(page) < PAGE_SIZE:
                break
            last = page[-1]
            due = next_transition_at(last)
            if due is None:  # pragma: no cover - find_due only returns campaigns with a due instant
                break
            cursor = (due, last.id)
        found.sort(key=lambda item: (item[0], item[1]))
        return Agenda(from_=start, to=end, transitions=[entry for _, _, entry in found])
