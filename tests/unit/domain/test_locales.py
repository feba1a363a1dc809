"""Locale ids in one form, as a client document enters the domain; never set versus cleared; opaque fields."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaigns.domain.campaign import Campaign, CampaignDates, CampaignDomain
from campaigns.domain.campaign import given as given_value
from campaigns.domain.documents import campaign_from_document, deep_merge
from campaigns.domain.errors import ValidationFailed
from campaigns.domain.locales import canonical_campaign_locales, canonical_locale, is_locale_id

CAMPAIGN_ID = "507f1f77bcf86cd799439011"


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("en-US", "en-US"),
        ("en-us", "en-US"),
        ("en_US", "en-US"),
        ("EN_us", "en-US"),
        ("Fr-cA", "fr-CA"),
    ],
)
def test_a_locale_id_is_stored_as_xx_or_xx_dash_region(written: str, stored: str) -> None:
    assert canonical_locale(written) == stored
    assert is_locale_id(written)


@pytest.mark.parametrize("other", ["eng", "en-USA", "e", "", "en-US\n", "en US", "en--US", "en_", "\u00e9n", "12"])
def test_anything_else_is_left_as_written_for_validation_to_name(other: str) -> None:
    assert canonical_locale(other) == other
    assert not is_locale_id(other)


@given(st.from_regex(r"[a-zA-Z]{2}(?:[-_][a-zA-Z]{2})?", fullmatch=True))
def test_the_one_form_is_stable_and_matches_case_insensitively(written: str) -> None:
    stored = canonical_locale(written)

    assert canonical_locale(stored) == stored
    assert stored.casefold() == written.replace("_", "-").casefold()


def test_every_place_a_locale_keys_campaign_data_is_normalised() -> None:
    document = {
        "name": "Kept",
        "locales": [{"id": "en-us", "is_default": True}, {"id": "FR_ca"}, "not an object", {"id": 5}],
        "content": {"EN_US": {"terms": "T"}, "fr-ca": {"terms": "C"}, "eng": {}},
        "preferences": [
            {"id": "sms", "label": {"en_us": "Texts", "Fr-Ca": "SMS"}},
            {"id": "bare"},
            "not an object",
        ],
        "email": {"subject": {"en-us": "Hi"}},
    }

    canonical = canonical_campaign_locales(document)

    assert canonical == {
        "name": "Kept",
        "locales": [{"id": "en-US", "is_default": True}, {"id": "fr-CA"}, "not an object", {"id": 5}],
        "content": {"en-US": {"terms": "T"}, "fr-CA": {"terms": "C"}, "eng": {}},
        "preferences": [{"id": "sms", "label": {"en-US": "Texts", "fr-CA": "SMS"}}, {"id": "bare"}, "not an object"],
        "email": {"subject": {"en-us": "Hi"}},  # opaque legacy content: stored as given
    }
    assert document["content"] == {"EN_US": {"terms": "T"}, "fr-ca": {"terms": "C"}, "eng": {}}, "input untouched"


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"content": {"en-us": {}, "en_US": {}}}, "content"),
        ({"content": {"fr": {}, "FR": {}}}, "content"),
        ({"preferences": [{"id": "a"}, {"id": "b", "label": {"en-us": "x", "EN-US": "y"}}]}, "preferences.1.label"),
    ],
)
def test_two_keys_naming_the_same_locale_are_refused(document: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        canonical_campaign_locales(document)

    assert [error.field for error in raised.value.errors] == [field]
    assert raised.value.code == "INVALID_CAMPAIGN_SCHEMA"


def test_shapes_that_are_not_documents_are_left_for_the_type_check() -> None:
    document = {"locales": "en", "content": ["en"], "preferences": {"label": {}}}

    assert canonical_campaign_locales(document) == document


# --------------------------------------------------------------------------- never set versus cleared


def test_never_set_and_cleared_are_told_apart_and_read_alike() -> None:
    never_set = campaign_from_document({"id": CAMPAIGN_ID})
    cleared = campaign_from_document(
        {"id": CAMPAIGN_ID, "domain": {"site": None, "preview": None}, "date": {"open": None, "close": None}}
    )

    assert (never_set.domain, never_set.date.open, never_set.date.close) == (
        CampaignDomain(),
        msgspec.UNSET,
        msgspec.UNSET,
    )
    assert (cleared.domain.site, cleared.domain.preview, cleared.date.open, cleared.date.close) == (None,) * 4
    for campaign in (never_set, cleared):
        assert (campaign.site, campaign.date.opens_at, campaign.date.closes_at) == (None, None, None)
        assert given_value(campaign.domain.preview) is None
    assert msgspec.json.decode(msgspec.json.encode(never_set), type=Campaign) == never_set
    assert msgspec.json.decode(msgspec.json.encode(cleared), type=Campaign) == cleared


def test_stored_documents_leave_out_what_was_never_set() -> None:
    campaign = campaign_from_document(
        {"id": CAMPAIGN_ID, "artist": {"id": "a1"}, "domain": {"site": "s"}, "date": {"close": None}}
    )

    stored = msgspec.to_builtins(campaign)

    assert stored["artist"] == {"id": "a1"}
    assert stored["domain"] == {"site": "s"}
    assert stored["date"] == {"close": None}
    assert CampaignDates(open=None) != CampaignDates()


# --------------------------------------------------------------------------- opaque legacy fields


@pytest.mark.parametrize(
    ("field", "wrong"),
    [
        ("score", None),
        ("score", []),
        ("limit", "x"),
        ("share", [1]),
        ("gate", 1),
        ("extensions", True),
        ("stores", {}),
        ("groups", "x"),
        ("linkedCampaignId", 1),
        ("fanIdentifier", []),
    ],
)
def test_a_legacy_field_of_another_json_type_is_refused_by_name(field: str, wrong: Any) -> None:
    with pytest.raises(ValidationFailed) as raised:
        campaign_from_document({"id": CAMPAIGN_ID, field: wrong})

    assert [error.field for error in raised.value.errors] == [field]


def test_legacy_content_is_kept_as_given() -> None:
    content = {"a": [1, 2.5, None, {"b": "2030-01-01T00:00:00Z"}], "c": {}}

    campaign = campaign_from_document({"id": CAMPAIGN_ID, "score": content, "stores": [content], "fanIdentifier": ""})

    assert (campaign.score, campaign.stores, campaign.fanIdentifier) == (content, [content], "")
    assert campaign_from_document({"id": CAMPAIGN_ID}).score == {}


def test_an_update_replaces_opaque_fields_whole_and_merges_the_rest() -> None:
    stored = {"score": {"old": 1, "kept?": 2}, "artist": {"id": "a", "name": "n"}}
    patch = {"score": {"new": 3}, "artist": {"name": "m"}}

    assert deep_merge(stored, patch, replacing={"score"}) == {"score": {"new": 3}, "artist": {"id": "a", "name": "m"}}
    assert deep_merge(stored, patch)["score"] == {"old": 1, "kept?": 2, "new": 3}
