"""RS256 JSON Web Token verification: exactly PyJWT's checks, without its general-purpose path.

PyJWT's `decode` costs about 90 µs per token here, of which the RSA signature check is about
30 µs: the rest is its generality (options merging, any algorithm, `json`). This module checks
what `jwt.decode(token, key, algorithms=["RS256"], issuer=..., audience=..., leeway=...,
options={"require": ["exp"], "verify_aud": audience is not None})` checks, in the same order,
with the same conversions (`int()` of the time claims), and nothing less:

- three base64url segments; the header a JSON object whose `alg` is `RS256` (so `none` and every
  HMAC algorithm are refused, whatever the key), `kid` a string when present;
- the PKCS #1 v1.5 SHA-256 signature over `header.payload`, checked with the configured public key;
- the payload a JSON object; `exp` required; `iat` and `nbf` (when present) not after now + leeway,
  `exp` after now - leeway; `iss` equal to the configured issuer, `aud` containing the configured
  audience (each only when configured); `sub` and `jti` strings when present.

Stricter than PyJWT on two headers only it would accept: `crit` (no extension is supported) and
`b64: false` (detached, unencoded payloads) are refused. tests/unit/entrypoints/test_rs256.py runs
both on the same tokens.
"""

from __future__ import annotations

import binascii
import time
from base64 import urlsafe_b64decode
from collections.abc import Mapping
from typing import Any

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.hashes import SHA256

ALGORITHM = "RS256"

_PADDING = PKCS1v15()
_HASH = SHA256()
_JSON = msgspec.json.Decoder()


class TokenRejected(Exception):
    """The token is malformed, badly signed, out of its validity period, or not for this service."""


class TokenExpired(TokenRejected):
    """The token was good until its `exp`: the caller needs a new one, not a fix."""


def _segment(text: str) -> bytes:
    try:
        return urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise TokenRejected("Invalid token padding or encoding.") from error


def _json_object(raw: bytes, what: str) -> dict[str, Any]:
    try:
        value = _JSON.decode(raw)
    except msgspec.DecodeError as error:
        raise TokenRejected(f"Invalid {what} string: {error}") from error
    if not isinstance(value, dict):
        raise TokenRejected(f"Invalid {what} string: must be a json object")
    return value


def _instant(claims: Mapping[str, Any], name: str) -> int:
    try:
        return int(claims[name])
    except (ValueError, TypeError, OverflowError) as error:
        raise TokenRejected(f"The {name} claim must be an integer.") from error


class Rs256Verifier:
    """Verify RS256 tokens against one public key; `issuer` and `audience` are checked when given."""

    def __init__(
        self, key: RSAPublicKey, *, issuer: str | None = None, audience: str | None = None, leeway_seconds: float = 0
    ) -> None:
        self._key = key
        self._issuer = issuer
        self._audience = audience
        self._leeway = leeway_seconds

    def claims(self, token: str, *, now: float | None = None) -> dict[str, Any]:
        """The verified claims of `token`; raises TokenRejected. `now` (Unix seconds) defaults to the clock."""
        parts = token.split(".")
        if len(parts) != 3:  # header, payload, signature
            raise TokenRejected("Not enough segments" if len(parts) < 3 else "Too many segments")
        header_text, payload_text, signature_text = parts
        header = _json_object(_segment(header_text), "header")
        self._check_header(header)
        try:
            signing_input = f"{header_text}.{payload_text}".encode("ascii")
        except UnicodeEncodeError as error:
            raise TokenRejected("Invalid token encoding.") from error
        try:
            self._key.verify(_segment(signature_text), signing_input, _PADDING, _HASH)
        except InvalidSignature as error:
            raise TokenRejected("Signature verification failed") from error
        claims = _json_object(_segment(payload_text), "payload")
        self._check_claims(claims, time.time() if now is None else now)
        return claims

    @staticmethod
    def _check_header(header: Mapping[str, Any]) -> None:
        if header.get("alg") != ALGORITHM:
            raise TokenRejected("The specified alg value is not allowed")
        if "kid" in header and not isinstance(header["kid"], str):
            raise TokenRejected("Key ID header parameter must be a string")
        if "crit" in header or header.get("b64") is False:
            raise TokenRejected("Unsupported critical or unencoded-payload header.")

    def _check_claims(self, claims: Mapping[str, Any], now: float) -> None:
        if claims.get("exp") is None:
            raise TokenRejected('Token is missing the "exp" claim')
        if "iat" in claims and _instant(claims, "iat") > now + self._leeway:
            raise TokenRejected("The token is not yet valid (iat)")
        if "nbf" in claims and _instant(claims, "nbf") > now + self._leeway:
            raise TokenRejected("The token is not yet valid (nbf)")
        if _instant(claims, "exp") <= now - self._leeway:
            raise TokenExpired("Signature has expired")
        if self._issuer is not None:
            if "iss" not in claims:
                raise TokenRejected('Token is missing the "iss" claim')
            if claims["iss"] != self._issuer:
                raise TokenRejected("Invalid issuer")
        if self._audience is not None:
            self._check_audience(claims.get("aud"))
        for name, what in (("sub", "Subject"), ("jti", "JWT ID")):
            if name in claims and not isinstance(claims[name], str):
                raise TokenRejected(f"{what} must be a string")

    def _check_audience(self, audience: object) -> None:
        if not audience:
            raise TokenRejected('Token is missing the "aud" claim')
        audiences = [audience] if isinstance(audience, str) else audience
        if not isinstance(audiences, list) or any(not isinstance(item, str) for item in audiences):
            raise TokenRejected("Invalid claim format in token")
        if self._audience not in audiences:
            raise TokenRejected("Audience doesn't match")
