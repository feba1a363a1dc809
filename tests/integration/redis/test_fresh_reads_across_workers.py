"""`campaigns serve --workers 2` with Redis: after a write, every worker stops answering the previous version."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.integration.http.support import bearer, valid_campaign_body
from tests.integration.processes import campaigns_environment, free_port, run_campaigns, started
from tests.integration.redis.servers import RedisPair

pytestmark = pytest.mark.integration

CONNECTIONS = 16
"""Keep-alive connections, each served by one worker throughout: granian's workers accept them in turn."""
WARM_LOOKUPS = 10
FRESH_WITHIN = 10.0
"""A generous deadline, far below the cache TTL the server is given: only an eviction explains a fresh answer."""
CACHE_TTL = "120"


def test_after_a_write_every_connection_answers_the_new_version_and_never_the_previous_again(
    tmp_path: Path, servers: RedisPair
) -> None:
    port = free_port()
    env = campaigns_environment(
        tmp_path / "data",
        redis_url=servers.primary.url,
        redis_replica_url=servers.replica.url,
        cache_ttl_seconds=CACHE_TTL,
    )
    with started("serve", "--port", str(port), "--workers", "2", env=env, log=tmp_path / "serve.log", port=port) as raw:
        minted = run_campaigns("token", "--supreme", env=env, timeout=30)
        assert minted.returncode == 0, minted.stderr
        headers = bearer(minted.stdout.strip())
        base_url = str(raw.base_url)
        with httpx.Client(base_url=base_url, headers=headers, timeout=5.0) as writer:
            created = writer.post("/campaigns", json=valid_campaign_body("fresh-everywhere"), headers=headers)
            assert created.status_code == 201, created.text
            campaign_id = created.json()["id"]
            connections = [
                httpx.Client(base_url=base_url, headers=headers, timeout=5.0, limits=httpx.Limits(max_connections=1))
                for _ in range(CONNECTIONS)
            ]
            try:

                def versions() -> list[str]:
                    """One lookup on every connection: the versions answered, in connection order."""
                    answers = [c.get("/campaigns", params={"domain": "fresh-everywhere"}) for c in connections]
                    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
                    return [a.headers["etag"] for a in answers]

                warm = [versions() for _ in range(WARM_LOOKUPS)]
                updated = writer.post(f"/campaigns/{campaign_id}", json={"name": "Renamed"}, headers=headers)
                assert updated.status_code == 200, updated.text
                rounds = [versions()]
                deadline = time.monotonic() + FRESH_WITHIN
                while any(version != '"2"' for version in rounds[-1]):
                    if time.monotonic() > deadline:
                        pytest.fail(
                            f"still answering the previous version {FRESH_WITHIN}s after the write: {rounds[-1]}"
                        )
                    rounds.append(versions())
                settled = [versions() for _ in range(WARM_LOOKUPS)]
            finally:
                for connection in connections:
                    connection.close()

    assert {version for answers in warm for version in answers} == {'"1"'}
    for index in range(CONNECTIONS):
        seen = [answers[index] for answers in rounds]
        first_new = seen.index('"2"')
        assert set(seen[first_new:]) == {'"2"'}, f"connection {index} went back to the previous version: {seen}"
    assert {version for answers in settled for version in answers} == {'"2"'}
