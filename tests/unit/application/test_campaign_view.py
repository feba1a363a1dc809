"""The public campaign document: never-set fields left out, cleared ones `null`, `score` always there."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest

from campaigns.application.read_models import campaign_from_public_document, campaign_view, public_document
from campaigns.domain.campaign import Artist, Campaign, CampaignDates, CampaignDomain, Preference
from campaigns.domain.lifecycle import apply_due_transitions
from tests.integration.contracts.builders import rich_campaign

NOW = dt.datetime(2030, 1, 15, 12, tzinfo=dt.UTC)


def rendered(campaign: Campaign) -> dict[str, Any]:
    document: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(campaign_view(campaign)))
    return document


def test_a_bare_campaign_answers_only_what_it_has() -> None:
    document = rendered(Campaign(id="0" * 24, name="Bare", date=CampaignDates(created=NOW, updated=NOW)))

    assert document == {
        "id": "0" * 24,
        "type": "registration",
        "status": "DRAFT",
        "name": "Bare",
        "date": {"created": "2030-01-15T12:00:00Z", "updated": "2030-01-15T12:00:00Z"},
        "content": {},
        "preferences": [],
        "locales": [],
        "contacts": [],
        "eventIds": [],
        "trackers": [],
        "score": {},
        "schema": {"version": "2"},
        "statusHistory": [],
        "version": 0,
        "hasPassword": False,
    }


def test_nested_parts_leave_out_their_unset_fields() -> None:
    document = rendered(
        Campaign(
            id="0" * 24,
            artist=Artist(id="a1"),
            domain=CampaignDomain(site="s"),
            preferences=[Preference(id="p", type="checkbox", is_optional=False)],
            passwordHash="salt$hash",
            score={"kept": [None]},
            stores=[],
        )
    )

    assert document["artist"] == {"id": "a1"}
    assert document["domain"] == {"site": "s"}
    assert document["preferences"] == [{"id": "p", "type": "checkbox", "is_optional": False}]
    assert document["hasPassword"] is True
    assert "passwordHash" not in document
    assert (document["score"], document["stores"]) == ({"kept": [None]}, [])


def test_what_the_lifecycle_cleared_is_null() -> None:
    scheduled = Campaign(
        id="0" * 24,
        domain=CampaignDomain(site="s", preview="p"),
        date=CampaignDates(open=NOW, close=NOW + dt.timedelta(days=1)),
    )

    *_, opened = apply_due_transitions(scheduled, NOW)
    document = rendered(opened.campaign)

    assert document["domain"] == {"site": "s", "preview": None}
    assert document["date"]["open"] is None
    assert "closed" not in document["date"]
    assert rendered(scheduled)["domain"] == {"site": "s", "preview": "p"}


# --------------------------------------------------------------------------- the public document and back


@pytest.mark.parametrize(
    "original",
    [
        msgspec.structs.replace(rich_campaign(1), passwordHash=None),
        Campaign(id="0" * 24),
        Campaign(id="0" * 24, domain=CampaignDomain(site=None), date=CampaignDates(open=None, created=NOW)),
    ],
    ids=["rich", "bare", "cleared"],
)
def test_a_campaign_without_a_password_is_rebuilt_exactly_from_its_public_document(original: Campaign) -> None:
    rebuilt = campaign_from_public_document(public_document(original))

    assert rebuilt == original
    assert rebuilt is not None
    assert public_document(rebuilt) == public_document(original)


def test_a_protected_campaign_is_not_rebuilt_from_its_document() -> None:
    """The document holds no hash, so it cannot stand for a campaign whose password must be checked."""
    assert campaign_from_public_document(public_document(rich_campaign(1))) is None


@pytest.mark.parametrize("raw", [b"", b"[]", b'{"id": 1}', b"not json"])
def test_a_document_that_is_not_a_campaign_view_is_not_rebuilt(raw: bytes) -> None:
    assert campaign_from_public_document(raw) is None


def test_the_public_document_is_the_encoded_view() -> None:
    assert msgspec.json.decode(public_document(rich_campaign(1))) == rendered(rich_campaign(1))
