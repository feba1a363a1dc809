"""A short-lived in-process cache of campaigns by domain and of prepared reads (the embedded profile's only cache)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, NamedTuple

from cachetools import FIFOCache, TTLCache

from campaigns.application.caching import CampaignChange, PreparedRead
from campaigns.application.ports.caches import CampaignCache, PreparedReads
from campaigns.domain.campaign import Campaign


class _Kept(NamedTuple):
    answer: PreparedRead[Any]
    campaign_id: str | None


class InProcessCampaignCache(CampaignCache, PreparedReads):
    """Entries expire after `ttl_seconds`, bounding how stale another process's write can look here.

    At most `max_entries` campaigns are kept, the least recently used going first when full.

    `evict` drops the changed campaigns' entries (unless already as new as the change) and keeps,
    per campaign, the least version that may be cached from now on: a read that began before the
    change and ends after it cannot put the previous version back. Versions only grow, so such a
    floor never goes stale; only the most recently changed `max_entries` are kept.

    Prepared answers of the reads by id and by event (`PreparedReads`) live beside the campaigns,
    bounded and expiring alike. Every eviction bumps the stamp, so a read that began before it
    keeps nothing, and drops the answers of the changed campaigns and every answer kept for none.
    """

    def __init__(self, *, ttl_seconds: float, max_entries: int = 10_000) -> None:
        self._entries: TTLCache[str, Campaign] = TTLCache(maxsize=max_entries, ttl=ttl_seconds)
        self._floors: FIFOCache[str, int] = FIFOCache(maxsize=max_entries)
        self._answers: TTLCache[Hashable, _Kept] = TTLCache(maxsize=max_entries, ttl=ttl_seconds)
        self._stamp = 0

    async def get_by_site(self, site: str) -> Campaign | None:
        try:
            return self._entries[site]  # the hot path: a subscript costs a fraction of `get`
        except KeyError:
            return None

    async def put(self, campaign: Campaign) -> None:
        if campaign.site and campaign.version >= self._floors.get(campaign.id, 0):
            self._entries[campaign.site] = campaign

    async def evict(self, changes: Sequence[CampaignChange]) -> None:
        self._stamp += 1
        changed = {change.id for change in changes}
        for key in [key for key in self._answers if not _kept_for_another(self._answers.get(key), changed)]:
            self._answers.pop(key, None)
        for change in changes:
            # re-inserted, so the least recently changed campaign's floor is the first to go
            self._floors[change.id] = max(change.version, self._floors.pop(change.id, 0))
            for site in change.sites:
                entry = self._entries.get(site)
                if entry is not None and not (entry.id == change.id and entry.version >= change.version):
                    self._entries.pop(site, None)

    def clear(self) -> None:
        """Forget every entry and answer (not the floors): for when changes may have been missed."""
        self._stamp += 1
        self._entries.clear()
        self._answers.clear()

    def stamp(self) -> int:
        return self._stamp

    def answer(self, key: Hashable) -> PreparedRead[Any] | None:
        kept = self._answers.get(key)
        return None if kept is None else kept.answer

    def keep(self, key: Hashable, answer: PreparedRead[Any], *, campaign_id: str | None, stamp: int) -> None:
        if stamp == self._stamp:
            self._answers[key] = _Kept(answer, campaign_id)


def _kept_for_another(kept: _Kept | None, changed: set[str]) -> bool:
    """An answer of one campaign, none of the changed ones: it survives the eviction."""
    return kept is not None and kept.campaign_id is not None and kept.campaign_id not in changed
