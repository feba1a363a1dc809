"""A promoter's write rules, in the domain: read-only fields, locale ids in one form, stamps, events."""

from __future__ import annotations

import datetime as dt

import pytest

from campaigns.domain.campaign import RecordDates
from campaigns.domain.errors import InvalidPromoter
from campaigns.domain.events import PromoterCreated, PromoterUpdated
from campaigns.domain.promoter import PrivacyUrl, Promoter
from campaigns.domain.promoter_writes import PromoterInput, create_promoter, update_promoter

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=1)
PROMOTER_ID = "5f1b2c3d4e5f6a7b8c9d0e1f"
ENGLISH = PrivacyUrl(locale="en", url="https://promoter.example/privacy", is_default=True)


def stored() -> Promoter:
    return create_promoter(PromoterInput(name="Live", privacyUrls=[ENGLISH]), promoter_id=PROMOTER_ID, now=NOW).document


def test_a_create_keeps_locale_ids_in_one_form_and_ignores_echoed_service_fields() -> None:
    command = PromoterInput(
        name="Live",
        privacyUrls=[PrivacyUrl(locale="en_us", url="https://promoter.example/privacy", is_default=True)],
        id="0" * 24,
        date={"created": "2020-01-01T00:00:00Z"},
    )

    change = create_promoter(command, promoter_id=PROMOTER_ID, now=NOW)

    assert change.document == Promoter(
        id=PROMOTER_ID,
        name="Live",
        privacyUrls=[PrivacyUrl(locale="en-US", url="https://promoter.example/privacy", is_default=True)],
        date=RecordDates(created=NOW, updated=NOW),
    )
    assert change.events == [PromoterCreated(occurred_at=NOW, promoter_id=PROMOTER_ID, name="Live")]


def test_a_create_without_a_name_names_it_alone() -> None:
    with pytest.raises(InvalidPromoter) as raised:
        create_promoter(PromoterInput(privacyUrls=[]), promoter_id=PROMOTER_ID, now=NOW)

    assert [(error.field, error.message) for error in raised.value.errors] == [("name", "Required.")]
    assert raised.value.code == "INVALID_PROMOTER_SCHEMA"


def test_an_update_replaces_the_privacy_urls_and_stamps_the_change() -> None:
    promoter = stored()
    french = PrivacyUrl(locale="FR_fr", url="https://promoter.example/confidentialite", is_default=True)

    change = update_promoter(promoter, PromoterInput(privacyUrls=[french]), now=LATER)

    assert change.document.privacyUrls == [
        PrivacyUrl(locale="fr-FR", url="https://promoter.example/confidentialite", is_default=True)
    ]
    assert change.document.date == RecordDates(created=NOW, updated=LATER)
    assert change.events == [PromoterUpdated(occurred_at=LATER, promoter_id=PROMOTER_ID, name="Live")]


def test_an_update_that_changes_nothing_raises_nothing() -> None:
    promoter = stored()

    change = update_promoter(promoter, PromoterInput(name="Live", id="1" * 24, date={}), now=LATER)

    assert change.document is promoter
    assert not change.changed


def test_an_updated_promoter_is_held_to_the_rules() -> None:
    with pytest.raises(InvalidPromoter) as raised:
        update_promoter(stored(), PromoterInput(name="", privacyUrls=[]), now=LATER)

    assert [error.field for error in raised.value.errors] == ["name", "privacyUrls"]
