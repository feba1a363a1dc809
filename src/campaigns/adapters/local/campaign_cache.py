"""A short-lived in-process cache of campaigns by domain and of prepared reads (the embedded profile's only cache)."""

from __future__ import annotations

import time
from collections.abc import Hashable, Sequence
from typing import Any, NamedTuple

from campaigns.application.caching import CampaignChange, PreparedRead
from campaigns.application.ports.caches import CampaignCache, PreparedReads
from campaigns.domain.campaign import Campaign


class _Kept(NamedTuple):
    answer: PreparedRead[Any]
    expires: float
    campaign_id: str | None


class InProcessCampaignCache(CampaignCache, PreparedReads):
    """Entries expire after `ttl_seconds`, bounding how stale another process's write can look here.

    A plain dict rather than a cache library: a hit is one lookup and one clock read on the
    service's hottest path.

    `evict` drops the changed campaigns' entries (unless already as new as the change) and keeps,
    per campaign, the least version that may be cached from now on: a read that began before the
    change and ends after it cannot put the previous version back. Versions only grow, so such a
    floor never goes stale; only the most recent `max_entries` are kept.

    Prepared answers of the reads by id and by event (`PreparedReads`) live beside the campaigns,
    bounded and expiring alike. Every eviction bumps the stamp, so a read that began before it
    keeps nothing, and drops the answers of the changed campaigns and every answer kept for none.
    """

    def __init__(self, *, ttl_seconds: float, max_entries: int = 10_000) -> None:
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._entries: dict[str, tuple[Campaign, float]] = {}
        self._floors: dict[str, int] = {}
        self._answers: dict[Hashable, _Kept] = {}
        self._stamp = 0

    async def get_by_site(self, site: str) -> Campaign | None:
        entry = self._entries.get(site)
        if entry is None:
            return None
        if entry[1] <= time.monotonic():
            del self._entries[site]
            return None
        return entry[0]

    async def put(self, campaign: Campaign) -> None:
        if not campaign.site or campaign.version < self._floors.get(campaign.id, 0):
            return
        if len(self._entries) >= self._max_entries:
            del self._entries[next(iter(self._entries))]  # the oldest entry: insertion order
        self._entries[campaign.site] = (campaign, time.monotonic() + self._ttl)

    async def evict(self, changes: Sequence[CampaignChange]) -> None:
        self._stamp += 1
        changed = {change.id for change in changes}
        self._answers = {
            key: kept
            for key, kept in self._answers.items()
            if kept.campaign_id is not None and kept.campaign_id not in changed
        }
        for change in changes:
            # re-inserted, so the least recently changed campaign's floor is the first to go
            self._floors[change.id] = max(change.version, self._floors.pop(change.id, 0))
            if len(self._floors) > self._max_entries:
                del self._floors[next(iter(self._floors))]
            for site in change.sites:
                entry = self._entries.get(site)
                if entry is not None and not (entry[0].id == change.id and entry[0].version >= change.version):
                    del self._entries[site]

    def clear(self) -> None:
        """Forget every entry and answer (not the floors): for when changes may have been missed."""
        self._stamp += 1
        self._entries.clear()
        self._answers.clear()

    def stamp(self) -> int:
        return self._stamp

    def answer(self, key: Hashable) -> PreparedRead[Any] | None:
        kept = self._answers.get(key)
        if kept is None:
            return None
        if kept.expires <= time.monotonic():
            del self._answers[key]
            return None
        return kept.answer

    def keep(self, key: Hashable, answer: PreparedRead[Any], *, campaign_id: str | None, stamp: int) -> None:
        if stamp != self._stamp:
            return
        if len(self._answers) >= self._max_entries:
            del self._answers[next(iter(self._answers))]  # the oldest entry: insertion order
        self._answers[key] = _Kept(answer, time.monotonic() + self._ttl, campaign_id)
