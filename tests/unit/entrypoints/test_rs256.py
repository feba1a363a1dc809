"""The lean RS256 verifier checks what PyJWT checks: each rule on its own, then both on the same generated tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from campaigns.entrypoints.http.rs256 import Rs256Verifier, TokenRejected

NOW = 1_900_000_000


_KEYS: dict[int, rsa.RSAPrivateKey] = {}


def private_key(number: int = 0) -> rsa.RSAPrivateKey:
    """Key 0 verifies; key 1 is someone else's. Made once each (however the number is passed)."""
    if number not in _KEYS:
        _KEYS[number] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return _KEYS[number]


def public_pem() -> bytes:
    return (
        private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def verifier(**options: Any) -> Rs256Verifier:
    return Rs256Verifier(private_key().public_key(), **options)


def token(claims: dict[str, Any], *, algorithm: str = "RS256", key: Any = None, headers: Any = None) -> str:
    return jwt.encode(claims, key if key is not None else private_key(), algorithm=algorithm, headers=headers)


def segment(value: Any) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hand_made(header: Any, claims: Any, signature: bytes = b"") -> str:
    return f"{segment(header)}.{segment(claims)}.{segment(signature) if signature else ''}"


def claims_of(text: str, **options: Any) -> dict[str, Any]:
    return verifier(**options).claims(text, now=NOW)


def rejected(text: str, **options: Any) -> str:
    with pytest.raises(TokenRejected) as raised:
        claims_of(text, **options)
    return str(raised.value)


# --------------------------------------------------------------------------- one rule at a time


def test_a_valid_token_gives_its_claims() -> None:
    assert claims_of(token({"userId": "u1", "exp": NOW + 60, "iat": NOW, "nbf": NOW})) == {
        "userId": "u1",
        "exp": NOW + 60,
        "iat": NOW,
        "nbf": NOW,
    }


@pytest.mark.parametrize(
    ("exp", "leeway", "valid"),
    [(NOW + 1, 0, True), (NOW, 0, False), (NOW - 1, 0, False), (NOW - 9, 10, True), (NOW - 10, 10, False)],
)
def test_exp_with_leeway(exp: int, leeway: int, valid: bool) -> None:
    text = token({"exp": exp})
    if valid:
        assert claims_of(text, leeway_seconds=leeway)["exp"] == exp
    else:
        assert "expired" in rejected(text, leeway_seconds=leeway)


@pytest.mark.parametrize("claim", ["nbf", "iat"])
@pytest.mark.parametrize(
    ("at", "leeway", "valid"), [(NOW, 0, True), (NOW + 1, 0, False), (NOW + 10, 10, True), (NOW + 11, 10, False)]
)
def test_not_yet_valid_with_leeway(claim: str, at: int, leeway: int, valid: bool) -> None:
    text = token({"exp": NOW + 3600, claim: at})
    if valid:
        assert claims_of(text, leeway_seconds=leeway)[claim] == at
    else:
        assert "not yet valid" in rejected(text, leeway_seconds=leeway)


@pytest.mark.parametrize("claims", [{}, {"exp": None}, {"exp": "soon"}, {"exp": NOW + 60, "nbf": []}])
def test_exp_is_required_and_time_claims_are_integers(claims: dict[str, Any]) -> None:
    rejected(token(claims))


def test_alg_none_is_refused() -> None:
    assert "alg" in rejected(hand_made({"alg": "none", "typ": "JWT"}, {"exp": NOW + 60}))


def test_hs256_signed_with_the_public_key_as_secret_is_refused() -> None:
    header, claims = segment({"alg": "HS256", "typ": "JWT"}), segment({"exp": NOW + 60, "supreme": True})
    mac = hmac.new(public_pem(), f"{header}.{claims}".encode(), hashlib.sha256).digest()

    assert "alg" in rejected(f"{header}.{claims}.{segment(mac)}")


@pytest.mark.parametrize("algorithm", ["RS512", "PS256"])
def test_other_rsa_algorithms_are_refused(algorithm: str) -> None:
    assert "alg" in rejected(token({"exp": NOW + 60}, algorithm=algorithm))


def test_a_bad_signature_is_refused() -> None:
    good = token({"exp": NOW + 60})
    head, body, signature = good.split(".")
    tampered_body = segment({"exp": NOW + 60, "supreme": True})
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]

    assert "Signature" in rejected(f"{head}.{tampered_body}.{signature}")
    assert "Signature" in rejected(f"{head}.{body}.{flipped}")
    assert "Signature" in rejected(token({"exp": NOW + 60}, key=private_key(1)))
    assert "Signature" in rejected(f"{head}.{body}.")


def test_issuer_is_checked_when_configured() -> None:
    assert claims_of(token({"exp": NOW + 60, "iss": "them"}))["iss"] == "them"  # not configured: not checked
    assert claims_of(token({"exp": NOW + 60, "iss": "us"}), issuer="us")["iss"] == "us"
    assert "iss" in rejected(token({"exp": NOW + 60}), issuer="us")
    assert "issuer" in rejected(token({"exp": NOW + 60, "iss": "them"}), issuer="us")


def test_audience_is_checked_when_configured() -> None:
    assert claims_of(token({"exp": NOW + 60, "aud": "other"}))["aud"] == "other"  # not configured: not checked
    assert claims_of(token({"exp": NOW + 60, "aud": ["x", "campaigns"]}), audience="campaigns")
    assert claims_of(token({"exp": NOW + 60, "aud": "campaigns"}), audience="campaigns")
    assert "aud" in rejected(token({"exp": NOW + 60}), audience="campaigns")
    assert "Audience" in rejected(token({"exp": NOW + 60, "aud": ["x"]}), audience="campaigns")
    assert "format" in rejected(hand_made_signed({"exp": NOW + 60, "aud": [1]}), audience="campaigns")


def hand_made_signed(
    claims: Any, header: dict[str, Any] | None = None, *, key_number: int = 0, sha384: bool = False
) -> str:
    """A token signed with an RSA key but encoded by hand (PyJWT's encoder would refuse some of these)."""
    head, body = segment(header or {"alg": "RS384" if sha384 else "RS256", "typ": "JWT"}), segment(claims)
    digest = hashes.SHA384() if sha384 else hashes.SHA256()
    signature = private_key(key_number).sign(f"{head}.{body}".encode(), padding.PKCS1v15(), digest)
    return f"{head}.{body}.{segment(signature)}"


@pytest.mark.parametrize(
    "text",
    ["", "abc", "a.b", "a.b.c.d", "!!!.???.###", hand_made([1], {"exp": NOW + 60}), "é.é.é"],
    ids=["empty", "one", "two", "four", "not-base64", "header-not-object", "not-ascii"],
)
def test_malformed_tokens_are_refused(text: str) -> None:
    rejected(text)


def test_a_payload_that_is_not_an_object_is_refused() -> None:
    rejected(hand_made_signed([1, 2]))


def test_kid_crit_and_unencoded_payloads() -> None:
    assert claims_of(hand_made_signed({"exp": NOW + 60}, {"alg": "RS256", "kid": "k1"}))
    rejected(hand_made_signed({"exp": NOW + 60}, {"alg": "RS256", "kid": 7}))
    rejected(hand_made_signed({"exp": NOW + 60}, {"alg": "RS256", "crit": ["exp"]}))
    rejected(hand_made_signed({"exp": NOW + 60}, {"alg": "RS256", "b64": False}))


# --------------------------------------------------------------------------- the same answer as PyJWT

# Instants are offsets from now far from every boundary (the leeways are 0, 50 and 200 s), so the
# second that may pass between the two checks cannot change an answer.
ODD_VALUES = st.sampled_from(["soon", None, 1.5, True, [1]])
PAST = st.sampled_from([-7200, -100]).map(lambda offset: ("now", offset))
FUTURE = st.sampled_from([100, 7200]).map(lambda offset: ("now", offset))


def often(strategy: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`strategy` about nine times in ten, else `rare`: most generated tokens are close to valid."""
    return st.integers(min_value=0, max_value=9).flatmap(lambda n: rare if n == 0 else strategy)


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    claims: dict[str, Any] = {"userId": "u"}
    if draw(often(st.just(True), st.just(False))):
        claims["exp"] = draw(often(FUTURE, st.one_of(PAST, ODD_VALUES)))
    for name in ("nbf", "iat"):
        if draw(st.booleans()):
            claims[name] = draw(often(PAST, st.one_of(FUTURE, ODD_VALUES)))
    for name, usual, odd in (
        ("iss", ["us"], ["them", 3]),
        ("aud", ["campaigns", ["campaigns", "x"]], ["other", ["x"], [1], "", []]),
        ("sub", ["someone"], [5]),
        ("jti", ["j1"], [6]),
    ):
        if draw(st.booleans()):
            claims[name] = draw(often(st.sampled_from(usual), st.sampled_from(odd)))
    algorithm = draw(often(st.just("RS256"), st.sampled_from(["RS384", "HS256-public-key", "none"])))
    options = {
        "issuer": draw(st.sampled_from([None, "us"])),
        "audience": draw(st.sampled_from([None, "campaigns"])),
        "leeway_seconds": draw(st.sampled_from([0, 50, 200])),
    }
    return algorithm, {"claims": claims, "options": options, "key": draw(often(st.just(0), st.just(1)))}


def _encode(algorithm: str, claims: dict[str, Any], key_number: int) -> str:
    if algorithm == "none":
        return hand_made({"alg": "none"}, claims)
    if algorithm == "HS256-public-key":
        head, body = segment({"alg": "HS256", "typ": "JWT"}), segment(claims)
        return f"{head}.{body}.{segment(hmac.new(public_pem(), f'{head}.{body}'.encode(), hashlib.sha256).digest())}"
    return hand_made_signed(claims, key_number=key_number, sha384=algorithm == "RS384")


def _pyjwt_accepts(text: str, options: dict[str, Any]) -> bool:
    try:
        jwt.decode(
            text,
            private_key().public_key(),
            algorithms=["RS256"],
            issuer=options["issuer"],
            audience=options["audience"],
            leeway=options["leeway_seconds"],
            options={"require": ["exp"], "verify_aud": options["audience"] is not None},
        )
    except jwt.PyJWTError:
        return False
    return True


def _lean_accepts(text: str, options: dict[str, Any]) -> bool:
    try:
        Rs256Verifier(private_key().public_key(), **options).claims(text)
    except TokenRejected:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(case=cases())
def test_the_lean_verifier_accepts_exactly_the_tokens_pyjwt_accepts(case: tuple[str, dict[str, Any]]) -> None:
    algorithm, spec = case
    now = int(time.time())
    claims = {k: now + v[1] if isinstance(v, tuple) else v for k, v in spec["claims"].items()}
    text = _encode(algorithm, claims, spec["key"])

    assert _lean_accepts(text, spec["options"]) == _pyjwt_accepts(text, spec["options"]), (claims, algorithm)
