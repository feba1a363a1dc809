"""Tiers of campaign caches: the nearest answers first, a farther hit is kept nearer."""

from __future__ import annotations

from campaigns.adapters.local.tiered_campaign_cache import TieredCampaignCache
from campaigns.application.caching import CampaignChange
from campaigns.domain.campaign import Campaign, CampaignDomain
from tests.fakes.in_memory import InMemoryCampaignCache


def campaign(name: str) -> Campaign:
    return Campaign(id="a" * 24, name=name, domain=CampaignDomain(site="site"))


async def test_a_hit_in_a_farther_tier_is_kept_in_the_nearer_ones() -> None:
    near, far = InMemoryCampaignCache(), InMemoryCampaignCache()
    await far.put(campaign("far"))
    tiers = TieredCampaignCache(near, far)

    found = await tiers.get_by_site("site")

    assert found == campaign("far")
    assert near.by_site["site"] == campaign("far")


async def test_the_nearest_tier_answers_first_and_a_miss_everywhere_is_none() -> None:
    near, far = InMemoryCampaignCache(), InMemoryCampaignCache()
    await near.put(campaign("near"))
    await far.put(campaign("far"))
    tiers = TieredCampaignCache(near, far)

    assert await tiers.get_by_site("site") == campaign("near")
    assert await tiers.get_by_site("other") is None


async def test_puts_and_evictions_reach_every_tier() -> None:
    near, far = InMemoryCampaignCache(), InMemoryCampaignCache()
    tiers = TieredCampaignCache(near, far)

    await tiers.put(campaign("both"))
    stored = (dict(near.by_site), dict(far.by_site))
    await tiers.evict([CampaignChange(id="a" * 24, version=2, sites=("site",))])

    assert stored == ({"site": campaign("both")}, {"site": campaign("both")})
    assert (near.by_site, far.by_site) == ({}, {})
