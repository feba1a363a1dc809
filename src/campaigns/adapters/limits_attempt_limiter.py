"""Failed-attempt limits through the `limits` library (in-process now; its Redis storage later)."""

from __future__ import annotations

import math
import time
from urllib.parse import quote

from limits import RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from campaigns.application.ports import AttemptLimiter


class LimitsAttemptLimiter(AttemptLimiter):
    """At most `attempts` failures per (caller, target) in any `window_seconds`: a moving window.

    `storage_uri` is a `limits` storage: `async+memory://` (this process only, the default) or,
    for several processes sharing the count, `async+redis://…`. The storages read the wall clock
    (`time.time()`) themselves; tests move it with time-machine.
    """

    def __init__(
        self,
        *,
        attempts: int = 10,
        window_seconds: int = 60,
        storage_uri: str = "async+memory://",
        namespace: str = "failed-attempts",
    ) -> None:
        self._item = RateLimitItemPerSecond(attempts, window_seconds, namespace=namespace)
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))

    async def retry_after(self, caller: str, target: str) -> int | None:
        key = _key(caller, target)
        if await self._limiter.test(self._item, *key):
            return None
        stats = await self._limiter.get_window_stats(self._item, *key)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def record_failure(self, caller: str, target: str) -> None:
        await self._limiter.hit(self._item, *_key(caller, target))


def _key(caller: str, target: str) -> tuple[str, str]:
    """`limits` joins identifiers with `/`: quoting them keeps ("a/b", "c") and ("a", "b/c") apart."""
    return quote(caller, safe=""), quote(target, safe="")
