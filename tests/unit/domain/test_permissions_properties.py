"""Permission policy (spec §3 Permissions) checked against an oracle written from the spec's text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaigns.domain.campaign import Campaign, Status
from campaigns.domain.errors import AccessDenied, InvalidCampaignPassword, SupremeUserRequired
from campaigns.domain.permissions import (
    Operation,
    Principal,
    ensure_visible_by_domain,
    hash_password,
    password_matches,
    principal_from_claims,
)

ID_POOL = [f"{n:024x}" for n in (1, 2, 3, 0xABCDEF, 0x507F1F77BCF86CD799439011)]
"""A small pool of 24-hex campaign ids, so that generated grants and asked ids often coincide."""

ACTION_NAMES = ["read", "write", "admin", "junk", "READ", "Admin", "", "delete"]
"""Spec action names plus junk (unknown names, wrong case) that must grant nothing."""

SALT = bytes.fromhex("00112233445566778899aabbccddeeff")
PASSWORD = "correct horse battery staple"
PASSWORD_HASH = hash_password(PASSWORD, SALT)  # computed once: PBKDF2 is deliberately slow

# --------------------------------------------------------------------------- the oracle (spec §3 text)


def oracle_is_supreme(claims: Mapping[str, Any]) -> bool:
    """`supreme` is a bool claim (`isSupreme` accepted): only a literal JSON `true` makes a supreme user."""
    return any(key in claims and claims[key] is True for key in ("supreme", "isSupreme"))


def oracle_actions(claims: Mapping[str, Any], campaign_id: str) -> set[str]:
    """The action names granted on one campaign: `campaignActions[id]`, plus read+write if listed in `campaignIds`."""
    actions: set[str] = set()
    campaign_actions = claims.get("campaignActions")
    if isinstance(campaign_actions, dict):
        listed = campaign_actions.get(campaign_id)
        if isinstance(listed, list):
            actions.update(name for name in listed if isinstance(name, str))
    campaign_ids = claims.get("campaignIds")
    if isinstance(campaign_ids, list) and campaign_id in campaign_ids:
        actions.update({"read", "write"})
    return actions


def oracle_may(claims: Mapping[str, Any], operation: Operation, campaign_id: str) -> bool:
    if oracle_is_supreme(claims):
        return True
    actions = oracle_actions(claims, campaign_id)
    if operation is Operation.READ:
        return bool(actions & {"read", "write", "admin"})
    if operation is Operation.WRITE:
        return bool(actions & {"write", "admin"})
    return "admin" in actions  # CHANGE_STATUS


# --------------------------------------------------------------------------- strategies

SUPREME_VALUES = st.sampled_from([True, False, "true", "True", 1, 0, None, "yes", [True]])
campaign_ids = st.sampled_from(ID_POOL)
action_lists = st.lists(st.sampled_from(ACTION_NAMES), max_size=4)


@st.composite
def claim_dicts(draw: st.DrawFn) -> dict[str, Any]:
    claims: dict[str, Any] = {}
    user_key = draw(st.sampled_from(["userId", "sub", None]))
    if user_key is not None:
        claims[user_key] = draw(st.sampled_from(["user-1", "auth0|42"]))
    for key in ("supreme", "isSupreme"):
        if draw(st.booleans()):
            claims[key] = draw(SUPREME_VALUES)
    if draw(st.booleans()):
        claims["campaignActions"] = draw(st.dictionaries(campaign_ids, action_lists, max_size=len(ID_POOL)))
    if draw(st.booleans()):
        claims["campaignIds"] = draw(st.lists(campaign_ids, max_size=3))
    return claims


# --------------------------------------------------------------------------- properties


@given(claims=claim_dicts(), campaign_id=campaign_ids, operation=st.sampled_from(list(Operation)))
def test_may_matches_the_spec_oracle(claims: dict[str, Any], campaign_id: str, operation: Operation) -> None:
    principal = principal_from_claims(claims)

    assert principal.may(operation, campaign_id) is oracle_may(claims, operation, campaign_id)


@given(claims=claim_dicts(), campaign_id=campaign_ids, operation=st.sampled_from(list(Operation)))
def test_ensure_raises_exactly_when_may_is_false(
    claims: dict[str, Any], campaign_id: str, operation: Operation
) -> None:
    principal = principal_from_claims(claims)

    if oracle_may(claims, operation, campaign_id):
        principal.ensure(operation, campaign_id)
    else:
        with pytest.raises(AccessDenied):
            principal.ensure(operation, campaign_id)


@given(claims=claim_dicts())
def test_supreme_flag_only_from_a_literal_true(claims: dict[str, Any]) -> None:
    assert principal_from_claims(claims).supreme is oracle_is_supreme(claims)


@given(
    claims=claim_dicts(),
    campaign_id=campaign_ids,
    status=st.sampled_from(list(Status)),
    protected=st.booleans(),
    given_password=st.sampled_from([None, "", PASSWORD, PASSWORD.upper(), PASSWORD + " ", "wrong"]),
)
def test_visibility_by_domain(
    claims: dict[str, Any], campaign_id: str, status: Status, protected: bool, given_password: str | None
) -> None:
    principal = principal_from_claims(claims)
    campaign = Campaign(id=campaign_id, status=status, passwordHash=PASSWORD_HASH if protected else None)

    public = status in {Status.OPEN, Status.CLOSED}
    if not public and not oracle_may(claims, Operation.READ, campaign_id):
        with pytest.raises(AccessDenied):
            ensure_visible_by_domain(principal, campaign, given_password)
    elif protected and given_password != PASSWORD:
        with pytest.raises(InvalidCampaignPassword):
            ensure_visible_by_domain(principal, campaign, given_password)
    else:
        ensure_visible_by_domain(principal, campaign, given_password)


# --------------------------------------------------------------------------- plain unit tests


def test_readable_campaign_ids_of_a_supreme_user_is_unrestricted() -> None:
    assert principal_from_claims({"userId": "u", "supreme": True}).readable_campaign_ids() is None
    assert principal_from_claims({"sub": "u", "isSupreme": True}).readable_campaign_ids() is None


def test_readable_campaign_ids_lists_only_ids_with_a_reading_action() -> None:
    a, b, c, d, e = ID_POOL
    principal = principal_from_claims(
        {
            "userId": "u",
            "supreme": "true",
            "campaignActions": {a: ["read"], b: ["junk"], c: [], e: ["admin"]},
            "campaignIds": [d],
        }
    )

    assert principal.readable_campaign_ids() == frozenset({a, d, e})


def test_readable_campaign_ids_of_a_user_without_grants_is_empty() -> None:
    assert principal_from_claims({"userId": "u"}).readable_campaign_ids() == frozenset()


def test_ensure_supreme_refuses_non_supreme_users() -> None:
    a = ID_POOL[0]
    manager = principal_from_claims({"userId": "u", "supreme": 1, "campaignActions": {a: ["admin"]}})

    with pytest.raises(SupremeUserRequired) as raised:
        manager.ensure_supreme()
    assert raised.value.code == "SUPREME_USER_REQUIRED"
    assert isinstance(raised.value, AccessDenied)


def test_ensure_supreme_accepts_supreme_users() -> None:
    principal_from_claims({"userId": "u", "supreme": True}).ensure_supreme()
    principal_from_claims({"userId": "u", "isSupreme": True}).ensure_supreme()


def test_user_id_comes_from_user_id_then_sub() -> None:
    assert principal_from_claims({"userId": "a", "sub": "b"}).user_id == "a"
    assert principal_from_claims({"sub": "b"}).user_id == "b"
    assert principal_from_claims({}).actor == "unknown"


def test_default_principal_may_do_nothing() -> None:
    principal = Principal()
    assert not any(principal.may(operation, ID_POOL[0]) for operation in Operation)


def test_password_hash_round_trip() -> None:
    stored = hash_password("s3cret!", SALT)

    assert password_matches(stored, "s3cret!")
    assert not password_matches(stored, "s3cret")
    assert not password_matches(stored, "S3CRET!")
    assert not password_matches(stored, "")


def test_password_hash_is_salted_and_never_contains_the_password() -> None:
    stored = hash_password("s3cret!", SALT)
    other_salt = hash_password("s3cret!", bytes(16))

    assert "s3cret!" not in stored
    assert stored.startswith("pbkdf2_sha256$")
    assert SALT.hex() in stored
    assert stored != other_salt
    assert stored == hash_password("s3cret!", SALT)
    assert password_matches(other_salt, "s3cret!")


@pytest.mark.parametrize("stored", ["", "plain-text", "md5$1$00$ff", "pbkdf2_sha256$1$zz"])
def test_password_matches_rejects_malformed_hashes(stored: str) -> None:
    assert not password_matches(stored, "plain-text")
