"""Fastly soft purges by surrogate key, as an outbox sink."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import httpx
import structlog

from campaigns.adapters.httpx_clients import json_api_client
from campaigns.application.cdn import batch_purge_keys, purge_keys
from campaigns.application.errors import DependencyUnavailable
from campaigns.application.outbox import OutboxEntry, Rejection, SinkRoute
from campaigns.application.ports.outbox import EventSink

log = structlog.get_logger("campaigns.cdn")

MAX_KEYS_PER_PURGE = 256
"""Fastly's limit on the surrogate keys of one batch purge request."""
TIMEOUT_SECONDS = 5.0


async def fastly_http_client(api_url: str, *, enabled: bool) -> AsyncIterator[httpx.AsyncClient | None]:
    """The Fastly API's connection pool while purging is configured (else None): fits `providers.Resource`."""
    if not enabled:
        yield None
        return
    async with json_api_client(api_url, connect_timeout=TIMEOUT_SECONDS, read_timeout=TIMEOUT_SECONDS) as client:
        yield client


class FastlyCdnPurger(EventSink):
    """Soft-purges the surrogate keys of each domain, content or status change (`cdn.purge_keys`).

    - One `POST /service/{id}/purge` per 256 keys, the keys space-separated in `Surrogate-Key`,
      with `Fastly-Key` and `Fastly-Soft-Purge: 1` (stale objects are revalidated, not dropped).
      A batch's keys are purged once however many of its events name them.
    - Unreachable, timed out, 5xx or 429: DependencyUnavailable (the relay retries; purging twice is
      harmless). 401/403 too, logged: a revoked or unscoped API token is an outage to fix in the
      configuration, and the purges must still happen once it is fixed. Any other 4xx is Fastly
      refusing the request itself: the entries whose keys it carried are rejected with its answer.
    """

    def __init__(self, client: httpx.AsyncClient, *, route: SinkRoute, service_id: str, api_key: str) -> None:
        self.route = route
        self._client = client
        self._path = f"/service/{service_id}/purge"
        self._api_key = api_key

    async def deliver(self, entries: Sequence[OutboxEntry]) -> list[Rejection]:
        keys = batch_purge_keys(entry.event for entry in entries)
        rejections: list[Rejection] = []
        for start in range(0, len(keys), MAX_KEYS_PER_PURGE):
            chunk = keys[start : start + MAX_KEYS_PER_PURGE]
            if (refusal := await self._purge(chunk)) is not None:
                refused = set(chunk)
                rejections.extend(
                    Rejection(entry_id=entry.id, reason=refusal)
                    for entry in entries
                    if refused.intersection(purge_keys(entry.event))
                )
        return rejections

    async def _purge(self, keys: Sequence[str]) -> str | None:
        """None once Fastly has purged `keys`; its refusal when it never will."""
        headers = {"Surrogate-Key": " ".join(keys), "Fastly-Key": self._api_key, "Fastly-Soft-Purge": "1"}
        try:
            response = await self._client.post(self._path, headers=headers)
        except httpx.HTTPError as error:
            raise DependencyUnavailable(f"Fastly could not be reached: {type(error).__name__}: {error}") from error
        status = response.status_code
        if status < 300:
            return None
        answer = f"Fastly answered {status}: {response.text[:200]}"
        if status in {401, 403}:
            log.error("fastly refused the api key", status=status, answer=response.text[:200])
            raise DependencyUnavailable(f"{answer} (check CAMPAIGNS_FASTLY_API_KEY and its purge scope)")
        if status == 429 or status >= 500:
            raise DependencyUnavailable(answer)
        return answer
