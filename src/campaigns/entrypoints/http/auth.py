"""Bearer-token authentication as a plain ASGI middleware, the cheapest place on the hot path.

Verifying an RS256 signature costs far more than serving a cached campaign, so verified tokens
are remembered (bounded, and each only until its own `exp`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import structlog
from cachetools import FIFOCache
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from campaigns.domain.permissions import Principal, principal_from_claims
from campaigns.entrypoints.http.problems import Problem, problem, send_problem
from campaigns.entrypoints.http.rs256 import Rs256Verifier, TokenExpired, TokenRejected

PUBLIC_PATHS = ("/heartbeat", "/metrics", "/schema")
EXPIRED_TOKEN_DETAIL = (
    "The token has expired: get a new one from your identity provider"  # noqa: S105 - a message, not a secret
    " (in development: `campaigns token --supreme`, or `--campaign ID:read,write`)."
)

log = structlog.get_logger(__name__)


class InvalidToken(Exception):
    """The bearer token is missing, malformed, expired or not ours."""


class TokenVerifier:
    """Verify RS256 tokens (exp required; iss/aud when configured) and cache the verified principals.

    Verification is `rs256.Rs256Verifier`: PyJWT's checks, at about a third of its cost per token.

    Verified principals are kept each until its token's own `exp` (wall clock), at most
    `cache_size` of them, the oldest going first. A FIFO bound with the expiry checked on a hit,
    not a `TLRUCache`: its expiry heap costs about 4 µs more per fresh token, on every request
    that brings one.
    """

    def __init__(
        self,
        public_key: str,
        *,
        issuer: str | None = None,
        audience: str | None = None,
        leeway_seconds: float = 0,
        cache_size: int = 10_000,
    ) -> None:
        key = load_pem_public_key(public_key.encode())
        if not isinstance(key, RSAPublicKey):
            raise TypeError("The JWT verification key must be an RSA public key (tokens are RS256).")
        self._rs256 = Rs256Verifier(key, issuer=issuer, audience=audience, leeway_seconds=leeway_seconds)
        self._cache: FIFOCache[str, tuple[Principal, float]] = FIFOCache(maxsize=cache_size)

    def verify(self, token: str) -> Principal:
        if (hit := self._cache.get(token)) is not None:
            if hit[1] > time.time():
                return hit[0]
            del self._cache[token]
        try:
            claims: Mapping[str, Any] = self._rs256.claims(token)
            principal = principal_from_claims(claims)
            expires_at = float(claims["exp"])
        except TokenExpired as error:
            raise InvalidToken(EXPIRED_TOKEN_DETAIL) from error
        except TokenRejected as error:
            raise InvalidToken(str(error)) from error
        except (OverflowError, ValueError, TypeError) as error:
            # A validly signed token can still carry absurd values (an `exp` of 1e400, a claim of the
            # wrong type): it is not a usable token, never a server error.
            raise InvalidToken("The token's claims are malformed or out of range.") from error
        self._cache[token] = (principal, expires_at)
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
            await send_problem(send, problem(401, "UNAUTHENTICATED", str(error)), [(b"www-authenticate", b"Bearer")])
            return
        except Exception:
            log.exception("authentication_failed")
            await send_problem(send, problem(500, "INTERNAL_ERROR", "The service failed to handle this request."))
            return
        if (media_type_problem := _unsupported_body(scope)) is not None:
            await send_problem(send, media_type_problem)
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


def _unsupported_body(scope: Scope) -> Problem | None:
    """A body that is not JSON (`application/json` or any `*+json` type) is a 415, whatever the route."""
    content_type: bytes | None = None
    has_body = False
    for name, value in scope["headers"]:
        if name == b"content-type":
            content_type = value
        elif (name == b"content-length" and value.strip() not in {b"", b"0"}) or name == b"transfer-encoding":
            has_body = True
    if not has_body and content_type is None:
        return None
    media_type = (content_type or b"").partition(b";")[0].strip().lower()
    if media_type == b"application/json" or media_type.endswith(b"+json"):
        return None
    if not has_body:
        return None  # a content type on an empty request (some clients send one on GET) harms nobody
    shown = media_type.decode("latin-1") or "none"
    return problem(415, "UNSUPPORTED_MEDIA_TYPE", f"Bodies must be application/json (or a +json type), not {shown}.")
