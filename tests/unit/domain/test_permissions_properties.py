"""Permission policy (spec §3 Permissions) checked against an oracle written from the spec's text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaigns.domain.campaign import Campaign, CampaignDates, Status
from campaigns.domain.errors import AccessDenied, SupremeUserRequired
from campaigns.domain.permissions import (
    Operation,
    Principal,
    hash_password,
    operation_for_schedule,
    password_hash_to_match,
    password_matches,
    principal_from_claims,
    visible_by_domain,
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


@given(claims=claim_dicts(), campaign_id=campaign_ids, status=st.sampled_from(list(Status)), protected=st.booleans())
def test_visibility_by_domain(claims: dict[str, Any], campaign_id: str, status: Status, protected: bool) -> None:
    """OPEN/CLOSED for everyone, other statuses for readers; the password is asked of non-readers only."""
    principal = principal_from_claims(claims)
    campaign = Campaign(id=campaign_id, status=status, passwordHash=PASSWORD_HASH if protected else None)
    reader = oracle_may(claims, Operation.READ, campaign_id)

    assert visible_by_domain(principal, campaign) is (status in {Status.OPEN, Status.CLOSED} or reader)
    assert password_hash_to_match(principal, campaign) == (PASSWORD_HASH if protected and not reader else None)


NOW = dt.datetime(2030, 1, 15, 12, 0, tzinfo=dt.UTC)
instants = st.one_of(
    st.none(),
    st.sampled_from([NOW, NOW - dt.timedelta(milliseconds=1), NOW + dt.timedelta(milliseconds=1)]),
    st.integers(min_value=-(10**6), max_value=10**6).map(lambda seconds: NOW + dt.timedelta(seconds=seconds)),
)
schedules = st.builds(CampaignDates, open=instants, close=instants)


def oracle_schedule_needs(before: CampaignDates, after: CampaignDates) -> Operation:
    """Spec §3 Lifecycle: setting `date.open` or `date.close` to an instant at or before now is a status change."""
    newly_due = [
        new
        for new, old in ((after.opens_at, before.opens_at), (after.closes_at, before.closes_at))
        if new is not None and new != old and new <= NOW
    ]
    return Operation.CHANGE_STATUS if newly_due else Operation.WRITE


@given(claims=claim_dicts(), campaign_id=campaign_ids, before=schedules, after=schedules)
def test_setting_a_due_schedule_needs_the_status_change_right(
    claims: dict[str, Any], campaign_id: str, before: CampaignDates, after: CampaignDates
) -> None:
    principal = principal_from_claims(claims)
    needed = operation_for_schedule(before, after, NOW)

    assert needed is oracle_schedule_needs(before, after)
    if oracle_may(claims, needed, campaign_id):
        principal.ensure(needed, campaign_id)
    else:
        with pytest.raises(AccessDenied):
            principal.ensure(needed, campaign_id)


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
