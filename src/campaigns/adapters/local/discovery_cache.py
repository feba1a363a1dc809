"""Discovery answers kept in this process for a while (the embedded profile; Redis replaces it later)."""

from __future__ import annotations

import time
from collections.abc import Callable

from cachetools import TLRUCache

from campaigns.application.ports.discovery import DiscoveryCache


class InProcessDiscoveryCache(DiscoveryCache):
    """Entries expire `ttl_seconds` (or a put's shorter TTL) after they were stored; the least recently used goes first.

    Bounded because the keys come from clients' search text. `now` is injectable so tests can move
    time without sleeping.
    """

    def __init__(
        self, *, ttl_seconds: float, max_entries: int = 1_000, now: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl_seconds
        self._entries: TLRUCache[str, tuple[bytes, float]] = TLRUCache(maxsize=max_entries, ttu=_expiry, timer=now)

    async def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        return None if entry is None else entry[0]

    async def put(self, key: str, value: bytes, *, ttl_seconds: float | None = None) -> None:
        ttl = self._ttl if ttl_seconds is None else min(self._ttl, ttl_seconds)
        if ttl > 0:
            self._entries[key] = (value, ttl)

    def __len__(self) -> int:
        return len(self._entries)


def _expiry(_key: str, entry: tuple[bytes, float], now: float) -> float:
    return now + entry[1]
