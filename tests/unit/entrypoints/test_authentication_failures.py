"""A failure inside authentication still answers with a problem body and a correlation id."""

from __future__ import annotations

from pathlib import Path

import httpx
from litestar.types import Receive, Scope, Send

from campaigns.adapters.local.dev_jwt_keys import DevKeyPair
from campaigns.domain.permissions import Principal
from campaigns.entrypoints.http.auth import AuthenticationMiddleware, TokenVerifier
from campaigns.entrypoints.http.observability import RequestContextMiddleware
from campaigns.entrypoints.metrics import Metrics


class BrokenVerifier(TokenVerifier):
    def verify(self, token: str) -> Principal:
        raise RuntimeError(f"verifier bug on {token[:4]}")


async def unreachable(_scope: Scope, _receive: Receive, _send: Send) -> None:
    raise AssertionError("a request whose authentication failed must not reach the app")


async def test_an_error_while_verifying_is_a_500_problem_with_the_correlation_id(tmp_path: Path) -> None:
    verifier = BrokenVerifier(DevKeyPair(tmp_path / "keys").ensure())
    app = RequestContextMiddleware(AuthenticationMiddleware(unreachable, verifier), Metrics(), log_requests=False)

    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type] # Litestar's ASGI types are narrower than httpx's
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get(
            "/campaigns/list", headers={"Authorization": "Bearer abcdef", "x-titan-correlation-id": "corr-1"}
        )

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "INTERNAL_ERROR"
    assert "verifier bug" not in response.text
    assert response.headers["x-titan-correlation-id"] == "corr-1"
