"""The public event catalogue is pinned: a change of a type, a field name or a field's JSON type fails here.

The expected envelopes are literal JSON values written independently of the catalogue's code. If
one of these tests fails after a deliberate change, read docs/events.md "Versioning" first: a
renamed or removed field is a new `v2` type beside the old one, never an edit of these literals.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from pathlib import Path
from types import ModuleType
from typing import Any, get_args

import pytest

from campaigns.application.event_catalogue import (
    EVENT_TYPES,
    ROUTES,
    SINKS_BY_TYPE,
    as_builtins,
    encode,
    event_type,
)
from campaigns.application.outbox import OutboxEntry
from campaigns.domain.campaign import RecordDates, Status
from campaigns.domain.events import (
    AnyEvent,
    CampaignCreated,
    CampaignDomainReleased,
    CampaignEventIdsMapped,
    CampaignStatusChanged,
    CampaignUpdated,
    ContactCreated,
    ContactDeleted,
    ContactUpdated,
    MarketCreated,
    MarketDeleted,
    MarketPresaleChanged,
    MarketUpdated,
    PromoterCreated,
    PromoterDeleted,
    PromoterUpdated,
)
from campaigns.domain.market import GeoPoint, Market, MarketEventInfo, Venue

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "events.md"

AT = dt.datetime(2026, 4, 1, 12, 0, 0, 123_000, tzinfo=dt.UTC)
CID = "c0c0c0c0c0c0c0c0c0c0c0c0"
MID = "a1a1a1a1a1a1a1a1a1a1a1a1"
PID = "b2b2b2b2b2b2b2b2b2b2b2b2"
KID = "d3d3d3d3d3d3d3d3d3d3d3d3"
ENTRY_ID = "e4e4e4e4e4e4e4e4e4e4e4e4"

DOCUMENTED_TYPES = {
    "campaign.created",
    "campaign.updated",
    "campaign.status-changed",
    "campaign.domain-released",
    "campaign.event-mapping",
    "market.created",
    "market.updated",
    "market.deleted",
    "market.presale-changed",
    "promoter.created",
    "promoter.updated",
    "promoter.deleted",
    "contact.created",
    "contact.updated",
    "contact.deleted",
}

MARKET = Market(
    id=MID,
    campaign_id=CID,
    name="Boston",
    city="Boston",
    state="MA",
    timezone="America/New_York",
    point=GeoPoint(coordinates=(-71.06, 42.36)),
    event=MarketEventInfo(
        ids=["E1", "E2"],
        presaleDateTime=dt.datetime(2026, 5, 1, 15, 0, tzinfo=dt.UTC),
        category_ids=["10005"],
        venue=Venue(name="Garden"),
    ),
    promoterIds=[PID],
    date=RecordDates(created=dt.datetime(2026, 3, 1, tzinfo=dt.UTC), updated=AT),
)

MARKET_DOCUMENT = {
    "id": MID,
    "campaign_id": CID,
    "name": "Boston",
    "city": "Boston",
    "state": "MA",
    "timezone": "America/New_York",
    "point": {"type": "Point", "coordinates": [-71.06, 42.36]},
    "event": {
        "ids": ["E1", "E2"],
        "presaleDateTime": "2026-05-01T15:00:00Z",
        "category_ids": ["10005"],
        "venue": {"name": "Garden"},
    },
    "promoterIds": [PID],
    "date": {"created": "2026-03-01T00:00:00Z", "updated": "2026-04-01T12:00:00.123000Z"},
}

PINNED: list[tuple[AnyEvent, str, dict[str, Any]]] = [
    (
        CampaignCreated(occurred_at=AT, campaign_id=CID, domain_site="site", status=Status.DRAFT),
        CID,
        {"campaignId": CID, "domain": "site", "status": "DRAFT"},
    ),
    (
        CampaignUpdated(
            occurred_at=AT,
            campaign_id=CID,
            domain_site="new-site",
            changed_fields=["domain", "passwordHash"],
            previous_domain_site="site",
        ),
        CID,
        {"campaignId": CID, "domain": "new-site", "changedFields": ["domain", "password"], "previousDomain": "site"},
    ),
    (
        CampaignStatusChanged(
            occurred_at=AT,
            campaign_id=CID,
            domain_site=None,
            from_status=Status.CLOSED,
            to_status=Status.INACTIVE,
            by="scheduler",
            reason="scheduled",
            due_at=dt.datetime(2026, 4, 1, 11, 59, tzinfo=dt.UTC),
        ),
        CID,
        {
            "campaignId": CID,
            "domain": None,
            "fromStatus": "CLOSED",
            "toStatus": "INACTIVE",
            "by": "scheduler",
            "reason": "scheduled",
            "dueAt": "2026-04-01T11:59:00Z",
        },
    ),
    (
        CampaignDomainReleased(occurred_at=AT, campaign_id=CID, released_site="site"),
        CID,
        {"campaignId": CID, "releasedDomain": "site"},
    ),
    (
        CampaignEventIdsMapped(occurred_at=AT, campaign_id=CID, domain_site="site", event_ids=["E0", "E1", "E2"]),
        CID,
        {"campaignId": CID, "eventIds": ["E0", "E1", "E2"]},
    ),
    (
        MarketCreated(occurred_at=AT, market=MARKET),
        CID,
        {"campaignId": CID, "marketId": MID, "market": MARKET_DOCUMENT},
    ),
    (
        MarketUpdated(occurred_at=AT, market=MARKET),
        CID,
        {"campaignId": CID, "marketId": MID, "market": MARKET_DOCUMENT},
    ),
    (
        MarketDeleted(occurred_at=AT, market=MARKET),
        CID,
        {"campaignId": CID, "marketId": MID, "market": MARKET_DOCUMENT},
    ),
    (
        MarketPresaleChanged(occurred_at=AT, market=MARKET, previous_presale_date_time=None),
        CID,
        {
            "campaignId": CID,
            "marketId": MID,
            "eventIds": ["E1", "E2"],
            "presaleDateTime": "2026-05-01T15:00:00Z",
            "previousPresaleDateTime": None,
        },
    ),
    (PromoterCreated(occurred_at=AT, promoter_id=PID, name="LN"), PID, {"promoterId": PID, "name": "LN"}),
    (PromoterUpdated(occurred_at=AT, promoter_id=PID, name="LN"), PID, {"promoterId": PID, "name": "LN"}),
    (PromoterDeleted(occurred_at=AT, promoter_id=PID, name="LN"), PID, {"promoterId": PID, "name": "LN"}),
    (ContactCreated(occurred_at=AT, contact_id=KID), KID, {"contactId": KID}),
    (ContactUpdated(occurred_at=AT, contact_id=KID), KID, {"contactId": KID}),
    (ContactDeleted(occurred_at=AT, contact_id=KID), KID, {"contactId": KID}),
]


def entry(event: AnyEvent) -> OutboxEntry:
    return OutboxEntry(id=ENTRY_ID, sequence=7, event=event)


def envelope(kind: str, subject: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": ENTRY_ID,
        "source": "urn:campaigns",
        "type": kind,
        "time": "2026-04-01T12:00:00.123000Z",
        "subject": subject,
        "datacontenttype": "application/json",
        "dataschema": f"urn:campaigns:events:v1:{kind}",
        "data": data,
    }


@pytest.mark.parametrize(("event", "subject", "data"), PINNED, ids=[event_type(event) for event, _, _ in PINNED])
def test_each_type_encodes_to_its_pinned_envelope(event: AnyEvent, subject: str, data: dict[str, Any]) -> None:
    assert as_builtins(entry(event)) == envelope(event_type(event), subject, data)


def test_the_wire_bytes_keep_their_order_and_form() -> None:
    mapping = CampaignEventIdsMapped(occurred_at=AT, campaign_id=CID, domain_site="site", event_ids=["E1"])

    assert encode(entry(mapping)) == (
        b'{"specversion":"1.0","id":"e4e4e4e4e4e4e4e4e4e4e4e4","source":"urn:campaigns",'
        b'"type":"campaign.event-mapping","time":"2026-04-01T12:00:00.123000Z",'
        b'"subject":"c0c0c0c0c0c0c0c0c0c0c0c0","datacontenttype":"application/json",'
        b'"dataschema":"urn:campaigns:events:v1:campaign.event-mapping",'
        b'"data":{"campaignId":"c0c0c0c0c0c0c0c0c0c0c0c0","eventIds":["E1"]}}'
    )


def test_every_domain_event_type_has_a_schema_and_is_pinned() -> None:
    members = get_args(AnyEvent)

    assert {event_type(event) for event, _, _ in PINNED} == EVENT_TYPES
    assert {type(event) for event, _, _ in PINNED} == set(members)
    assert len(members) == len(EVENT_TYPES), "two domain events share a type"


def test_the_catalogue_lists_the_documented_types_and_routes_them_by_sink() -> None:
    assert EVENT_TYPES == DOCUMENTED_TYPES == set(documented_sections())
    assert set(SINKS_BY_TYPE) == EVENT_TYPES, "every type is routed, if only to the local file"
    purged = {"campaign.updated", "campaign.status-changed", "campaign.domain-released"}
    assert {name: set(route.event_types) for name, route in ROUTES.items()} == {
        "json-lines": EVENT_TYPES,
        "kinesis": {*purged, "campaign.created", "campaign.event-mapping"},
        "data-pipeline": {"market.created", "market.updated", "market.deleted"},
        "refresh-selections": {"market.presale-changed"},
        "redis": {*purged, "campaign.created"},
        "fastly": purged,
        "cdn-log": purged,
    }
    assert all(route.name == name for name, route in ROUTES.items())


# --------------------------------------------------------------------------- docs/events.md


def example_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("event_examples", ROOT / "scripts" / "event_examples.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def documented_sections() -> dict[str, str]:
    """Each `### `-headed section of the page (one per type), by type."""
    text = DOC.read_text()
    parts = re.split(r"^### `([a-z.-]+)`\s*$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_the_page_holds_exactly_the_examples_the_script_prints() -> None:
    printed: dict[str, str] = example_script().examples()
    sections = documented_sections()
    shown = {}
    for kind, section in sections.items():
        blocks = re.findall(r"<!-- example: ([a-z.-]+) -->\n```json\n(.*?)\n```", section, flags=re.DOTALL)
        assert [found for found, _ in blocks] == [kind], f"section {kind} must hold its own example, once"
        shown[kind] = blocks[0][1]

    assert set(printed) == EVENT_TYPES
    assert shown == printed, "docs/events.md is stale: paste the output of `uv run python scripts/event_examples.py`"
    assert example_script().markdown().count("<!-- example:") == len(EVENT_TYPES)


def test_each_section_lists_exactly_the_data_fields_of_its_type() -> None:
    for kind, section in documented_sections().items():
        listed = re.findall(r"^\| `([A-Za-z]+)` \|", section, flags=re.MULTILINE)
        event = next(event for event, _, _ in PINNED if event_type(event) == kind)
        assert listed == list(as_builtins(entry(event))["data"]), kind
