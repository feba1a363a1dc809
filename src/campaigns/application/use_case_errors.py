"""The one table of the errors each use case can raise, the API documentation's source of error codes.

A use case's entry holds what its own code and the helpers it calls raise (a test reads their
source and fails when a `raise` has no entry here), and what the ports it calls raise: an
unreachable or failing server, a store's unique key, a compare-and-set or transaction that lost
to another writer.
"""

from __future__ import annotations

from collections.abc import Mapping

from campaigns.application.errors import (
    CampaignNotFound,
    DependencyFailed,
    DependencyUnavailable,
    MarketNotFound,
    NotFound,
    PromoterNotFound,
    TooManyAttempts,
    TransactionAborted,
    VersionMismatch,
)
from campaigns.application.use_cases.check_health import CheckHealth
from campaigns.application.use_cases.clone_markets import CloneMarkets
from campaigns.application.use_cases.create_campaign import CreateCampaign
from campaigns.application.use_cases.create_market import CreateMarket
from campaigns.application.use_cases.create_promoter import CreatePromoter
from campaigns.application.use_cases.delete_market import DeleteMarket
from campaigns.application.use_cases.delete_promoter import DeletePromoter
from campaigns.application.use_cases.find_campaign_ids_by_category import FindCampaignIdsByCategory
from campaigns.application.use_cases.find_campaigns_for_event import FindCampaignsForEvent
from campaigns.application.use_cases.find_presale_window_ids import FindPresaleWindowIds
from campaigns.application.use_cases.get_artist import GetArtist
from campaigns.application.use_cases.get_campaign import GetCampaign
from campaigns.application.use_cases.get_campaign_by_domain import GetCampaignByDomain
from campaigns.application.use_cases.get_market import GetMarket
from campaigns.application.use_cases.get_venue import GetVenue
from campaigns.application.use_cases.list_campaigns import ListCampaigns
from campaigns.application.use_cases.list_event_statuses import ListEventStatuses
from campaigns.application.use_cases.list_markets import ListMarkets
from campaigns.application.use_cases.list_notifiable_markets import ListNotifiableMarkets
from campaigns.application.use_cases.list_promoters import ListPromoters
from campaigns.application.use_cases.list_scheduled_transitions import ListScheduledTransitions
from campaigns.application.use_cases.list_upcoming_markets import ListUpcomingMarkets
from campaigns.application.use_cases.mark_markets_notified import MarkMarketsNotified
from campaigns.application.use_cases.purge_outbox import PurgeDeliveredOutbox
from campaigns.application.use_cases.refresh_lifecycle import RefreshLifecycle
from campaigns.application.use_cases.relay_outbox import RelayOutbox
from campaigns.application.use_cases.replay_outbox import ReplayOutbox
from campaigns.application.use_cases.schedule_market_notifications import ScheduleMarketNotifications
from campaigns.application.use_cases.search_artists import SearchArtists
from campaigns.application.use_cases.search_contacts import SearchContacts
from campaigns.application.use_cases.search_venues import SearchVenues
from campaigns.application.use_cases.update_campaign import UpdateCampaign
from campaigns.application.use_cases.update_campaign_contacts import UpdateCampaignContacts
from campaigns.application.use_cases.update_campaign_faqs import UpdateCampaignFaqs
from campaigns.application.use_cases.update_campaign_terms import UpdateCampaignTerms
from campaigns.application.use_cases.update_market import UpdateMarket
from campaigns.application.use_cases.update_promoter import UpdatePromoter
from campaigns.application.use_cases.upsert_event_status import UpsertEventStatus
from campaigns.domain.errors import (
    AccessDenied,
    CampaignError,
    DocumentTooLarge,
    DomainAlreadyClaimed,
    InvalidCampaignPassword,
    InvalidEventStatus,
    InvalidMarket,
    InvalidPromoter,
    InvalidQuery,
    InvalidStatusChange,
    MarketNameTaken,
    PromoterNameTaken,
    SupremeUserRequired,
    ValidationFailed,
)

Errors = frozenset[type[CampaignError]]

READS: Errors = frozenset({DependencyUnavailable})
"""A store (or cache) that cannot answer."""
WRITES: Errors = READS | {TransactionAborted}
"""A write also loses when the store aborts its transaction for a concurrent one, every rerun included."""
DISCOVERY: Errors = frozenset({DependencyUnavailable, DependencyFailed})
CAMPAIGN_UPDATE: Errors = WRITES | {
    AccessDenied,
    CampaignNotFound,
    VersionMismatch,
    ValidationFailed,
    InvalidStatusChange,
    DomainAlreadyClaimed,
    DocumentTooLarge,
}
MARKET_WRITE: Errors = WRITES | {AccessDenied, CampaignNotFound, InvalidMarket, DocumentTooLarge, MarketNameTaken}
NOTIFICATION_WRITE: Errors = WRITES | {SupremeUserRequired, InvalidMarket, MarketNotFound}
SUPREME_READ: Errors = READS | {SupremeUserRequired}

ERRORS_BY_USE_CASE: Mapping[type, Errors] = {
    CheckHealth: READS,
    GetCampaignByDomain: READS | {CampaignNotFound, InvalidCampaignPassword, TooManyAttempts},
    GetCampaign: READS | {AccessDenied, CampaignNotFound},
    ListCampaigns: READS,
    FindCampaignsForEvent: READS,
    FindPresaleWindowIds: READS | {InvalidQuery},
    FindCampaignIdsByCategory: READS,
    ListScheduledTransitions: SUPREME_READ | {InvalidQuery},
    CreateCampaign: WRITES
    | {SupremeUserRequired, ValidationFailed, InvalidStatusChange, DomainAlreadyClaimed, DocumentTooLarge},
    UpdateCampaign: CAMPAIGN_UPDATE,
    UpdateCampaignFaqs: CAMPAIGN_UPDATE,
    UpdateCampaignTerms: CAMPAIGN_UPDATE | {InvalidQuery},
    UpdateCampaignContacts: CAMPAIGN_UPDATE,
    RefreshLifecycle: WRITES,
    ListMarkets: READS | {AccessDenied, CampaignNotFound},
    GetMarket: READS | {AccessDenied, CampaignNotFound, MarketNotFound},
    CreateMarket: MARKET_WRITE,
    UpdateMarket: MARKET_WRITE | {MarketNotFound},
    CloneMarkets: WRITES | {AccessDenied, CampaignNotFound, DocumentTooLarge, MarketNameTaken},
    DeleteMarket: WRITES | {AccessDenied, CampaignNotFound, MarketNotFound},
    ListUpcomingMarkets: SUPREME_READ,
    ListNotifiableMarkets: SUPREME_READ,
    ScheduleMarketNotifications: NOTIFICATION_WRITE,
    MarkMarketsNotified: NOTIFICATION_WRITE,
    ListEventStatuses: SUPREME_READ,
    UpsertEventStatus: WRITES | {SupremeUserRequired, InvalidEventStatus},
    ListPromoters: SUPREME_READ,
    CreatePromoter: WRITES | {SupremeUserRequired, InvalidPromoter, PromoterNameTaken},
    UpdatePromoter: WRITES | {SupremeUserRequired, InvalidPromoter, PromoterNotFound, PromoterNameTaken},
    DeletePromoter: WRITES | {SupremeUserRequired, PromoterNotFound},
    SearchContacts: SUPREME_READ,
    SearchArtists: DISCOVERY | {InvalidQuery},
    SearchVenues: DISCOVERY | {InvalidQuery},
    GetArtist: DISCOVERY | {NotFound},
    GetVenue: DISCOVERY | {NotFound},
    RelayOutbox: frozenset(),
    ReplayOutbox: WRITES | {NotFound},
    PurgeDeliveredOutbox: WRITES,
}
"""Use case class -> the errors it can raise (exact classes: each carries its own `code`)."""


def errors_of(use_case: type) -> Errors:
    """The entry of `use_case`; a KeyError names a use case the table misses."""
    return ERRORS_BY_USE_CASE[use_case]
