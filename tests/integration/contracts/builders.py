"""Documents for the contract tests: small by default, with only the fields a test cares about."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.domain.campaign import (
    Artist,
    Campaign,
    CampaignContactRef,
    CampaignDates,
    CampaignDomain,
    ConfirmationFaqs,
    EmailContent,
    Faq,
    FaqPlacement,
    LandingFaqs,
    Link,
    Locale,
    LocaleContent,
    Options,
    Preference,
    SchemaInfo,
    Status,
    StatusChange,
    Tour,
    Tracker,
)
from campaigns.domain.events import CampaignCreated
from campaigns.domain.market import Market, MarketEventInfo

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def doc_id(n: int) -> str:
    return f"{n:024x}"


def campaign(n: int, *, site: str | None = None, **fields: Any) -> Campaign:
    """Campaign number `n` at version 1; `fields` replace top-level fields."""
    base = Campaign(id=doc_id(n), name=f"Campaign {n}", domain=CampaignDomain(site=site), version=1)
    return msgspec.structs.replace(base, **fields)


def next_version(current: Campaign, **fields: Any) -> Campaign:
    """What a use case hands to `update`: the change, one version up."""
    return msgspec.structs.replace(current, version=current.version + 1, **fields)


def rich_campaign(n: int) -> Campaign:
    """A campaign using most of the document shape, with instants given in a non-UTC offset."""
    paris = dt.timezone(dt.timedelta(hours=2))
    return Campaign(
        id=doc_id(n),
        status=Status.OPEN,
        name="Eras Tour Presale",
        identifier="eras-2026",
        artist=Artist(id="K8vZ917", name="Taylor Swift", discovery_id="K8vZ917", image_url="https://img.test/t.png"),
        domain=CampaignDomain(site="taylorswift", preview=None),  # the preview was cleared when it opened
        tour=Tour(name="The Eras Tour"),
        date=CampaignDates(
            created=dt.datetime(2026, 1, 2, 10, 30, 15, 123456, tzinfo=paris),
            open=None,  # cleared when it opened; `closed` and `inactivated` were never set
            opened=dt.datetime(2026, 2, 1, 9, 0, tzinfo=paris),
            close=dt.datetime(2026, 4, 1, 9, 0, tzinfo=paris),
            presaleWindowStart=dt.datetime(2026, 5, 1, tzinfo=dt.UTC),
            presaleWindowEnd=dt.datetime(2026, 5, 3, tzinfo=dt.UTC),
            sendReminderEmails=[dt.datetime(2026, 4, 30, 18, 0, tzinfo=paris)],
        ),
        options=Options(useGenericBranding=False, automatedReminders=True),
        referenceTimezone="Europe/Paris",
        style={"border": {"primary": "#000000"}},
        image={"main": Link(url="https://img.test/main.png")},
        content={
            "en-US": LocaleContent(
                faqs={"f1": Faq(question="When?", answer="Soon.")},
                landing={"header": "Sign up", "blocks": [1, {"nested": True}]},
                email=EmailContent(subject={"open": "You're in"}, from_={"name": "Presale"}),
            )
        },
        faqs=FaqPlacement(landing=LandingFaqs(open=["f1"]), confirmation=ConfirmationFaqs(activePresale=["f1"])),
        preferences=[Preference(id="sms", type="checkbox", is_optional=True, label={"en-US": "Texts"})],
        locales=[Locale(id="en-US", is_default=True)],
        contacts=["c1", CampaignContactRef(id="c2", name="Ops", keyword=["ops"])],
        eventIds=["E1", "E2"],
        categoryId="cat-1",
        trackers=[Tracker(type="ga", id="UA-1")],
        schema=SchemaInfo(version="2"),
        statusHistory=[
            StatusChange(status=Status.PREVIEW, at=dt.datetime(2026, 1, 20, tzinfo=paris), by="u1", reason="manual"),
            StatusChange(
                status=Status.OPEN, at=dt.datetime(2026, 2, 1, 9, 0, tzinfo=paris), by="scheduler", reason="x"
            ),
        ],
        version=3,
        passwordHash="salt$hash",
        **LEGACY_FIELDS,
    )


LEGACY_FIELDS: dict[str, Any] = {
    "score": {"weights": {"presale": 0.75, "fanclub": 2}, "tiers": [1, 2.5, None, "x"], "enabled": False},
    "limit": {"perFan": 4, "total": 250_000},
    "videos": {"hero": {"youtubeId": "abc", "start": "2026-01-02T10:30:15+02:00"}},
    "email": {"subject": {"en-us": "Hi", "fr_CA": "Salut"}, "template": {}},
    "share": {"x": {"url": "https://x.test/eras"}, "hashtag": "#eras", "count": 3},
    "gate": {"type": "code", "codes": [], "nested": {"deeper": {"deepest": [{"k": None}]}}},
    "extensions": {},
    "stores": [{"id": "s1", "url": "https://store.test"}, "plain", 7, None, [True]],
    "groups": [],
    "linkedCampaignId": "5f0c1a2b3c4d5e6f7a8b9c0d",
    "fanIdentifier": "globalUserId",
}
"""The legacy model's extra fields, with content of every JSON kind the service must keep as given."""


def market(n: int, campaign_id: str, *, name: str | None = None, event_ids: tuple[str, ...] = ("E1",)) -> Market:
    return Market(
        id=doc_id(n),
        campaign_id=campaign_id,
        name=name or f"Market {n}",
        city="Paris",
        state="IDF",
        timezone="Europe/Paris",
        event=MarketEventInfo(ids=list(event_ids), presaleDateTime=NOW + DAY),
    )


def created(item: Campaign) -> CampaignCreated:
    return CampaignCreated(occurred_at=NOW, campaign_id=item.id, domain_site=item.site, status=item.status)


async def add_all(uow_factory: UnitOfWorkFactory, *campaigns: Campaign) -> None:
    async with uow_factory() as uow:
        for item in campaigns:
            await uow.campaigns.add(item)
        await uow.commit()


async def stored(uow_factory: UnitOfWorkFactory, campaign_id: str) -> Campaign | None:
    async with uow_factory() as uow:
        return await uow.campaigns.get(campaign_id)
