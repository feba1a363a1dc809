"""Surrogate keys: one naming for the response header and for the purges of each kind of change."""

from __future__ import annotations

import datetime as dt

import pytest

from campaigns.application.cdn import batch_purge_keys, purge_keys, surrogate_keys
from campaigns.domain.campaign import Status
from campaigns.domain.events import (
    AnyEvent,
    CampaignCreated,
    CampaignDomainReleased,
    CampaignEventIdsMapped,
    CampaignStatusChanged,
    CampaignUpdated,
)

AT = dt.datetime(2030, 1, 15, 12, tzinfo=dt.UTC)


def test_a_campaign_is_known_by_its_id_and_its_domain_while_it_holds_one() -> None:
    assert surrogate_keys("c1", "tour") == ["campaign-c1", "domain-tour"]
    assert surrogate_keys("c1", None) == ["campaign-c1"]
    assert surrogate_keys("c1", "") == ["campaign-c1"]


@pytest.mark.parametrize(
    ("event", "keys"),
    [
        (
            CampaignUpdated(
                occurred_at=AT, campaign_id="c1", domain_site="a", changed_fields=["name"], previous_domain_site="a"
            ),
            ["campaign-c1", "domain-a"],
        ),
        (
            CampaignUpdated(
                occurred_at=AT, campaign_id="c1", domain_site="b", changed_fields=["domain"], previous_domain_site="a"
            ),
            ["campaign-c1", "domain-b", "domain-a"],
        ),
        (
            CampaignUpdated(
                occurred_at=AT, campaign_id="c1", domain_site=None, changed_fields=["domain"], previous_domain_site="a"
            ),
            ["campaign-c1", "domain-a"],
        ),
        (
            CampaignUpdated(occurred_at=AT, campaign_id="c1", domain_site="a", changed_fields=["passwordHash"]),
            ["campaign-c1", "domain-a"],
        ),
        (
            CampaignStatusChanged(
                occurred_at=AT,
                campaign_id="c1",
                domain_site="a",
                from_status=Status.DRAFT,
                to_status=Status.OPEN,
                by="u",
                reason="manual",
            ),
            ["campaign-c1", "domain-a"],
        ),
        (CampaignDomainReleased(occurred_at=AT, campaign_id="c1", released_site="a"), ["campaign-c1", "domain-a"]),
        (CampaignCreated(occurred_at=AT, campaign_id="c1", domain_site="a", status=Status.DRAFT), []),
        (CampaignEventIdsMapped(occurred_at=AT, campaign_id="c1", event_ids=["E1"]), []),
    ],
    ids=["content", "moved", "cleared", "password", "status", "released", "created", "mapping"],
)
def test_each_change_purges_the_keys_of_what_it_made_stale(event: AnyEvent, keys: list[str]) -> None:
    assert purge_keys(event) == keys


def test_an_update_naming_no_shown_field_purges_nothing() -> None:
    event = CampaignUpdated(occurred_at=AT, campaign_id="c1", domain_site="a", changed_fields=["version"])

    assert purge_keys(event) == []


def test_a_batch_names_each_key_once_in_first_seen_order() -> None:
    events: list[AnyEvent] = [
        CampaignDomainReleased(occurred_at=AT, campaign_id="c2", released_site="b"),
        CampaignUpdated(occurred_at=AT, campaign_id="c1", domain_site="a", changed_fields=["name"]),
        CampaignUpdated(occurred_at=AT, campaign_id="c2", domain_site=None, changed_fields=["name"]),
    ]

    assert batch_purge_keys(events) == ["campaign-c2", "domain-b", "campaign-c1", "domain-a"]
