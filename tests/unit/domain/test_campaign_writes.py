"""The write rules of spec §3 as pure functions: a command applied to a campaign, no store involved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest

from campaigns.domain.campaign import Campaign, CampaignContactRef, Status
from campaigns.domain.campaign_commands import TermsInput
from campaigns.domain.campaign_writes import (
    CampaignPatch,
    apply_patch,
    campaign_patch,
    contacts_patch,
    create_campaign,
    terms_patch,
)
from campaigns.domain.errors import AccessDenied, InvalidQuery, InvalidStatusChange, ValidationFailed
from campaigns.domain.events import CampaignCreated, CampaignStatusChanged, CampaignUpdated
from campaigns.domain.permissions import Action, Principal, password_matches
from tests.commands import command

NOW = dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC)
SUPREME = Principal(user_id="root", supreme=True)
CAMPAIGN_ID = "507f1f77bcf86cd799439011"
BODY: dict[str, Any] = {  # valid in any status
    "name": "Eras Tour presale",
    "identifier": "taylorswift-2026",
    "artist": {"id": "K8vZ917Gku7", "name": "Taylor Swift", "image_url": "https://img.example.com/ts.jpg"},
    "tour": {"name": "Eras"},
    "domain": {"site": "taylorswift"},
    "locales": [{"id": "en", "is_default": True}, {"id": "fr"}],
    "preferences": [{"id": "news", "type": "checkbox", "is_optional": True, "label": {"en": "News", "fr": "Infos"}}],
}


def no_salt() -> bytes:
    raise AssertionError("no password was set, so no salt may be drawn")


def created(body: dict[str, Any] = BODY, **extra: Any) -> Campaign:
    write = create_campaign(
        campaign_patch(command({**body, **extra})),
        campaign_id=CAMPAIGN_ID,
        now=NOW,
        actor="root",
        new_salt=lambda: b"salt",
        known_timezones=(),
    )
    return write.campaign


def applied(current: Campaign, patch: CampaignPatch, principal: Principal = SUPREME) -> Any:
    later = NOW + dt.timedelta(hours=1)
    return apply_patch(current, patch, now=later, principal=principal, new_salt=no_salt, known_timezones=())


def test_create_stamps_the_service_fields_and_ignores_what_a_client_sends_for_them() -> None:
    body = {**BODY, "id": "f" * 24, "version": 7, "statusHistory": [], "date": {"created": "2001-01-01T00:00:00Z"}}
    write = create_campaign(
        campaign_patch(command(body)),
        campaign_id=CAMPAIGN_ID,
        now=NOW,
        actor="root",
        new_salt=no_salt,
        known_timezones=(),
    )

    assert (write.campaign.id, write.campaign.version, write.campaign.status) == (CAMPAIGN_ID, 1, Status.DRAFT)
    assert (write.campaign.date.created, write.campaign.date.updated) == (NOW, NOW)
    assert [entry.reason for entry in write.campaign.statusHistory] == ["created"]
    assert write.events == (
        CampaignCreated(occurred_at=NOW, campaign_id=CAMPAIGN_ID, domain_site="taylorswift", status=Status.DRAFT),
    )


def test_create_refuses_a_status_past_preview() -> None:
    with pytest.raises(InvalidStatusChange):
        created(status="OPEN")


def test_create_hashes_the_password_with_the_salt_given() -> None:
    campaign = created(password="s3cret")

    assert campaign.passwordHash is not None
    assert password_matches(campaign.passwordHash, "s3cret")
    assert bytes.fromhex(campaign.passwordHash.split("$")[2]) == b"salt"


def test_an_empty_password_is_refused_before_anything_is_loaded() -> None:
    with pytest.raises(ValidationFailed) as raised:
        campaign_patch(command({"password": ""}))

    assert [error.field for error in raised.value.errors] == ["password"]


def test_an_update_bumps_the_version_and_names_the_fields_it_changed() -> None:
    current = created()

    write = applied(current, campaign_patch(command({"name": "Renamed", "tour": {"name": "Eras II"}})))

    assert (write.campaign.version, write.campaign.date.updated) == (2, NOW + dt.timedelta(hours=1))
    [event] = write.events
    assert isinstance(event, CampaignUpdated)
    assert event.changed_fields == ["name", "tour"]


def test_a_status_change_needs_admin_and_follows_the_lifecycle() -> None:
    current = created()
    patch = campaign_patch(command({"status": "PREVIEW"}))

    with pytest.raises(AccessDenied):
        applied(current, patch, Principal(user_id="w", grants={CAMPAIGN_ID: frozenset({Action.WRITE})}))
    write = applied(current, patch, Principal(user_id="a", grants={CAMPAIGN_ID: frozenset({Action.ADMIN})}))

    assert write.campaign.status is Status.PREVIEW
    assert [type(event) for event in write.events] == [CampaignStatusChanged]


def test_an_inactive_campaign_takes_no_domain_without_a_reactivation() -> None:
    active = created()
    current = msgspec.structs.replace(
        active, status=Status.INACTIVE, domain=msgspec.structs.replace(active.domain, site=None)
    )

    with pytest.raises(ValidationFailed) as raised:
        applied(current, campaign_patch(command({"domain": {"site": "back-again"}})))

    assert [error.field for error in raised.value.errors] == ["domain.site"]


def test_a_one_locale_view_written_back_keeps_the_other_locales_labels() -> None:
    current = created()
    view = {"currentLocale": "fr", "preferences": [{**BODY["preferences"][0], "label": {"fr": "Nouvelles"}}]}

    write = applied(current, campaign_patch(command(view)))

    assert write.campaign.preferences[0].label == {"en": "News", "fr": "Nouvelles"}


@pytest.mark.parametrize("field", ["name", "domain", "locales", "preferences", "date", "tour"])
def test_echoing_back_what_was_read_changes_nothing(field: str) -> None:
    current = created()
    read = msgspec.to_builtins(current)

    write = applied(current, campaign_patch(command({field: read.get(field), "id": current.id, "version": 1})))

    assert not write.changed
    assert write.campaign is current


def test_terms_go_where_the_schema_keeps_them_and_need_a_locale() -> None:
    v1 = created(schema={"version": "1"})
    v2 = created()

    assert terms_patch(v1, "en", "T").fields == {"content": {"en": {"body": {"terms": "T"}}}}
    assert terms_patch(v2, "en", TermsInput(terms=None).terms).fields == {"content": {"en": {"terms": None}}}
    with pytest.raises(InvalidQuery):
        terms_patch(v2, None, "T")


def test_contacts_are_checked_even_before_they_are_merged() -> None:
    with pytest.raises(ValidationFailed):
        contacts_patch([CampaignContactRef(email="not-an-email")])
