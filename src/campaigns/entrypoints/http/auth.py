"""Bearer-token authentication as a plain ASGI middleware, the cheapest place on the hot path.

Verifying an RS256 signature costs far more than serving a cached campaign, so verified tokens
are remembered (bounded, and each only until its own `exp`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from campaigns.domain.permissions import Principal, principal_from_claims
from campaigns.entrypoints.http.problems import PROBLEM_CONTENT_TYPE, encode_problem, problem

PUBLIC_PATHS = ("/heartbeat", "/metrics", "/schema")
ALGORITHMS = ["RS256"]


class InvalidToken(Exception):
    """The bearer token is missing, malformed, expired or not ours."""


class TokenVerifier:
    """Verify RS256 tokens (exp required; iss/aud when configured) and cache the verified principals.

    The cache is a plain dict bounded by evicting the oldest entry: a hit costs one lookup and one
    clock read, which matters more here than a perfect LRU order.
    """

    def __init__(
        self,
        public_key: str,
        *,
        issuer: str | None = None,
        audience: str | None = None,
        cache_size: int = 10_000,
    ) -> None:
        key = load_pem_public_key(public_key.encode())
        if not isinstance(key, RSAPublicKey):
            raise TypeError("The JWT verification key must be an RSA public key (tokens are RS256).")
        self._key = key
        self._issuer = issuer
        self._audience = audience
        self._cache: dict[str, tuple[Principal, float]] = {}
        self._cache_size = cache_size

    def verify(self, token: str) -> Principal:
        if (hit := self._cache.get(token)) is not None:
            if hit[1] > time.time():
                return hit[0]
            del self._cache[token]
        try:
            claims: Mapping[str, Any] = jwt.decode(
                token,
                self._key,
                algorithms=ALGORITHMS,
                issuer=self._issuer,
                audience=self._audience,
                options={"require": ["exp"], "verify_aud": self._audience is not None},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error)) from error
        principal = principal_from_claims(claims)
        if len(self._cache) >= self._cache_size:
            del self._cache[next(iter(self._cache))]  # the oldest entry: insertion order
        self._cache[token] = (principal, float(claims["exp"]))
        return principal


class AuthenticationMiddleware:
    """Put the caller's Principal in `scope["user"]`, or answer 401 before any routing work."""

    def __init__(self, app: ASGIApp, verifier: TokenVerifier) -> None:
        self._app = app
        self._verifier = verifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["path"].startswith(PUBLIC_PATHS):
            await self._app(scope, receive, send)
            return
        try:
            scope["user"] = self._verifier.verify(_bearer_token(scope))
        except InvalidToken as error:
            await _unauthenticated(send, str(error))
            return
        await self._app(scope, receive, send)


def _bearer_token(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise InvalidToken("The Authorization header must be 'Bearer <token>'.")
            return token.strip()
    raise InvalidToken("The Authorization header is missing.")


async def _unauthenticated(send: Send, detail: str) -> None:
    body = encode_problem(problem(401, "UNAUTHENTICATED", detail))
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", PROBLEM_CONTENT_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"www-authenticate", b"Bearer"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})
