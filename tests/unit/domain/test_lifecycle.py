"""The status state machine of spec §3 Lifecycle: scheduled and manual transitions."""

from __future__ import annotations

import datetime as dt
import itertools

import msgspec
import pytest

from campaigns.domain.campaign import Campaign, CampaignDates, CampaignDomain, Status, StatusChange
from campaigns.domain.errors import InvalidStatusChange
from campaigns.domain.events import CampaignDomainReleased, CampaignStatusChanged
from campaigns.domain.lifecycle import Transition, apply_due_transitions, change_status, next_transition_at
from tests.oracles import ALLOWED_MANUAL_TRANSITIONS, INACTIVITY_GRACE

CAMPAIGN_ID = "507f1f77bcf86cd799439011"
SITE = "taylorswift"
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
CREATED = NOW - dt.timedelta(days=60)

INITIAL_ENTRY = StatusChange(status=Status.DRAFT, at=CREATED, by="creator", reason="created")

"""Written out from the spec's text, independently of the module's own table."""

ALL_PAIRS = list(itertools.product(Status, Status))


def campaign(
    status: Status = Status.DRAFT,
    *,
    site: str | None = SITE,
    preview: str | None = None,
    opens: dt.datetime | None = None,
    closes: dt.datetime | None = None,
    closed: dt.datetime | None = None,
) -> Campaign:
    return Campaign(
        id=CAMPAIGN_ID,
        status=status,
        name="A campaign",
        domain=CampaignDomain(site=site, preview=preview),
        date=CampaignDates(created=CREATED, updated=CREATED, open=opens, close=closes, closed=closed),
        statusHistory=[INITIAL_ENTRY]
        if status is Status.DRAFT
        else [msgspec.structs.replace(INITIAL_ENTRY, status=status)],
        version=3,
    )


def status_events(transition: Transition) -> list[CampaignStatusChanged]:
    return [event for event in transition.events if isinstance(event, CampaignStatusChanged)]


# --------------------------------------------------------------------------- next_transition_at


def test_next_transition_of_a_draft_or_preview_is_its_opening() -> None:
    opens = NOW + dt.timedelta(hours=1)
    assert next_transition_at(campaign(Status.DRAFT, opens=opens)) == opens
    assert next_transition_at(campaign(Status.PREVIEW, opens=opens)) == opens
    assert next_transition_at(campaign(Status.DRAFT)) is None


def test_next_transition_of_an_open_campaign_is_its_closing() -> None:
    closes = NOW + dt.timedelta(days=2)
    assert next_transition_at(campaign(Status.OPEN, closes=closes)) == closes
    assert next_transition_at(campaign(Status.OPEN)) is None


def test_next_transition_of_a_closed_campaign_is_thirty_days_after_closing() -> None:
    assert next_transition_at(campaign(Status.CLOSED, closed=NOW)) == NOW + INACTIVITY_GRACE
    assert next_transition_at(campaign(Status.CLOSED)) is None


def test_an_inactive_campaign_has_no_next_transition() -> None:
    assert next_transition_at(campaign(Status.INACTIVE, site=None, closed=NOW - 2 * INACTIVITY_GRACE)) is None


# --------------------------------------------------------------------------- apply_due_transitions


@pytest.mark.parametrize("status", [Status.DRAFT, Status.PREVIEW])
def test_auto_open(status: Status) -> None:
    opens = NOW - dt.timedelta(minutes=5)
    before = campaign(status, preview="preview.example.com", opens=opens, closes=NOW + dt.timedelta(days=7))

    [transition] = apply_due_transitions(before, NOW)

    after = transition.campaign
    assert after.status is Status.OPEN
    assert after.date.opened == NOW
    assert after.date.open is None
    assert after.domain.preview is None
    assert after.domain.site == SITE
    assert after.date.close == NOW + dt.timedelta(days=7)
    assert after.date.updated == NOW
    assert after.statusHistory == [
        *before.statusHistory,
        StatusChange(status=Status.OPEN, at=NOW, by="scheduler", reason="scheduled"),
    ]
    assert after.version == before.version, "the store bumps the version on commit"
    assert transition.from_status is status
    assert transition.due_at == opens
    [event] = transition.events
    assert isinstance(event, CampaignStatusChanged)
    assert (event.from_status, event.to_status, event.campaign_id, event.due_at) == (
        status,
        Status.OPEN,
        CAMPAIGN_ID,
        opens,
    )
    assert before.status is status, "the input campaign is left untouched"


def test_auto_open_is_due_exactly_at_the_open_instant() -> None:
    assert [t.campaign.status for t in apply_due_transitions(campaign(opens=NOW), NOW)] == [Status.OPEN]
    assert apply_due_transitions(campaign(opens=NOW), NOW - dt.timedelta(microseconds=1)) == []


def test_auto_close() -> None:
    closes = NOW - dt.timedelta(seconds=1)
    before = campaign(Status.OPEN, closes=closes)

    [transition] = apply_due_transitions(before, NOW)

    after = transition.campaign
    assert after.status is Status.CLOSED
    assert after.date.closed == NOW
    assert after.date.close is None
    assert after.domain.site == SITE, "a closed campaign keeps its domain"
    assert after.statusHistory[-1] == StatusChange(status=Status.CLOSED, at=NOW, by="scheduler", reason="scheduled")
    assert [(e.from_status, e.to_status) for e in status_events(transition)] == [(Status.OPEN, Status.CLOSED)]
    assert len(transition.events) == 1


def test_deactivation_thirty_days_after_closing_releases_the_domain() -> None:
    closed_at = NOW - INACTIVITY_GRACE
    before = campaign(Status.CLOSED, closed=closed_at)

    [transition] = apply_due_transitions(before, NOW)

    after = transition.campaign
    assert after.status is Status.INACTIVE
    assert after.domain.site is None
    assert after.date.inactivated == NOW
    assert after.date.closed == closed_at
    assert transition.site == SITE
    assert transition.due_at == closed_at + INACTIVITY_GRACE
    assert [(e.from_status, e.to_status) for e in status_events(transition)] == [(Status.CLOSED, Status.INACTIVE)]
    released = [event for event in transition.events if isinstance(event, CampaignDomainReleased)]
    assert len(released) == 1
    assert released[0].released_site == SITE
    assert released[0].campaign_id == CAMPAIGN_ID


def test_no_deactivation_before_thirty_days() -> None:
    before = campaign(Status.CLOSED, closed=NOW - INACTIVITY_GRACE + dt.timedelta(seconds=1))

    assert apply_due_transitions(before, NOW) == []


def test_open_and_close_both_past_open_then_close_in_one_call() -> None:
    before = campaign(Status.DRAFT, opens=NOW - dt.timedelta(days=3), closes=NOW - dt.timedelta(days=1))

    transitions = apply_due_transitions(before, NOW)

    assert [(t.from_status, t.campaign.status) for t in transitions] == [
        (Status.DRAFT, Status.OPEN),
        (Status.OPEN, Status.CLOSED),
    ]
    final = transitions[-1].campaign
    assert final.status is Status.CLOSED
    assert [entry.status for entry in final.statusHistory] == [Status.DRAFT, Status.OPEN, Status.CLOSED]
    assert final.date.opened == NOW
    assert final.date.closed == NOW
    assert final.date.open is None
    assert final.date.close is None
    assert final.domain.site == SITE, "closing just now: the 30-day grace has not started to run out"
    events = [event for t in transitions for event in status_events(t)]
    assert [(e.from_status, e.to_status) for e in events] == [(Status.DRAFT, Status.OPEN), (Status.OPEN, Status.CLOSED)]
    assert [e.due_at for e in events] == [NOW - dt.timedelta(days=3), NOW - dt.timedelta(days=1)]


@pytest.mark.parametrize(
    "before",
    [
        campaign(Status.DRAFT),
        campaign(Status.PREVIEW, opens=NOW + dt.timedelta(minutes=1)),
        campaign(Status.OPEN),
        campaign(Status.OPEN, closes=NOW + dt.timedelta(days=1)),
        campaign(Status.CLOSED),
        campaign(Status.CLOSED, closed=NOW - dt.timedelta(days=29)),
        campaign(Status.INACTIVE, site=None, closed=NOW - dt.timedelta(days=90)),
    ],
    ids=["draft", "preview-future", "open-no-close", "open-future", "closed-no-date", "closed-29d", "inactive"],
)
def test_nothing_due(before: Campaign) -> None:
    assert apply_due_transitions(before, NOW) == []


def test_applying_the_result_again_at_the_same_instant_does_nothing() -> None:
    before = campaign(Status.PREVIEW, opens=NOW - dt.timedelta(days=40), closes=NOW - dt.timedelta(days=35))

    transitions = apply_due_transitions(before, NOW)

    assert transitions
    assert apply_due_transitions(transitions[-1].campaign, NOW) == []


# --------------------------------------------------------------------------- change_status


def test_the_allowed_set_is_what_the_spec_lists() -> None:
    # 5 x 5 = 25 ordered pairs, of which 8 are allowed (INACTIVE -> DRAFT with conditions).
    assert len(ALL_PAIRS) == 25
    assert len(ALLOWED_MANUAL_TRANSITIONS) == 8


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED_MANUAL_TRANSITIONS))
def test_every_allowed_manual_transition(source: Status, target: Status) -> None:
    site = None if source is Status.INACTIVE else SITE
    before = campaign(source, site=site, closed=NOW - dt.timedelta(days=1) if source is Status.CLOSED else None)
    new_site = "fresh-site" if source is Status.INACTIVE else None

    transition = change_status(before, target, NOW, by="alice", is_supreme=True, new_site=new_site)

    after = transition.campaign
    assert after.status is target
    assert after.statusHistory == [
        *before.statusHistory,
        StatusChange(status=target, at=NOW, by="alice", reason="manual"),
    ]
    assert transition.from_status is source
    assert transition.due_at is None
    [event] = status_events(transition)
    assert (event.from_status, event.to_status, event.by, event.due_at) == (source, target, "alice", None)
    if target is Status.OPEN:
        assert after.date.opened == NOW
    if target is Status.CLOSED:
        assert after.date.closed == NOW
    if target is Status.INACTIVE:
        assert after.domain.site is None
        assert after.date.inactivated == NOW
        assert [type(e) for e in transition.events] == [CampaignStatusChanged, CampaignDomainReleased]
    else:
        assert len(transition.events) == 1
    if source is Status.INACTIVE:
        assert after.domain.site == "fresh-site"


@pytest.mark.parametrize(("source", "target"), [pair for pair in ALL_PAIRS if pair not in ALLOWED_MANUAL_TRANSITIONS])
@pytest.mark.parametrize("is_supreme", [True, False])
def test_every_other_manual_transition_is_refused(source: Status, target: Status, is_supreme: bool) -> None:
    before = campaign(source, site=None if source is Status.INACTIVE else SITE)

    with pytest.raises(InvalidStatusChange) as raised:
        change_status(before, target, NOW, by="alice", is_supreme=is_supreme, new_site="fresh-site")
    assert raised.value.code == "INVALID_CAMPAIGN_STATUS_CHANGE"


def test_reactivation_needs_a_supreme_user() -> None:
    before = campaign(Status.INACTIVE, site=None)

    with pytest.raises(InvalidStatusChange):
        change_status(before, Status.DRAFT, NOW, by="manager", is_supreme=False, new_site="fresh-site")


@pytest.mark.parametrize("new_site", [None, ""])
def test_reactivation_needs_a_new_site(new_site: str | None) -> None:
    before = campaign(Status.INACTIVE, site=None)

    with pytest.raises(InvalidStatusChange):
        change_status(before, Status.DRAFT, NOW, by="root", is_supreme=True, new_site=new_site)


def test_manual_transitions_of_a_non_inactive_campaign_ignore_is_supreme() -> None:
    before = campaign(Status.DRAFT)

    transition = change_status(before, Status.PREVIEW, NOW, by="manager", is_supreme=False)

    assert transition.campaign.status is Status.PREVIEW
    assert transition.campaign.domain.site == SITE
