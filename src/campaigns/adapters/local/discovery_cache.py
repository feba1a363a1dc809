"""Discovery answers kept in this process for a while (the embedded profile; Redis replaces it later)."""

from __future__ import annotations

import time
from collections.abc import Callable

from campaigns.application.ports.discovery import DiscoveryCache


class InProcessDiscoveryCache(DiscoveryCache):
    """Entries expire `ttl_seconds` (or a put's shorter TTL) after they were stored; when full, the oldest goes first.

    Bounded because the keys come from clients' search text. `now` is injectable so tests can move
    time without sleeping.
    """

    def __init__(
        self, *, ttl_seconds: float, max_entries: int = 1_000, now: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._now = now
        self._entries: dict[str, tuple[bytes, float]] = {}

    async def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[1] <= self._now():
            del self._entries[key]
            return None
        return entry[0]

    async def put(self, key: str, value: bytes, *, ttl_seconds: float | None = None) -> None:
        ttl = self._ttl if ttl_seconds is None else min(self._ttl, ttl_seconds)
        if ttl <= 0:
            return
        self._entries.pop(key, None)  # re-inserted last: the newest is the last to be forgotten
        while len(self._entries) >= self._max_entries:
            del self._entries[next(iter(self._entries))]
        self._entries[key] = (value, self._now() + ttl)

    def __len__(self) -> int:
        return len(self._entries)
