"""Domain events: one past-tense struct per kind of change, tagged by `type` for the outbox."""

from __future__ import annotations

import datetime as dt

import msgspec

from campaigns.domain.campaign import Instant, Status, utc_millis
from campaigns.domain.market import Market


class DomainEvent(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of every event; `aggregate_id` keys ordering and the stream partition."""

    occurred_at: Instant

    def __post_init__(self) -> None:
        # Instants in UTC to the millisecond, as in the documents, so every store keeps them exactly.
        for name in self.__struct_fields__:
            if isinstance(value := getattr(self, name), dt.datetime):
                msgspec.structs.force_setattr(self, name, utc_millis(value))

    @property
    def aggregate_id(self) -> str:
        raise NotImplementedError


class CampaignEvent(DomainEvent, frozen=True, kw_only=True):
    campaign_id: str
    domain_site: str | None = None

    @property
    def aggregate_id(self) -> str:
        return self.campaign_id


class CampaignCreated(CampaignEvent, frozen=True, kw_only=True, tag="campaign.created"):
    status: Status


class CampaignUpdated(CampaignEvent, frozen=True, kw_only=True, tag="campaign.updated"):
    changed_fields: list[str]
    previous_domain_site: str | None = None


class CampaignStatusChanged(CampaignEvent, frozen=True, kw_only=True, tag="campaign.status-changed"):
    from_status: Status
    to_status: Status
    by: str
    reason: str
    due_at: Instant | None = None
    """The scheduled instant for a scheduled transition (lateness = occurred_at - due_at)."""


class CampaignDomainReleased(CampaignEvent, frozen=True, kw_only=True, tag="campaign.domain-released"):
    released_site: str


class CampaignEventIdsMapped(CampaignEvent, frozen=True, kw_only=True, tag="campaign.event-mapping"):
    """Which Ticketmaster events a campaign covers now, after any change to it or its markets."""

    event_ids: list[str]
    """The campaign's own `eventIds` plus every market's event ids: deduplicated, sorted."""


class MarketEvent(DomainEvent, frozen=True, kw_only=True):
    market: Market

    @property
    def aggregate_id(self) -> str:
        return self.market.campaign_id


class MarketCreated(MarketEvent, frozen=True, kw_only=True, tag="market.created"):
    pass


class MarketUpdated(MarketEvent, frozen=True, kw_only=True, tag="market.updated"):
    pass


class MarketDeleted(MarketEvent, frozen=True, kw_only=True, tag="market.deleted"):
    pass


class MarketPresaleChanged(MarketEvent, frozen=True, kw_only=True, tag="market.presale-changed"):
    previous_presale_date_time: Instant | None = None


class PromoterEvent(DomainEvent, frozen=True, kw_only=True):
    promoter_id: str
    name: str

    @property
    def aggregate_id(self) -> str:
        return self.promoter_id


class PromoterCreated(PromoterEvent, frozen=True, kw_only=True, tag="promoter.created"):
    pass


class PromoterUpdated(PromoterEvent, frozen=True, kw_only=True, tag="promoter.updated"):
    pass


class PromoterDeleted(PromoterEvent, frozen=True, kw_only=True, tag="promoter.deleted"):
    pass


class ContactEvent(DomainEvent, frozen=True, kw_only=True):
    contact_id: str

    @property
    def aggregate_id(self) -> str:
        return self.contact_id


class ContactCreated(ContactEvent, frozen=True, kw_only=True, tag="contact.created"):
    pass


class ContactUpdated(ContactEvent, frozen=True, kw_only=True, tag="contact.updated"):
    pass


class ContactDeleted(ContactEvent, frozen=True, kw_only=True, tag="contact.deleted"):
    pass


AnyEvent = (
    CampaignCreated
    | CampaignUpdated
    | CampaignStatusChanged
    | CampaignDomainReleased
    | CampaignEventIdsMapped
    | MarketCreated
    | MarketUpdated
    | MarketDeleted
    | MarketPresaleChanged
    | PromoterCreated
    | PromoterUpdated
    | PromoterDeleted
    | ContactCreated
    | ContactUpdated
    | ContactDeleted
)
"""Every event the outbox can hold; decode with `msgspec.json.Decoder(AnyEvent)`."""
