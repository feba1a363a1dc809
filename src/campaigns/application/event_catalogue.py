"""The public event catalogue: the CloudEvents 1.0 envelopes every sink sends, version 1.

This is the stream's contract with its consumers, kept apart from the domain events on purpose: a
domain refactor changes `_data` below, never the wire. `data` field names are camelCase; each
type's schema is named by `dataschema`. `docs/events.md` lists every type with an example, and a
test pins the catalogue so an accidental change fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, get_args

import msgspec

from campaigns.application.outbox import OutboxEntry, SinkRoute
from campaigns.application.read_models import MarketView, market_view
from campaigns.domain.campaign import Instant, Status
from campaigns.domain.events import (
    AnyEvent,
    CampaignCreated,
    CampaignDomainReleased,
    CampaignEventIdsMapped,
    CampaignStatusChanged,
    CampaignUpdated,
    ContactEvent,
    MarketEvent,
    MarketPresaleChanged,
    PromoterEvent,
)

SOURCE = "urn:campaigns"
SCHEMA_VERSION = 1


class EventData(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """Base of every `data` payload: camelCase on the wire, whatever the domain calls the field."""


class CampaignCreatedData(EventData, frozen=True, kw_only=True):
    campaign_id: str
    domain: str | None
    status: Status


class CampaignUpdatedData(EventData, frozen=True, kw_only=True):
    campaign_id: str
    domain: str | None
    changed_fields: list[str]
    previous_domain: str | None


class CampaignStatusChangedData(EventData, frozen=True, kw_only=True):
    campaign_id: str
    domain: str | None
    from_status: Status
    to_status: Status
    by: str
    reason: str
    due_at: Instant | None


class CampaignDomainReleasedData(EventData, frozen=True, kw_only=True):
    campaign_id: str
    released_domain: str


class CampaignEventMappingData(EventData, frozen=True, kw_only=True):
    campaign_id: str
    event_ids: list[str]


class MarketData(EventData, frozen=True, kw_only=True):
    campaign_id: str
    market_id: str
    market: MarketView
    """The market document exactly as the API answers it."""


class MarketPresaleChangedData(EventData, frozen=True, kw_only=True):
    campaign_id: str
    market_id: str
    event_ids: list[str]
    presale_date_time: Instant | None
    previous_presale_date_time: Instant | None


class PromoterData(EventData, frozen=True, kw_only=True):
    promoter_id: str
    name: str


class ContactData(EventData, frozen=True, kw_only=True):
    contact_id: str


class CloudEvent(msgspec.Struct, frozen=True, kw_only=True):
    specversion: str = "1.0"
    id: str
    source: str = SOURCE
    type: str
    time: dt.datetime
    subject: str
    """The aggregate (campaign, promoter or contact) id: ordering and partitioning key."""
    datacontenttype: str = "application/json"
    dataschema: str
    data: EventData


EVENT_TYPES: frozenset[str] = frozenset(str(kind.__struct_config__.tag) for kind in get_args(AnyEvent))
"""Every type the stream can carry."""

JSON_LINES = "json-lines"
"""The embedded profile's local file (while no AWS sink is configured)."""
KINESIS = "kinesis"
"""The campaign data stream (`CAMPAIGNS_KINESIS_STREAM`)."""
DATA_PIPELINE = "data-pipeline"
"""The data pipeline queue (`CAMPAIGNS_DATA_PIPELINE_QUEUE_URL`): the full market document on every market change."""
REFRESH_SELECTIONS = "refresh-selections"
"""The refresh selections queue (`CAMPAIGNS_REFRESH_SELECTIONS_QUEUE_URL`): a market's presale date changed."""
REDIS = "redis"
"""The campaign public documents in Redis: the changes that alter a document (markets are not part of it)."""
FASTLY = "fastly"
"""Fastly purges: the changes that alter what the CDN holds for a campaign (its domain, content, status)."""
CDN_LOG = "cdn-log"
"""The purges Fastly would do, logged (while no Fastly service is configured)."""


def _to(*sinks: str) -> frozenset[str]:
    return frozenset({JSON_LINES, *sinks})


SINKS_BY_TYPE: Mapping[str, frozenset[str]] = {
    "campaign.created": _to(KINESIS, REDIS),
    "campaign.updated": _to(KINESIS, REDIS, FASTLY, CDN_LOG),
    "campaign.status-changed": _to(KINESIS, REDIS, FASTLY, CDN_LOG),
    "campaign.domain-released": _to(KINESIS, REDIS, FASTLY, CDN_LOG),
    "campaign.event-mapping": _to(KINESIS),
    "market.created": _to(DATA_PIPELINE),
    "market.updated": _to(DATA_PIPELINE),
    "market.deleted": _to(DATA_PIPELINE),
    "market.presale-changed": _to(REFRESH_SELECTIONS),
    "promoter.created": _to(),
    "promoter.updated": _to(),
    "promoter.deleted": _to(),
    "contact.created": _to(),
    "contact.updated": _to(),
    "contact.deleted": _to(),
}
"""The one routing table: each type and the sinks that take it (the local file takes every type).

A sink's delivery position, parked entries and lease are kept under its name, so a name never changes.
"""

ROUTES: Mapping[str, SinkRoute] = {
    sink: SinkRoute(name=sink, event_types=frozenset(kind for kind, to in SINKS_BY_TYPE.items() if sink in to))
    for sink in (JSON_LINES, KINESIS, DATA_PIPELINE, REFRESH_SELECTIONS, REDIS, FASTLY, CDN_LOG)
}
"""Each sink as the outbox knows it, with the types `SINKS_BY_TYPE` routes to it."""


_WIRE_FIELD_NAMES = {"passwordHash": "password"}
"""Campaign fields whose stored name is not the document's: `changedFields` uses the name clients send."""


def _changed_fields(names: list[str]) -> list[str]:
    return [_WIRE_FIELD_NAMES.get(name, name) for name in names]


def _data(event: AnyEvent) -> EventData:  # noqa: PLR0911 - one branch per event kind, on purpose
    """The public payload of a domain event: the one place the domain's names meet the wire's."""
    match event:
        case CampaignCreated():
            return CampaignCreatedData(campaign_id=event.campaign_id, domain=event.domain_site, status=event.status)
        case CampaignUpdated():
            return CampaignUpdatedData(
                campaign_id=event.campaign_id,
                domain=event.domain_site,
                changed_fields=_changed_fields(event.changed_fields),
                previous_domain=event.previous_domain_site,
            )
        case CampaignStatusChanged():
            return CampaignStatusChangedData(
                campaign_id=event.campaign_id,
                domain=event.domain_site,
                from_status=event.from_status,
                to_status=event.to_status,
                by=event.by,
                reason=event.reason,
                due_at=event.due_at,
            )
        case CampaignDomainReleased():
            return CampaignDomainReleasedData(campaign_id=event.campaign_id, released_domain=event.released_site)
        case CampaignEventIdsMapped():
            return CampaignEventMappingData(campaign_id=event.campaign_id, event_ids=event.event_ids)
        case MarketPresaleChanged():
            return MarketPresaleChangedData(
                campaign_id=event.market.campaign_id,
                market_id=event.market.id,
                event_ids=event.market.event_ids,
                presale_date_time=event.market.presale_at,
                previous_presale_date_time=event.previous_presale_date_time,
            )
        case MarketEvent():
            return MarketData(
                campaign_id=event.market.campaign_id, market_id=event.market.id, market=market_view(event.market)
            )
        case PromoterEvent():
            return PromoterData(promoter_id=event.promoter_id, name=event.name)
        case ContactEvent():
            return ContactData(contact_id=event.contact_id)
    raise TypeError(f"No public schema for {type(event).__name__}")


def event_type(event: AnyEvent) -> str:
    return str(type(event).__struct_config__.tag)


def cloud_event(entry: OutboxEntry) -> CloudEvent:
    """The entry's stable id becomes the CloudEvent id, so consumers can drop redeliveries."""
    kind = event_type(entry.event)
    return CloudEvent(
        id=entry.id,
        type=kind,
        time=entry.event.occurred_at,
        subject=entry.event.aggregate_id,
        dataschema=f"{SOURCE}:events:v{SCHEMA_VERSION}:{kind}",
        data=_data(entry.event),
    )


_ENCODER = msgspec.json.Encoder()


def encode(entry: OutboxEntry) -> bytes:
    """The envelope as the JSON bytes every sink sends."""
    return _ENCODER.encode(cloud_event(entry))


def as_builtins(entry: OutboxEntry) -> dict[str, Any]:
    """The envelope as plain JSON values (for sinks and tests that inspect fields)."""
    return msgspec.json.decode(encode(entry))  # type: ignore[no-any-return]
