"""Ports of the caches that keep reads fast: campaigns by domain and prepared answers."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, Protocol

from campaigns.application.caching import CampaignChange, PreparedRead
from campaigns.domain.campaign import Campaign


class CampaignCache(Protocol):
    """Short-lived copies of campaigns for the fan-facing lookup by domain."""

    async def get_by_site(self, site: str) -> Campaign | None: ...

    async def put(self, campaign: Campaign) -> None: ...

    async def evict(self, changes: Sequence[CampaignChange]) -> None:
        """Called once the changes committed: no copy older than a change may be answered afterwards."""


class PreparedReads(Protocol):
    """Answers of the reads by id and by event, kept in this process until a commit changes what they show.

    A read notes `stamp()` before it reads the store and passes it to `keep`: an answer read while a
    change committed (here, or told by another process) is not kept, so it cannot outlive the change.
    An answer kept for a `campaign_id` is dropped at any committed change of that campaign or of its
    markets (`CampaignCache.evict`); one kept for no campaign follows the event mapping and is
    dropped at every change. Entries expire with the cache TTL too.
    """

    def stamp(self) -> int: ...

    def answer(self, key: Hashable) -> PreparedRead[Any] | None: ...

    def keep(self, key: Hashable, answer: PreparedRead[Any], *, campaign_id: str | None, stamp: int) -> None: ...
