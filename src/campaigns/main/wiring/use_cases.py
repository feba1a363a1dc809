"""The use cases the HTTP handlers are given, each provider named as the handlers' parameter for it.

`campaigns.main.app` hands every provider of this container to the app by its name, and Litestar
refuses to start when a handler asks for a name no provider has: a rename on either side fails at
start, never silently.
"""

from __future__ import annotations

from typing import Any

from dependency_injector import containers, providers

from campaigns.application.ports.caches import CampaignCache
from campaigns.application.ports.discovery import DiscoveryCache, DiscoveryCatalog
from campaigns.application.ports.security import AttemptLimiter, PasswordVerifier
from campaigns.application.ports.store import StoreReader, UnitOfWorkFactory
from campaigns.application.ports.system import Clock, IdFactory
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
from campaigns.application.use_cases.refresh_lifecycle import RefreshLifecycle
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
from campaigns.config import Settings


class UseCases(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    unit_of_work: providers.Dependency[UnitOfWorkFactory] = providers.Dependency()
    reads: providers.Dependency[StoreReader] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()
    ids: providers.Dependency[IdFactory] = providers.Dependency()
    cache: providers.Dependency[CampaignCache] = providers.Dependency()
    """This process's cache, where reads keep their prepared answers."""
    lookup_cache: providers.Dependency[CampaignCache] = providers.Dependency()
    """What the lookup by domain reads, and what every write evicts from."""
    password_verifier: providers.Dependency[PasswordVerifier] = providers.Dependency()
    password_attempts: providers.Dependency[AttemptLimiter] = providers.Dependency()
    discovery_catalog: providers.Dependency[DiscoveryCatalog] = providers.Dependency()
    discovery_cache: providers.Dependency[DiscoveryCache] = providers.Dependency()

    create_campaign = providers.Singleton(CreateCampaign, uow=unit_of_work, clock=clock, ids=ids)
    update_campaign = providers.Singleton(UpdateCampaign, uow=unit_of_work, clock=clock, ids=ids, cache=lookup_cache)
    update_campaign_faqs = providers.Singleton(
        UpdateCampaignFaqs, uow=unit_of_work, clock=clock, ids=ids, cache=lookup_cache
    )
    update_campaign_terms = providers.Singleton(
        UpdateCampaignTerms, uow=unit_of_work, clock=clock, ids=ids, cache=lookup_cache
    )
    update_campaign_contacts = providers.Singleton(
        UpdateCampaignContacts, uow=unit_of_work, clock=clock, ids=ids, cache=lookup_cache
    )
    list_promoters = providers.Singleton(ListPromoters, reads=reads)
    create_promoter = providers.Singleton(CreatePromoter, uow=unit_of_work, clock=clock, ids=ids)
    update_promoter = providers.Singleton(UpdatePromoter, uow=unit_of_work, clock=clock)
    delete_promoter = providers.Singleton(DeletePromoter, uow=unit_of_work, clock=clock)
    search_contacts = providers.Singleton(SearchContacts, reads=reads)
    get_campaign = providers.Singleton(GetCampaign, reads=reads, prepared=cache)
    get_campaign_by_domain = providers.Singleton(
        GetCampaignByDomain,
        reads=reads,
        cache=lookup_cache,
        nearest_cache=cache,
        verifier=password_verifier,
        limiter=password_attempts,
        clock=clock,
        verified_ttl_seconds=settings.provided.cache_ttl_seconds,
    )
    list_campaigns = providers.Singleton(ListCampaigns, reads=reads)
    find_campaigns_for_event = providers.Singleton(FindCampaignsForEvent, reads=reads, prepared=cache)
    find_presale_window_ids = providers.Singleton(FindPresaleWindowIds, reads=reads)
    find_campaign_ids_by_category = providers.Singleton(FindCampaignIdsByCategory, reads=reads)
    refresh_lifecycle = providers.Singleton(RefreshLifecycle, uow=unit_of_work, clock=clock, cache=lookup_cache)
    check_health = providers.Singleton(CheckHealth, reads=reads)
    list_upcoming_markets = providers.Singleton(ListUpcomingMarkets, reads=reads, clock=clock)
    list_scheduled_transitions = providers.Singleton(ListScheduledTransitions, reads=reads, clock=clock)
    schedule_market_notifications = providers.Singleton(
        ScheduleMarketNotifications, uow=unit_of_work, clock=clock, cache=lookup_cache
    )
    list_notifiable_markets = providers.Singleton(ListNotifiableMarkets, reads=reads, clock=clock)
    mark_markets_notified = providers.Singleton(MarkMarketsNotified, uow=unit_of_work, clock=clock, cache=lookup_cache)
    list_event_statuses = providers.Singleton(ListEventStatuses, reads=reads)
    upsert_event_status = providers.Singleton(UpsertEventStatus, uow=unit_of_work)
    list_markets = providers.Singleton(ListMarkets, reads=reads, prepared=cache)
    get_market = providers.Singleton(GetMarket, reads=reads)
    create_market = providers.Singleton(CreateMarket, uow=unit_of_work, clock=clock, ids=ids, cache=lookup_cache)
    update_market = providers.Singleton(UpdateMarket, uow=unit_of_work, clock=clock, cache=lookup_cache)
    delete_market = providers.Singleton(DeleteMarket, uow=unit_of_work, clock=clock, cache=lookup_cache)
    clone_markets = providers.Singleton(CloneMarkets, uow=unit_of_work, clock=clock, ids=ids, cache=lookup_cache)
    search_artists = providers.Singleton(SearchArtists, catalog=discovery_catalog, cache=discovery_cache)
    search_venues = providers.Singleton(SearchVenues, catalog=discovery_catalog, cache=discovery_cache)
    get_artist = providers.Singleton(
        GetArtist,
        catalog=discovery_catalog,
        cache=discovery_cache,
        not_found_ttl_seconds=settings.provided.discovery_not_found_ttl_seconds,
    )
    get_venue = providers.Singleton(
        GetVenue,
        catalog=discovery_catalog,
        cache=discovery_cache,
        not_found_ttl_seconds=settings.provided.discovery_not_found_ttl_seconds,
    )


def services_of(use_cases: UseCases) -> dict[str, providers.Provider[Any]]:
    """The use cases by name: the providers of `use_cases`, less the dependencies they are built from."""
    return {
        name: provider
        for name, provider in use_cases.providers.items()
        if not isinstance(provider, providers.Dependency)
    }
