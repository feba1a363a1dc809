"""The HTTP client every JSON API adapter starts from (Discovery, Fastly)."""

from __future__ import annotations

import httpx


def json_api_client(base_url: str, *, connect_timeout: float, read_timeout: float) -> httpx.AsyncClient:
    """A connection pool for one JSON API: its root, timeouts, no redirects followed.

    Use it as `async with`, which closes the pool.
    """
    return httpx.AsyncClient(
        base_url=base_url.rstrip("/"),
        timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
        headers={"Accept": "application/json"},
        follow_redirects=False,
    )
