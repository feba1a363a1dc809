"""The status state machine: scheduled transitions as a pure function of (campaign, now), and manual ones.

Every transition returns the new campaign (its version unchanged: the writer bumps it for the CAS),
its status-history entry and exactly one status event; releasing a domain adds a release event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import msgspec

from campaigns.domain.campaign import Campaign, CampaignDates, CampaignDomain, Status, StatusChange, given
from campaigns.domain.errors import InvalidStatusChange
from campaigns.domain.events import CampaignDomainReleased, CampaignStatusChanged

INACTIVITY_GRACE = dt.timedelta(days=30)
"""A closed campaign stays CLOSED (keeping its domain) this long before it is deactivated."""

SCHEDULER = "scheduler"

MANUAL_TRANSITIONS: frozenset[tuple[Status, Status]] = frozenset(
    {
        (Status.DRAFT, Status.PREVIEW),
        (Status.PREVIEW, Status.DRAFT),
        (Status.DRAFT, Status.OPEN),
        (Status.PREVIEW, Status.OPEN),
        (Status.OPEN, Status.CLOSED),
        (Status.CLOSED, Status.OPEN),
        (Status.CLOSED, Status.INACTIVE),
        (Status.INACTIVE, Status.DRAFT),
    }
)
"""Every status change a user may request; INACTIVE -> DRAFT has extra conditions."""


class Transition(msgspec.Struct, frozen=True, kw_only=True):
    from_status: Status
    site: str | None
    """The domain the campaign held when the transition began (a deactivation releases it)."""
    due_at: dt.datetime | None
    """The scheduled instant of a scheduled transition; None for a manual one."""
    campaign: Campaign
    events: tuple[CampaignStatusChanged | CampaignDomainReleased, ...]

    @property
    def entry(self) -> StatusChange:
        """The status-history entry this transition appended."""
        return self.campaign.statusHistory[-1]


def next_transition_at(campaign: Campaign) -> dt.datetime | None:
    """The instant the next scheduled transition falls due, or None when none is scheduled."""
    dates = campaign.date
    match campaign.status:
        case Status.DRAFT | Status.PREVIEW:
            return dates.opens_at
        case Status.OPEN:
            return dates.closes_at
        case Status.CLOSED:
            return dates.closed + INACTIVITY_GRACE if dates.closed else None
        case _:
            return None


def _scheduled_target(status: Status) -> Status | None:
    return {
        Status.DRAFT: Status.OPEN,
        Status.PREVIEW: Status.OPEN,
        Status.OPEN: Status.CLOSED,
        Status.CLOSED: Status.INACTIVE,
    }.get(status)


def apply_due_transitions(campaign: Campaign, now: dt.datetime) -> list[Transition]:
    """Apply, in order, every scheduled transition due at `now` (open then close in one tick if both past)."""
    return _scheduled_transitions(campaign, now, until=now)


def upcoming_transitions(campaign: Campaign, now: dt.datetime, until: dt.datetime) -> list[Transition]:
    """The scheduled transitions a scheduler running from `now` applies by `until`, in order.

    Each takes effect at the instant it falls due (one already due at `now`: at `now`; one due
    before the transition it follows: with that one), which is what the next one's due instant
    may depend on (a deactivation falls due 30 days after the close took effect). With
    `until == now` this is exactly `apply_due_transitions`: the same rule, looked ahead.
    """
    return _scheduled_transitions(campaign, now, until=until)


def _scheduled_transitions(campaign: Campaign, now: dt.datetime, *, until: dt.datetime) -> list[Transition]:
    transitions: list[Transition] = []
    current, at = campaign, now
    while (due_at := next_transition_at(current)) is not None and due_at <= until:
        target = _scheduled_target(current.status)
        if target is None:  # pragma: no cover - next_transition_at is None for INACTIVE
            break
        at = max(at, due_at)
        transition = _transition(current, target, at, by=SCHEDULER, reason="scheduled", due_at=due_at)
        transitions.append(transition)
        current = transition.campaign
    return transitions


def change_status(
    campaign: Campaign, target: Status, now: dt.datetime, *, by: str, is_supreme: bool, new_site: str | None = None
) -> Transition:
    """A user's status change. Reactivation (INACTIVE -> DRAFT) needs a supreme user and a new domain.

    Raises:
        InvalidStatusChange: the change is not in the allowed set or its conditions are unmet.
    """
    if (campaign.status, target) not in MANUAL_TRANSITIONS:
        raise InvalidStatusChange(f"A campaign cannot go from {campaign.status} to {target}.")
    if campaign.status is Status.INACTIVE:
        if not is_supreme:
            raise InvalidStatusChange("Only supreme users may reactivate an inactive campaign.")
        if not new_site:
            raise InvalidStatusChange("Reactivating a campaign needs a new, free domain.site.")
        campaign = msgspec.structs.replace(campaign, domain=msgspec.structs.replace(campaign.domain, site=new_site))
    return _transition(campaign, target, now, by=by, reason="manual", due_at=None)


def _transition(
    campaign: Campaign, target: Status, now: dt.datetime, *, by: str, reason: str, due_at: dt.datetime | None
) -> Transition:
    dates, domain = _date_effects(target, now)(campaign.date, campaign.domain)
    entry = StatusChange(status=target, at=now, by=by, reason=reason)
    changed = msgspec.structs.replace(
        campaign,
        status=target,
        date=msgspec.structs.replace(dates, updated=now),
        domain=domain,
        statusHistory=[*campaign.statusHistory, entry],
    )
    events: list[CampaignStatusChanged | CampaignDomainReleased] = [
        CampaignStatusChanged(
            occurred_at=now,
            campaign_id=campaign.id,
            domain_site=given(domain.site),
            from_status=campaign.status,
            to_status=target,
            by=by,
            reason=reason,
            due_at=due_at,
        )
    ]
    if campaign.site and not given(domain.site):
        events.append(CampaignDomainReleased(occurred_at=now, campaign_id=campaign.id, released_site=campaign.site))
    return Transition(
        from_status=campaign.status,
        site=campaign.site,
        due_at=due_at,
        campaign=changed,
        events=tuple(events),
    )


DateEffect = Callable[[CampaignDates, CampaignDomain], tuple[CampaignDates, CampaignDomain]]


def _date_effects(target: Status, now: dt.datetime) -> DateEffect:
    """What entering `target` does to the dates and the domain."""
    replace = msgspec.structs.replace

    def opened(dates: CampaignDates, domain: CampaignDomain) -> tuple[CampaignDates, CampaignDomain]:
        return replace(dates, opened=now, open=None), replace(domain, preview=None)

    def closed(dates: CampaignDates, domain: CampaignDomain) -> tuple[CampaignDates, CampaignDomain]:
        return replace(dates, closed=now, close=None), domain

    def inactivated(dates: CampaignDates, domain: CampaignDomain) -> tuple[CampaignDates, CampaignDomain]:
        return replace(dates, inactivated=now), replace(domain, site=None)

    def unchanged(dates: CampaignDates, domain: CampaignDomain) -> tuple[CampaignDates, CampaignDomain]:
        return dates, domain

    return {Status.OPEN: opened, Status.CLOSED: closed, Status.INACTIVE: inactivated}.get(target, unchanged)
