"""`campaign.event-mapping`: every campaign or market write commits exactly one per campaign it touches.

The use cases run over the in-memory store through its unit of work, recording what each commit
writes, so "in the same commit" is checked directly; each commit also leaves the event-mapping read
model saying what its events say. The expected ids are computed from the committed tables,
independently of the code under test.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from campaigns.adapters.local.clock import FixedClock
from campaigns.application.ports.store import UnitOfWork
from campaigns.application.use_cases.clone_markets import CloneMarkets
from campaigns.application.use_cases.create_campaign import CreateCampaign
from campaigns.application.use_cases.create_market import CreateMarket
from campaigns.application.use_cases.delete_market import DeleteMarket
from campaigns.application.use_cases.mark_markets_notified import MarkMarketsNotified
from campaigns.application.use_cases.refresh_lifecycle import RefreshLifecycle
from campaigns.application.use_cases.schedule_market_notifications import ScheduleMarketNotifications
from campaigns.application.use_cases.update_campaign import UpdateCampaign
from campaigns.application.use_cases.update_campaign_contacts import UpdateCampaignContacts
from campaigns.application.use_cases.update_campaign_faqs import UpdateCampaignFaqs
from campaigns.application.use_cases.update_campaign_terms import UpdateCampaignTerms
from campaigns.application.use_cases.update_market import UpdateMarket
from campaigns.domain.campaign import Campaign, CampaignContactRef
from campaigns.domain.campaign_commands import FaqPlacementInput, LandingFaqsInput
from campaigns.domain.events import AnyEvent, CampaignEventIdsMapped
from campaigns.domain.market import Market
from campaigns.domain.market_writes import MarketEventInput, MarketInput
from campaigns.domain.permissions import Principal
from tests.commands import command
from tests.fakes.in_memory import (
    InMemoryCampaignCache,
    InMemoryStore,
    InMemoryStoreReader,
    InMemoryUnitOfWork,
    SequentialIdFactory,
)

NOW = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)
SUPREME = Principal(user_id="root", supreme=True)
Commit = list[AnyEvent]


class RecordingUnitOfWork(InMemoryUnitOfWork):
    """The in-memory unit of work, recording the events each commit writes."""

    def __init__(self, store: InMemoryStore, ids: SequentialIdFactory, commits: list[Commit]) -> None:
        super().__init__(store, ids)
        self._commits = commits

    async def commit(self) -> None:
        staged = list(self.outbox.staged)
        self._commits.append(staged)
        await super().commit()
        read_model = self._store.event_maps
        assert [(m.campaign_id, read_model[m.campaign_id].event_ids) for m in staged_mappings(staged)] == mappings(
            staged
        ), "the read model commits with the event"


@dataclasses.dataclass
class App:
    store: InMemoryStore = dataclasses.field(default_factory=InMemoryStore)
    commits: list[Commit] = dataclasses.field(default_factory=list)
    ids: SequentialIdFactory = dataclasses.field(default_factory=SequentialIdFactory)
    clock: FixedClock = dataclasses.field(default_factory=lambda: FixedClock(NOW))

    def uow(self) -> UnitOfWork:
        return RecordingUnitOfWork(self.store, self.ids, self.commits)

    @property
    def update(self) -> UpdateCampaign:
        return UpdateCampaign(uow=self.uow, clock=self.clock, ids=self.ids, cache=InMemoryCampaignCache())

    async def campaign(self, site: str = "taylorswift", **extra: Any) -> Campaign:
        return await CreateCampaign(uow=self.uow, clock=self.clock, ids=self.ids).execute(
            SUPREME, command(campaign_body(site, **extra))
        )

    async def market(self, campaign_id: str, name: str, event_ids: list[str]) -> Market:
        return await CreateMarket(uow=self.uow, clock=self.clock, ids=self.ids, cache=InMemoryCampaignCache()).execute(
            SUPREME, campaign_id, market_body(name, event_ids)
        )

    async def update_market(self, campaign_id: str, market_id: str, patch: MarketInput) -> Market:
        return await UpdateMarket(uow=self.uow, clock=self.clock, cache=InMemoryCampaignCache()).execute(
            SUPREME, campaign_id, market_id, patch
        )

    async def delete_market(self, campaign_id: str, market_id: str) -> None:
        await DeleteMarket(uow=self.uow, clock=self.clock, cache=InMemoryCampaignCache()).execute(
            SUPREME, campaign_id, market_id
        )

    def covered(self, campaign_id: str) -> list[str]:
        """What the mapping must say, from the committed tables."""
        ids = set(self.store.campaigns[campaign_id].eventIds)
        for market in self.store.markets.values():
            if market.campaign_id == campaign_id and market.event is not None:
                ids |= set(market.event.ids)
        return sorted(ids)

    def last_commit_mappings(self) -> list[tuple[str, list[str]]]:
        return mappings(self.commits[-1])


def staged_mappings(commit: Commit) -> list[CampaignEventIdsMapped]:
    return [e for e in commit if isinstance(e, CampaignEventIdsMapped)]


def mappings(commit: Commit) -> list[tuple[str, list[str]]]:
    return [(e.campaign_id, e.event_ids) for e in staged_mappings(commit)]


def kinds(commit: Commit) -> list[str]:
    return [str(type(event).__struct_config__.tag) for event in commit]


def campaign_body(site: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": "Eras Tour presale",
        "identifier": f"{site}-2026",
        "artist": {"id": "K8vZ917Gku7", "name": "Taylor Swift"},
        "tour": {"name": "Eras"},
        "domain": {"site": site},
        "locales": [{"id": "en", "is_default": True}],
        **extra,
    }


def market_body(name: str, event_ids: list[str]) -> MarketInput:
    return MarketInput(
        name=name,
        city="Boston",
        state="MA",
        timezone="America/New_York",
        event=MarketEventInput(ids=event_ids, presaleDateTime=NOW + dt.timedelta(days=10)),
    )


# --------------------------------------------------------------------------- campaign writes


async def test_create_commits_the_campaigns_own_event_ids_sorted() -> None:
    app = App()

    campaign = await app.campaign(eventIds=["e9", "e1"])

    assert kinds(app.commits[-1]) == ["campaign.created", "campaign.event-mapping"]
    assert app.last_commit_mappings() == [(campaign.id, ["e1", "e9"])]
    mapping = app.commits[-1][-1]
    assert mapping == CampaignEventIdsMapped(
        occurred_at=NOW, campaign_id=campaign.id, domain_site="taylorswift", event_ids=["e1", "e9"]
    )


async def test_a_campaign_update_maps_its_ids_and_its_markets() -> None:
    app = App()
    campaign = await app.campaign(eventIds=["c1"])
    await app.market(campaign.id, "Boston", ["m2", "c1"])

    await app.update.execute(SUPREME, campaign.id, command({"eventIds": ["c3", "c1"]}))

    assert kinds(app.commits[-1]) == ["campaign.updated", "campaign.event-mapping"]
    assert (
        app.last_commit_mappings() == [(campaign.id, ["c1", "c3", "m2"])] == [(campaign.id, app.covered(campaign.id))]
    )


async def test_an_update_that_changes_no_event_id_still_maps_once() -> None:
    app = App()
    campaign = await app.campaign(eventIds=["c1"])

    await app.update.execute(SUPREME, campaign.id, command({"name": "Renamed"}))

    assert kinds(app.commits[-1]) == ["campaign.updated", "campaign.event-mapping"]
    assert app.last_commit_mappings() == [(campaign.id, ["c1"])]


async def test_a_status_change_maps_once_after_the_transition() -> None:
    app = App()
    campaign = await app.campaign(eventIds=["c1"])

    await app.update.execute(SUPREME, campaign.id, command({"status": "OPEN"}))

    assert kinds(app.commits[-1]) == ["campaign.status-changed", "campaign.event-mapping"]
    assert app.last_commit_mappings() == [(campaign.id, ["c1"])]


async def test_an_update_that_changes_nothing_commits_no_mapping() -> None:
    app = App()
    campaign = await app.campaign()
    commits = len(app.commits)

    await app.update.execute(SUPREME, campaign.id, command({"name": campaign.name}))

    assert len(app.commits) == commits


async def test_faqs_terms_and_contacts_updates_each_map_once_in_their_commit() -> None:
    app = App()
    campaign = await app.campaign(eventIds=["c1"])
    await app.market(campaign.id, "Boston", ["m1"])

    placement = FaqPlacementInput(landing=LandingFaqsInput(open=[]))
    await UpdateCampaignFaqs(uow=app.uow, clock=app.clock, ids=app.ids, cache=InMemoryCampaignCache()).execute(
        SUPREME, campaign.id, placement, locale=None
    )
    assert kinds(app.commits[-1]) == ["campaign.updated", "campaign.event-mapping"]
    assert app.last_commit_mappings() == [(campaign.id, ["c1", "m1"])]

    await UpdateCampaignTerms(uow=app.uow, clock=app.clock, ids=app.ids, cache=InMemoryCampaignCache()).execute(
        SUPREME, campaign.id, "Terms.", locale="en"
    )
    assert kinds(app.commits[-1]) == ["campaign.updated", "campaign.event-mapping"]
    assert app.last_commit_mappings() == [(campaign.id, ["c1", "m1"])]

    contact = CampaignContactRef(name="Ann", email="ann@example.com")
    await UpdateCampaignContacts(uow=app.uow, clock=app.clock, ids=app.ids, cache=InMemoryCampaignCache()).execute(
        SUPREME, campaign.id, [contact]
    )
    assert kinds(app.commits[-1]) == ["campaign.updated", "campaign.event-mapping", "contact.created"]
    assert app.last_commit_mappings() == [(campaign.id, ["c1", "m1"])]


async def test_the_read_model_follows_status_window_and_category_changes() -> None:
    app = App()
    window = {"presaleWindowStart": NOW.isoformat(), "presaleWindowEnd": (NOW + dt.timedelta(days=1)).isoformat()}
    campaign = await app.campaign(eventIds=["c1"], categoryId="cat-1", date=window)
    reads = InMemoryStoreReader(app.store).event_maps
    assert await reads.campaign_ids_for_event("c1") == [], "a DRAFT is not listed"
    assert await reads.event_ids_in_window(NOW, NOW) == ["c1"]

    await app.update.execute(SUPREME, campaign.id, command({"status": "OPEN"}))
    assert await reads.campaign_ids_for_event("c1") == [campaign.id]

    later = {"presaleWindowStart": "2027-01-01T00:00:00Z", "presaleWindowEnd": "2027-01-02T00:00:00Z"}
    await app.update.execute(SUPREME, campaign.id, command({"date": later, "categoryId": "cat-2"}))
    assert await reads.event_ids_in_window(NOW, NOW) == []
    new_year = dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC)
    assert await reads.category_ids_in_window(new_year, new_year) == ["cat-2"]
    assert await reads.campaign_ids_with_categories(["cat-1"]) == []
    assert await reads.campaign_ids_with_categories(["cat-2"]) == [campaign.id]


# --------------------------------------------------------------------------- market writes


async def test_create_update_and_delete_market_each_map_the_campaign_in_their_commit() -> None:
    app = App()
    campaign = await app.campaign(eventIds=["c1"])

    boston = await app.market(campaign.id, "Boston", ["m1", "m2"])
    assert kinds(app.commits[-1]) == ["market.created", "campaign.event-mapping"]
    assert app.last_commit_mappings() == [(campaign.id, ["c1", "m1", "m2"])]

    chicago = await app.market(campaign.id, "Chicago", ["m2", "m3"])
    assert app.last_commit_mappings() == [(campaign.id, ["c1", "m1", "m2", "m3"])]

    await app.update_market(campaign.id, boston.id, MarketInput(event=MarketEventInput(ids=["m4"])))
    assert kinds(app.commits[-1]) == ["market.updated", "campaign.event-mapping"]
    assert app.last_commit_mappings() == [(campaign.id, ["c1", "m2", "m3", "m4"])]

    later = NOW + dt.timedelta(days=20)
    await app.update_market(campaign.id, boston.id, MarketInput(event=MarketEventInput(presaleDateTime=later)))
    assert kinds(app.commits[-1]) == ["market.updated", "market.presale-changed", "campaign.event-mapping"]
    assert app.last_commit_mappings() == [(campaign.id, ["c1", "m2", "m3", "m4"])]

    await app.delete_market(campaign.id, chicago.id)
    assert kinds(app.commits[-1]) == ["market.deleted", "campaign.event-mapping"]
    assert app.last_commit_mappings() == [(campaign.id, ["c1", "m4"])] == [(campaign.id, app.covered(campaign.id))]


async def test_an_unchanged_market_update_commits_nothing() -> None:
    app = App()
    campaign = await app.campaign()
    market = await app.market(campaign.id, "Boston", ["m1"])
    commits = len(app.commits)

    await app.update_market(campaign.id, market.id, MarketInput(name="Boston"))

    assert len(app.commits) == commits


async def test_clone_maps_the_target_once_with_the_copies_ids() -> None:
    app = App()
    source = await app.campaign("source", eventIds=["s0"])
    target = await app.campaign("target", eventIds=["t0"])
    await app.market(source.id, "Boston", ["m1"])
    await app.market(source.id, "Chicago", ["m2"])

    await CloneMarkets(uow=app.uow, clock=app.clock, ids=app.ids, cache=InMemoryCampaignCache()).execute(
        SUPREME, target.id, source.id
    )

    assert kinds(app.commits[-1]) == ["market.created", "market.created", "campaign.event-mapping"]
    assert app.last_commit_mappings() == [(target.id, ["m1", "m2", "t0"])]


async def test_notification_writes_map_each_touched_campaign_once() -> None:
    app = App()
    first = await app.campaign("first", eventIds=["f0"])
    second = await app.campaign("second")
    boston = await app.market(first.id, "Boston", ["m1"])
    chicago = await app.market(first.id, "Chicago", ["m2"])
    denver = await app.market(second.id, "Denver", ["m3"])
    named = [boston.id, denver.id, chicago.id]

    schedule = ScheduleMarketNotifications(uow=app.uow, clock=app.clock, cache=InMemoryCampaignCache())
    await schedule.execute(SUPREME, named, NOW + dt.timedelta(days=1))
    assert kinds(app.commits[-1]) == ["market.updated"] * 3 + ["campaign.event-mapping"] * 2
    assert app.last_commit_mappings() == [(first.id, ["f0", "m1", "m2"]), (second.id, ["m3"])]

    notified = MarkMarketsNotified(uow=app.uow, clock=app.clock, cache=InMemoryCampaignCache())
    await notified.execute(SUPREME, [denver.id])
    assert kinds(app.commits[-1]) == ["market.updated", "campaign.event-mapping"]
    assert app.last_commit_mappings() == [(second.id, ["m3"])]

    await notified.execute(SUPREME, [denver.id])
    assert app.commits[-1] == [], "already notified: nothing changes, nothing is announced"


# --------------------------------------------------------------------------- lifecycle


async def test_scheduled_transitions_map_each_campaign_once_in_the_page_commit() -> None:
    app = App()
    due = {"date": {"open": (NOW - dt.timedelta(minutes=1)).isoformat()}}
    first = await app.campaign("first", eventIds=["f0"], **due)
    second = await app.campaign("second", **due)
    await app.market(second.id, "Boston", ["m1"])
    commits = len(app.commits)

    report = await RefreshLifecycle(uow=app.uow, clock=app.clock, cache=InMemoryCampaignCache()).execute()

    assert report.opened == 2
    [commit] = app.commits[commits:]
    assert sorted(kinds(commit)) == ["campaign.event-mapping"] * 2 + ["campaign.status-changed"] * 2
    assert sorted(mappings(commit)) == sorted([(first.id, ["f0"]), (second.id, ["m1"])])
    for campaign_id in (first.id, second.id):
        mine = kinds([event for event in commit if event.aggregate_id == campaign_id])
        assert mine == ["campaign.status-changed", "campaign.event-mapping"], "the mapping follows the change"


# --------------------------------------------------------------------------- property

EVENT_POOL = ["e1", "e2", "e3", "e4", "e5"]
event_id_lists = st.lists(st.sampled_from(EVENT_POOL), min_size=1, max_size=3)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("create"), event_id_lists),
        st.tuples(st.just("update"), event_id_lists),
        st.tuples(st.just("delete"), st.just([])),
        st.tuples(st.just("campaign"), st.lists(st.sampled_from(EVENT_POOL), max_size=3, unique=True)),
    ),
    min_size=1,
    max_size=12,
)


@given(operations=operations, picks=st.randoms(use_true_random=False))
def test_after_any_market_writes_the_last_mapping_is_the_union_sorted(
    operations: list[tuple[str, list[str]]], picks: Any
) -> None:
    asyncio.run(_run_operations(operations, picks))


async def _run_operations(operations: list[tuple[str, list[str]]], picks: Any) -> None:
    app = App()
    campaign = await app.campaign(eventIds=["e3"])
    names = iter(range(1_000))
    for operation, event_ids in operations:
        live = sorted(market.id for market in app.store.markets.values())
        commits = len(app.commits)
        if operation == "create":
            await app.market(campaign.id, f"M{next(names)}", event_ids)
        elif operation == "update" and live:
            await app.update_market(campaign.id, picks.choice(live), MarketInput(event=MarketEventInput(ids=event_ids)))
        elif operation == "delete" and live:
            await app.delete_market(campaign.id, picks.choice(live))
        elif operation == "campaign":
            await app.update.execute(SUPREME, campaign.id, command({"eventIds": event_ids}))
        for commit in app.commits[commits:]:
            assert len(mappings(commit)) == 1, kinds(commit)
        all_mappings = [mapping for commit in app.commits for mapping in mappings(commit)]
        assert all_mappings[-1] == (campaign.id, app.covered(campaign.id))
        assert app.store.event_maps[campaign.id].event_ids == app.covered(campaign.id)
