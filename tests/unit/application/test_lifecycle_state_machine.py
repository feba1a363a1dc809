"""The real campaign use cases driven at random over the in-memory fakes, against a small reference model.

Rules create campaigns on a small pool of domains (so claims collide), change status and domain by
hand, move a fixed clock and tick the scheduler. After every step the store must agree with the
model and keep the lifecycle invariants of spec §3 (Lifecycle, Domain exclusivity).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import itertools
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
)

from campaigns.adapters.local.clock import FixedClock
from campaigns.application.outbox import OutboxEntry
from campaigns.application.ports.store import UnitOfWork
from campaigns.application.use_cases.create_campaign import CreateCampaign
from campaigns.application.use_cases.refresh_lifecycle import AppliedTransition, RefreshLifecycle
from campaigns.application.use_cases.update_campaign import UpdateCampaign
from campaigns.domain.campaign import Campaign, Status, StatusChange
from campaigns.domain.errors import DomainAlreadyClaimed, InvalidStatusChange, ValidationFailed
from campaigns.domain.events import (
    CampaignDomainReleased,
    CampaignEventIdsMapped,
    CampaignStatusChanged,
    CampaignUpdated,
)
from campaigns.domain.permissions import Action, Principal
from tests.commands import command
from tests.fakes.in_memory import (
    InMemoryCampaignCache,
    InMemoryOutboxStore,
    InMemoryStore,
    InMemoryUnitOfWork,
    SequentialIdFactory,
)
from tests.oracles import ALLOWED_MANUAL_TRANSITIONS, INACTIVITY_GRACE
from tests.streams import EVERY_EVENT

T = TypeVar("T")

START = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
SITES = ["alpha", "beta", "gamma"]
SUPREME = Principal(user_id="root", supreme=True)

"""Manual transitions as the spec lists them (written independently of the domain's table)."""

minutes = st.integers(min_value=-40 * 24 * 60, max_value=40 * 24 * 60).map(lambda m: dt.timedelta(minutes=m))
offsets = st.none() | st.sampled_from([dt.timedelta(days=d) for d in (-35, -2, -1, 1, 2, 31)]) | minutes
gaps = st.none() | st.integers(min_value=-24 * 60, max_value=40 * 24 * 60).map(lambda m: dt.timedelta(minutes=m))
"""How long after opening (or after now, without an opening) a campaign closes; rarely zero or negative."""
advances = st.sampled_from([dt.timedelta(days=d) for d in (1, 29, 30, 31)]) | st.integers(
    min_value=1, max_value=40 * 24 * 60
).map(lambda m: dt.timedelta(minutes=m))


def iso(instant: dt.datetime | None) -> str | None:
    return instant.isoformat() if instant is not None else None


def campaign_body(
    site: str, *, status: str | None, opens: dt.datetime | None, closes: dt.datetime | None
) -> dict[str, Any]:
    """A complete v2 registration campaign body (valid in any status)."""
    body: dict[str, Any] = {
        "name": f"Campaign on {site}",
        "identifier": f"{site}-2026",
        "artist": {"id": "K8vZ917Gku7", "name": "An Artist"},
        "tour": {"name": "World Tour"},
        "domain": {"site": site},
        "date": {"open": iso(opens), "close": iso(closes)},
        "locales": [{"id": "en", "is_default": True}],
    }
    if status is not None:
        body["status"] = status
    return body


@dataclasses.dataclass
class Expected:
    """What the reference model believes about one campaign."""

    status: Status
    site: str | None
    open: dt.datetime | None
    close: dt.datetime | None
    closed: dt.datetime | None = None
    opened: dt.datetime | None = None


def enter(model: Expected, target: Status, now: dt.datetime) -> None:
    """The date/domain effects of entering `target`, from the spec's Lifecycle text."""
    model.status = target
    if target is Status.OPEN:
        model.opened, model.open = now, None
    elif target is Status.CLOSED:
        model.closed, model.close = now, None
    elif target is Status.INACTIVE:
        model.site = None


def due_steps(model: Expected, now: dt.datetime) -> list[tuple[Status, Status]]:
    """Apply the scheduled rules to `model` (in place) until nothing more is due; return the steps."""
    steps: list[tuple[Status, Status]] = []
    while True:
        before = model.status
        if before in {Status.DRAFT, Status.PREVIEW} and model.open is not None and model.open <= now:
            enter(model, Status.OPEN, now)
        elif before is Status.OPEN and model.close is not None and model.close <= now:
            enter(model, Status.CLOSED, now)
        elif before is Status.CLOSED and model.closed is not None and model.closed + INACTIVITY_GRACE <= now:
            enter(model, Status.INACTIVE, now)
        else:
            return steps
        steps.append((before, model.status))


class LifecycleMachine(RuleBasedStateMachine):
    campaigns: Bundle[str] = Bundle("campaigns")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.store = InMemoryStore()
        self.ids = SequentialIdFactory()
        self.clock = FixedClock(START)
        self.cache = InMemoryCampaignCache()
        self.outbox = InMemoryOutboxStore(self.store)

        def uow() -> UnitOfWork:
            return InMemoryUnitOfWork(self.store, self.ids)

        self.create_uc = CreateCampaign(uow=uow, clock=self.clock, ids=self.ids)
        self.update_uc = UpdateCampaign(uow=uow, clock=self.clock, ids=self.ids, cache=self.cache)
        self.refresh_uc = RefreshLifecycle(uow=uow, clock=self.clock, cache=self.cache)
        self.model: dict[str, Expected] = {}
        self.seen_history: dict[str, list[StatusChange]] = {}
        self.seen_version: dict[str, int] = {}

    def teardown(self) -> None:
        self.loop.close()

    # ------------------------------------------------------------------ helpers

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    def entries(self) -> list[OutboxEntry]:
        return self.run(self.outbox.pending(EVERY_EVENT, 1_000_000))

    def snapshot(self) -> tuple[dict[str, Campaign], int]:
        return dict(self.store.campaigns), len(self.store.outbox)

    def holder(self, site: str, claimant: str | None) -> str | None:
        """The campaign the model says holds `site` (other than `claimant`), if any."""
        return next(
            (
                cid
                for cid, m in self.model.items()
                if cid != claimant and m.site == site and m.status is not Status.INACTIVE
            ),
            None,
        )

    def new_entries_since(self, count: int) -> list[OutboxEntry]:
        return self.entries()[count:]

    # ------------------------------------------------------------------ rules

    @rule(
        target=campaigns,
        site=st.sampled_from(SITES),
        initial=st.sampled_from([None, "DRAFT", "PREVIEW"]),
        open_in=offsets,
        close_gap=gaps,
    )
    def create(
        self, site: str, initial: str | None, open_in: dt.timedelta | None, close_gap: dt.timedelta | None
    ) -> str | MultipleResults[str]:
        now = self.clock.now()
        opens = now + open_in if open_in is not None else None
        closes = (opens or now) + close_gap if close_gap is not None else None
        body = campaign_body(site, status=initial, opens=opens, closes=closes)
        before = self.snapshot()
        if opens is not None and closes is not None and closes <= opens:
            event("create: close before open refused")
            with pytest.raises(ValidationFailed):
                self.run(self.create_uc.execute(SUPREME, command(body)))
            assert self.snapshot() == before, "a refused create writes nothing"
            return multiple()
        if self.holder(site, None) is not None:
            event("create: domain held")
            with pytest.raises(DomainAlreadyClaimed):
                self.run(self.create_uc.execute(SUPREME, command(body)))
            assert self.snapshot() == before, "a refused create writes nothing"
            return multiple()
        created = self.run(self.create_uc.execute(SUPREME, command(body)))
        status = Status(initial) if initial else Status.DRAFT
        assert created.status is status
        assert created.version == 1
        assert [entry.status for entry in created.statusHistory] == [status]
        self.model[created.id] = Expected(status=status, site=site, open=opens, close=closes)
        return created.id

    @rule(
        cid=campaigns,
        wanted=st.sampled_from(list(Status)),
        as_supreme=st.booleans(),
        new_site=st.none() | st.sampled_from(SITES),
    )
    def change_status(self, cid: str, wanted: Status, as_supreme: bool, new_site: str | None) -> None:
        target = wanted  # `target` is reserved by @rule for bundles
        model = self.model[cid]
        now = self.clock.now()
        principal = SUPREME if as_supreme else Principal(user_id="manager", grants={cid: frozenset({Action.ADMIN})})
        body: dict[str, Any] = {"status": target.value}
        reactivating = model.status is Status.INACTIVE and new_site is not None
        if reactivating:
            body["domain"] = {"site": new_site}
        before = self.snapshot()
        outbox_before = len(self.entries())

        def refused(error: type[Exception]) -> None:
            event(f"status: refused with {error.__name__}")
            with pytest.raises(error):
                self.run(self.update_uc.execute(principal, cid, command(body)))
            assert self.snapshot() == before, "a refused update writes nothing"

        if target is model.status:
            if reactivating:
                return refused(ValidationFailed)  # an inactive campaign cannot take a domain without reactivation
            result = self.run(self.update_uc.execute(principal, cid, command(body)))
            assert result == before[0][cid]
            assert self.snapshot() == before, "asking for the current status changes nothing"
            return None
        if (model.status, target) not in ALLOWED_MANUAL_TRANSITIONS:
            return refused(InvalidStatusChange)
        if model.status is Status.INACTIVE:
            if not as_supreme or new_site is None:
                return refused(InvalidStatusChange)
            if self.holder(new_site, cid) is not None:
                return refused(DomainAlreadyClaimed)
            model.site = new_site
        from_status = model.status
        released = target is Status.INACTIVE and model.site is not None
        result = self.run(self.update_uc.execute(principal, cid, command(body)))
        event(f"status: {from_status} -> {target}")
        enter(model, target, now)
        assert result.status is target
        assert result.version == before[0][cid].version + 1
        new = self.new_entries_since(outbox_before)
        changes = [e.event for e in new if isinstance(e.event, CampaignStatusChanged)]
        assert [(e.from_status, e.to_status, e.due_at) for e in changes] == [(from_status, target, None)]
        assert sum(isinstance(e.event, CampaignDomainReleased) for e in new) == int(released)
        assert all(e.event.aggregate_id == cid for e in new)
        return None

    @precondition(lambda self: any(m.status is Status.INACTIVE for m in self.model.values()))
    @rule(data=st.data(), new_site=st.none() | st.sampled_from(SITES), as_supreme=st.booleans())
    def reactivate(self, data: st.DataObject, new_site: str | None, as_supreme: bool) -> None:
        inactive = sorted(cid for cid, m in self.model.items() if m.status is Status.INACTIVE)
        self.change_status(data.draw(st.sampled_from(inactive)), Status.DRAFT, as_supreme, new_site)

    @rule(cid=campaigns, site=st.sampled_from(SITES), as_supreme=st.booleans())
    def change_domain(self, cid: str, site: str, as_supreme: bool) -> None:
        model = self.model[cid]
        principal = SUPREME if as_supreme else Principal(user_id="manager", grants={cid: frozenset({Action.WRITE})})
        body = {"domain": {"site": site}}
        before = self.snapshot()
        outbox_before = len(self.entries())
        if model.status is Status.INACTIVE:
            with pytest.raises(ValidationFailed):
                self.run(self.update_uc.execute(principal, cid, command(body)))
            assert self.snapshot() == before
            return
        if site == model.site:
            assert self.run(self.update_uc.execute(principal, cid, command(body))) == before[0][cid]
            assert self.snapshot() == before, "an update that changes nothing writes nothing"
            return
        if self.holder(site, cid) is not None:
            event("domain: held by another campaign")
            with pytest.raises(DomainAlreadyClaimed):
                self.run(self.update_uc.execute(principal, cid, command(body)))
            assert self.snapshot() == before
            return
        previous = model.site
        event("domain: changed")
        result = self.run(self.update_uc.execute(principal, cid, command(body)))
        model.site = site
        assert result.site == site
        assert result.status is model.status
        assert result.version == before[0][cid].version + 1
        [entry, mapping] = self.new_entries_since(outbox_before)
        assert isinstance(mapping.event, CampaignEventIdsMapped)
        assert mapping.event.campaign_id == cid
        assert isinstance(entry.event, CampaignUpdated)
        assert entry.event.changed_fields == ["domain"]
        assert (entry.event.previous_domain_site, entry.event.domain_site) == (previous, site)

    @rule(delta=advances)
    def advance_clock(self, delta: dt.timedelta) -> None:
        self.clock.advance(delta)

    @rule()
    def refresh(self) -> None:
        now = self.clock.now()
        expected: dict[str, list[tuple[Status, Status]]] = {}
        next_model: dict[str, Expected] = {}
        for cid, model in self.model.items():
            copy = dataclasses.replace(model)
            if steps := due_steps(copy, now):
                expected[cid] = steps
            next_model[cid] = copy
        both_past = {
            cid
            for cid, m in self.model.items()
            if m.status in {Status.DRAFT, Status.PREVIEW}
            and m.open is not None
            and m.open <= now
            and m.close is not None
            and m.close <= now
        }

        before = self.snapshot()
        dry = self.run(self.refresh_uc.execute(dry_run=True))
        assert self.snapshot() == before, "a dry run writes nothing"
        assert self._steps(dry.campaigns) == expected

        report = self.run(self.refresh_uc.execute())
        assert self._steps(report.campaigns) == expected
        all_steps = [step for steps in expected.values() for step in steps]
        assert report.opened == sum(to is Status.OPEN for _, to in all_steps)
        assert report.closed == sum(to is Status.CLOSED for _, to in all_steps)
        assert report.deactivated == sum(to is Status.INACTIVE for _, to in all_steps)
        new = self.entries()[before[1] :]
        assert sum(isinstance(e.event, CampaignStatusChanged) for e in new) == len(all_steps)
        assert sum(isinstance(e.event, CampaignDomainReleased) for e in new) == report.deactivated
        for applied in report.campaigns:
            assert applied.due_at is not None
            assert applied.due_at <= now

        # A second tick at the same instant finds nothing and writes nothing.
        settled = self.snapshot()
        again = self.run(self.refresh_uc.execute())
        assert again.campaigns == []
        assert (again.opened, again.closed, again.deactivated) == (0, 0, 0)
        assert self.snapshot() == settled

        self.model = next_model
        for step in {step for steps in expected.values() for step in steps}:
            event(f"refresh: {step[0]} -> {step[1]}")
        if both_past:
            event("refresh: open and close both past")
        for cid in both_past:
            stored = self.store.campaigns[cid]
            assert stored.status is Status.CLOSED
            assert [entry.status for entry in stored.statusHistory[-2:]] == [Status.OPEN, Status.CLOSED]

    @staticmethod
    def _steps(applied: list[AppliedTransition]) -> dict[str, list[tuple[Status, Status]]]:
        grouped: dict[str, list[tuple[Status, Status]]] = {}
        for item in applied:
            grouped.setdefault(item.id, []).append((item.from_, item.to))
        return grouped

    # ------------------------------------------------------------------ invariants

    @invariant()
    def store_matches_model(self) -> None:
        assert set(self.store.campaigns) == set(self.model)
        for cid, model in self.model.items():
            stored = self.store.campaigns[cid]
            assert (stored.status, stored.site) == (model.status, model.site), cid
            assert (stored.date.open, stored.date.close, stored.date.closed) == (model.open, model.close, model.closed)
            if model.opened is not None:
                assert stored.date.opened == model.opened

    @invariant()
    def active_domains_are_unique(self) -> None:
        active = [c.site for c in self.store.campaigns.values() if c.status is not Status.INACTIVE and c.site]
        assert len(active) == len(set(active))

    @invariant()
    def inactive_campaigns_hold_no_domain(self) -> None:
        for campaign in self.store.campaigns.values():
            if campaign.status is Status.INACTIVE:
                assert campaign.site is None

    @invariant()
    def history_is_append_only_and_ends_in_the_status(self) -> None:
        for cid, campaign in self.store.campaigns.items():
            history = campaign.statusHistory
            previous = self.seen_history.get(cid, [])
            assert history[: len(previous)] == previous, "statusHistory is append-only"
            assert history, "a campaign always has its creation entry"
            assert history[-1].status is campaign.status
            if len(history) > len(previous):
                assert campaign.version > self.seen_version.get(cid, 0)
            assert campaign.version >= self.seen_version.get(cid, 0)
            self.seen_history[cid] = list(history)
            self.seen_version[cid] = campaign.version

    @invariant()
    def each_transition_emitted_one_status_event(self) -> None:
        changes: dict[str, list[tuple[Status, Status]]] = {}
        for entry in self.entries():
            if isinstance(entry.event, CampaignStatusChanged):
                changes.setdefault(entry.event.campaign_id, []).append((entry.event.from_status, entry.event.to_status))
        for cid, campaign in self.store.campaigns.items():
            statuses = [entry.status for entry in campaign.statusHistory]
            assert changes.get(cid, []) == list(itertools.pairwise(statuses))


LifecycleMachine.TestCase.settings = settings(stateful_step_count=30)
TestLifecycle = LifecycleMachine.TestCase
