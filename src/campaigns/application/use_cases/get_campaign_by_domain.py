"""The fan-facing lookup of a campaign by its domain."""

from __future__ import annotations

import asyncio

import msgspec

from campaigns.application.errors import CampaignNotFound
from campaigns.application.ports import CampaignCache, StoreReader
from campaigns.domain.campaign import Campaign
from campaigns.domain.documents import select_locale
from campaigns.domain.permissions import Principal, ensure_visible_by_domain, ensure_visible_status


class DomainLookup(msgspec.Struct, frozen=True, kw_only=True):
    site: str
    locale: str | None = None
    show_all_locales: bool = False
    password: str | None = None


class GetCampaignByDomain:
    """Find the campaign a registration site shows.

    - Any valid token may ask; OPEN and CLOSED campaigns are shown to everyone, other statuses
      only to callers who may read the campaign.
    - A campaign with a password also needs the matching `password`.
    - One content locale is returned (the requested one, else the default) unless all are asked for.
    - Reads go through the campaign cache first (this is the service's hottest path), and
      concurrent misses for one site share one store read.
    """

    def __init__(self, *, reads: StoreReader, cache: CampaignCache) -> None:
        self._reads = reads
        self._cache = cache
        self._loads: dict[str, asyncio.Future[Campaign | None]] = {}

    async def execute(self, principal: Principal, lookup: DomainLookup) -> Campaign:
        campaign = await self.find(lookup.site)
        ensure_visible_by_domain(principal, campaign, lookup.password)
        return campaign if lookup.show_all_locales else select_locale(campaign, lookup.locale)

    async def status(self, principal: Principal, site: str) -> Campaign:
        """The campaign behind `site` for a status check: the visibility rule without the password."""
        campaign = await self.find(site)
        ensure_visible_status(principal, campaign)
        return campaign

    async def find(self, site: str) -> Campaign:
        campaign = await self._cache.get_by_site(site)
        if campaign is None:
            campaign = await asyncio.shield(self._load_once(site))
        if campaign is None:
            raise CampaignNotFound
        return campaign

    def _load_once(self, site: str) -> asyncio.Future[Campaign | None]:
        """One store read per site at a time.

        When a cached entry expires under load, the concurrent requests for it share a single
        read instead of queueing one each behind the store's lock.
        """
        if (pending := self._loads.get(site)) is None:
            pending = self._loads[site] = asyncio.ensure_future(self._load(site))
            pending.add_done_callback(lambda _: self._loads.pop(site, None))
        return pending

    async def _load(self, site: str) -> Campaign | None:
        campaign = await self._reads.campaigns.get_by_site(site)
        if campaign is not None:
            await self._cache.put(campaign)
        return campaign
