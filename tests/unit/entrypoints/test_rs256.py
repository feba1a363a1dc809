"""The lean RS256 verifier checks what PyJWT checks: each rule on its own, then both on the same generated tokens."""

from __future__ import annotations

import base64
import codecs
import hashlib
import hmac
import json
import string
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import event, given, settings
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


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def segment(value: Any) -> str:
    return b64url(value if isinstance(value, bytes) else json.dumps(value).encode())


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
    assert claims_of(hand_made_signed({"exp": NOW + 60}, {"alg": "RS256", "crit": ["b64"], "b64": True}))
    rejected(hand_made_signed({"exp": NOW + 60}, {"alg": "RS256", "kid": 7}))
    rejected(hand_made_signed({"exp": NOW + 60}, {"alg": "RS256", "crit": ["exp"]}))
    rejected(hand_made_signed({"exp": NOW + 60}, {"alg": "RS256", "crit": ["b64"]}))
    rejected(hand_made_signed({"exp": NOW + 60}, {"alg": "RS256", "b64": False}))
    rejected(hand_made_signed({"exp": NOW + 60}, {"alg": "RS256", "crit": ["b64"], "b64": False}))


def respelt_signature(respell: Callable[[str], str]) -> str:
    head, body, signature = token({"exp": NOW + 60, "userId": "u"}).split(".")
    while "-" not in signature or "_" not in signature or len(signature) % 4 != 2:  # always 342 characters
        head, body, signature = token({"exp": NOW + 60, "userId": "u", "nonce": signature[:8]}).split(".")
    return f"{head}.{body}.{respell(signature)}"


@pytest.mark.parametrize(
    "respell",
    [
        lambda text: text.replace("-", "+").replace("_", "/") + "==",
        lambda text: text.replace("-", "+").replace("_", "/"),
        lambda text: text + "===",
        lambda text: text + "=",
        lambda text: text[:100] + " " + text[100:],
        lambda text: text[:100] + "\n" + text[100:],
        lambda text: text[:-1] + {"A": "B", "Q": "R", "g": "h", "w": "x"}[text[-1]],
        lambda text: text[:-1],
    ],
    ids=["standard-base64", "plus-slash", "padding-3", "padding-1", "space", "newline", "final-bits", "one-short"],
)
def test_a_signature_spelt_other_than_base64url_is_refused(respell: Callable[[str], str]) -> None:
    text = respelt_signature(respell)

    assert "signature" in rejected(text)
    with pytest.raises(jwt.DecodeError):
        jwt.decode(text, private_key().public_key(), algorithms=["RS256"])


def test_padding_completing_the_last_quartet_is_accepted_as_pyjwt_does() -> None:
    text = respelt_signature(lambda signature: signature + "==")

    assert claims_of(text) == jwt.decode(text, private_key().public_key(), algorithms=["RS256"])


@pytest.mark.parametrize(
    "document",
    [b'{"alg": "RS256", "n": NaN}', codecs.BOM_UTF8 + b'{"alg": "RS256"}', '{"alg": "RS256"}'.encode("utf-16")],
    ids=["nan", "byte-order-mark", "utf-16"],
)
def test_json_that_msgspec_refuses_but_pyjwt_reads_is_read(document: bytes) -> None:
    head, body = b64url(document), segment({"exp": NOW + 60})
    signature = private_key().sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    text = f"{head}.{body}.{b64url(signature)}"

    assert claims_of(text) == {"exp": NOW + 60}
    assert jwt.decode(text, private_key().public_key(), algorithms=["RS256"], options={"verify_exp": False})


def test_a_header_nested_too_deeply_is_refused_not_a_crash() -> None:
    assert "header" in rejected(f"{b64url(b'[' * 5000 + b']' * 5000)}.{segment({'exp': NOW + 60})}.")


# --------------------------------------------------------------------------- the same answer as PyJWT

# Instants are offsets from now far from every boundary (the leeways are 0, 50 and 200 s), so the
# second that may pass between the two checks cannot change an answer.
ODD_VALUES = st.sampled_from(["soon", None, 1.5, True, [1]])
PAST = st.sampled_from([-7200, -100]).map(lambda offset: ("now", offset))
FUTURE = st.sampled_from([100, 7200]).map(lambda offset: ("now", offset))


def often(strategy: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`strategy` about nine times in ten, else `rare`: most generated tokens are close to valid."""
    return st.integers(min_value=0, max_value=9).flatmap(lambda n: rare if n == 0 else strategy)


HEADER_EXTRAS = st.sampled_from(
    [{"kid": 7}, {"crit": ["b64"], "b64": True}, {"crit": ["b64"]}, {"crit": []}, {"crit": ["exp"]}, {"b64": False}]
)
NOTES = st.one_of(st.text(max_size=6), st.floats(), st.integers(), st.sampled_from(["\ud800", "~~~???>>>", "é"]))
"""A claim JSON can spell in more ways than one: NaN and Infinity, lone surrogates, characters outside ASCII."""


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
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
    if draw(st.booleans()):
        claims["note"] = draw(NOTES)
    return {
        "algorithm": draw(often(st.just("RS256"), st.sampled_from(["RS384", "HS256-public-key", "none"]))),
        "header": draw(often(st.just({}), HEADER_EXTRAS)),
        "claims": claims,
        "options": {
            "issuer": draw(st.sampled_from([None, "us"])),
            "audience": draw(st.sampled_from([None, "campaigns"])),
            "leeway_seconds": draw(st.sampled_from([0, 50, 200])),
        },
        "key": draw(often(st.just(0), st.just(1))),
    }


JSON_SPELLINGS: dict[str, Callable[[Any], bytes]] = {
    "compact": lambda value: json.dumps(value, separators=(",", ":")).encode(),
    "spaced": lambda value: b"\n " + json.dumps(value, indent=2).encode() + b"\t",
    "unicode": lambda value: json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass"),
    "byte-order-mark": lambda value: codecs.BOM_UTF8 + json.dumps(value).encode(),
    "utf-16": lambda value: json.dumps(value, ensure_ascii=False).encode("utf-16", "surrogatepass"),
}
STRAY_CHARACTERS = string.ascii_letters + string.digits + "-_+/=. \t\r\n!é\x00"
ALPHABET = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"


def _respellings(text: str, at: int, character: str) -> dict[str, str]:
    """`text` (canonical base64url) spelt other ways, by name: PyJWT accepts a few of them, refuses the rest."""
    standard, pad = text.replace("-", "+").replace("_", "/"), "=" * (-len(text) % 4)
    final_bits_set = text[:-1] + ALPHABET[ALPHABET.index(text[-1]) | 1] if text else text
    return {
        "as-is": text,
        "standard-base64": standard,
        "padded": text + pad,
        "standard-padded": standard + pad,
        "padding-appended": text + "=" * (1 + at % 3),
        "inserted": text[:at] + character + text[at:],
        "replaced": text[:at] + character + text[at + 1 :],
        "removed": text[:at] + text[at + 1 :],
        "swapped": text[:at] + text[at + 1 : at + 2] + text[at : at + 1] + text[at + 2 :],
        "final-bits": final_bits_set,  # the unused low bits of the final character set: lax decoders ignore them
    }


RESPELLING = st.tuples(
    st.one_of(st.just("as-is"), st.sampled_from(sorted(_respellings("", 0, "")))),  # as-is about half the time
    st.integers(min_value=0, max_value=400),
    st.sampled_from(STRAY_CHARACTERS),
)
CANONICAL: tuple[tuple[str, int, str], ...] = (("as-is", 0, ""),) * 3


def _respelt(text: str, respelling: tuple[str, int, str]) -> str:
    kind, index, character = respelling
    return _respellings(text, index % (len(text) + 1), character)[kind]


def _signature(algorithm: str, signing_input: bytes, key_number: int) -> bytes:
    if algorithm == "none":
        return b""
    if algorithm == "HS256-public-key":
        return hmac.new(public_pem(), signing_input, hashlib.sha256).digest()
    digest = hashes.SHA384() if algorithm == "RS384" else hashes.SHA256()
    return private_key(key_number).sign(signing_input, padding.PKCS1v15(), digest)


def _token(
    case: dict[str, Any],
    claims: dict[str, Any],
    json_spellings: tuple[str, str] = ("compact", "compact"),
    respellings: tuple[tuple[str, int, str], ...] = CANONICAL,
) -> str:
    """The case's token, header and payload spelt as asked and signed as spelt, then its signature spelt as asked."""
    header = {"alg": case["algorithm"].removesuffix("-public-key"), "typ": "JWT", **case["header"]}
    head, body = (
        _respelt(b64url(JSON_SPELLINGS[spelling](value)), respelling)
        for value, spelling, respelling in zip((header, claims), json_spellings, respellings[:2], strict=True)
    )
    signature = _signature(case["algorithm"], f"{head}.{body}".encode(), case["key"])
    return f"{head}.{body}.{_respelt(b64url(signature), respellings[2])}"


def _pyjwt_claims(text: str, options: dict[str, Any]) -> dict[str, Any] | None:
    try:
        claims: dict[str, Any] = jwt.decode(
            text,
            private_key().public_key(),
            algorithms=["RS256"],
            issuer=options["issuer"],
            audience=options["audience"],
            leeway=options["leeway_seconds"],
            options={"require": ["exp"], "verify_aud": options["audience"] is not None},
        )
    except jwt.PyJWTError:
        return None
    return claims


def _lean_claims(text: str, options: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return Rs256Verifier(private_key().public_key(), **options).claims(text)
    except TokenRejected:
        return None


def _claims_now(case: dict[str, Any]) -> dict[str, Any]:
    now = int(time.time())
    return {name: now + value[1] if isinstance(value, tuple) else value for name, value in case["claims"].items()}


def _same_answer(text: str, case: dict[str, Any]) -> None:
    """Both refuse, or both accept with the same claims (compared by repr: NaN is not equal to itself)."""
    lean, pyjwt = _lean_claims(text, case["options"]), _pyjwt_claims(text, case["options"])
    event("both refuse" if pyjwt is None else "both accept")
    assert repr(lean) == repr(pyjwt), text


@settings(max_examples=300, deadline=None)
@given(case=cases())
def test_the_lean_verifier_accepts_exactly_the_tokens_pyjwt_accepts(case: dict[str, Any]) -> None:
    _same_answer(_token(case, _claims_now(case)), case)


@settings(max_examples=400, deadline=None)
@given(
    case=cases(),
    json_spellings=st.tuples(st.sampled_from(sorted(JSON_SPELLINGS)), st.sampled_from(sorted(JSON_SPELLINGS))),
    respellings=st.tuples(RESPELLING, RESPELLING, RESPELLING),
)
def test_whatever_the_spelling_of_each_segment_the_answer_is_pyjwts(
    case: dict[str, Any], json_spellings: tuple[str, str], respellings: tuple[tuple[str, int, str], ...]
) -> None:
    _same_answer(_token(case, _claims_now(case), json_spellings, respellings), case)
