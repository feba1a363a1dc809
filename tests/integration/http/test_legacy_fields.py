"""What legacy callers send and read (issue 10, items 3-5 and 14), through the real app.

The legacy model's extra fields are kept as given; fields never set are left out of responses and
fields the lifecycle cleared are `null`; locale ids are stored in one form; a campaign fans may
see has a locale.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from campaigns.adapters.local.clock import FixedClock
from tests.bootstrap import START
from tests.integration.http.support import Api, Client, Json, assert_problem, event_types, iso, valid_campaign_body

pytestmark = pytest.mark.integration

HOUR = timedelta(hours=1)

LEGACY_VALUES: dict[str, Any] = {
    "score": {"weights": {"presale": 0.75, "fanclub": 2}, "tiers": [1, 2.5, None, "x"], "on": False},
    "limit": {"perFan": 4, "total": 12_345_678_901_234, "ratio": 0.1},
    "videos": {"hero": {"youtubeId": "abc", "start": "2030-01-02T10:30:15+02:00"}, "list": []},
    "email": {"subject": {"en-us": "Hi"}, "template": {"receipt": "tpl-1"}, "from": None},
    "share": {"x": {"url": "https://x.test/eras"}, "hashtag": "#eras", "count": 3, "flags": [True]},
    "gate": {"type": "code", "nested": {"deeper": {"deepest": [{"k": None}, {}]}}},
    "extensions": {"Ünïcødé": "☃", "empty": {}},
    "stores": [{"id": "s1", "url": "https://store.test"}, "plain", 7, None, [True], 1.5],
    "groups": [["a", "b"], {"name": "vip"}],
    "linkedCampaignId": "5f0c1a2b3c4d5e6f7a8b9c0d",
    "fanIdentifier": "globalUserId",
}
"""A value of every legacy field, with content of every JSON kind the service must keep as given."""

OTHER_VALUES: dict[str, Any] = {
    "score": {"replaced": True},
    "limit": {"perFan": 2},
    "videos": {},
    "email": {"template": {"receipt": "tpl-2"}},
    "share": {"facebook": {"url": "https://facebook.test/eras"}},
    "gate": {"type": "password"},
    "extensions": {"other": [1, 2, 3]},
    "stores": [],
    "groups": [{"name": "fanclub"}],
    "linkedCampaignId": "",
    "fanIdentifier": "email",
}
"""A second value of each, sharing no key with the first: an update replaces the field whole."""

OBJECTS = ("score", "limit", "videos", "email", "share", "gate", "extensions")
ARRAYS = ("stores", "groups")
TEXTS = ("linkedCampaignId", "fanIdentifier")

NOT_OBJECTS: tuple[Any, ...] = ([], "text", 1, True)
NOT_ARRAYS: tuple[Any, ...] = ({}, "text", 1)
NOT_TEXTS: tuple[Any, ...] = (1, {}, [], False)
WRONG_TYPES: list[tuple[str, Any]] = [
    *((name, wrong) for name in OBJECTS for wrong in NOT_OBJECTS),
    *((name, wrong) for name in ARRAYS for wrong in NOT_ARRAYS),
    *((name, wrong) for name in TEXTS for wrong in NOT_TEXTS),
    ("score", None),  # always an object: `{}` is how a campaign has none
]


def nulls(value: Any, path: str = "") -> Iterator[str]:
    """The dotted path of every `null` in a JSON value."""
    if value is None:
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from nulls(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from nulls(item, f"{path}.{index}")


async def _get(api: Api, path: str, **params: str) -> Any:
    response = await api.client.get(path, params=params, headers=api.supreme)
    assert response.status_code == 200, response.text
    return response.json()


async def every_read(api: Api, campaign_id: str, site: str) -> list[Json]:
    """The campaign as each route answers it: by id (all locales and one), by domain, in the list."""
    listed = [c for c in (await _get(api, "/campaigns/list", pageSize="100"))["campaigns"] if c["id"] == campaign_id]
    return [
        await api.campaign(campaign_id),
        await _get(api, f"/campaigns/{campaign_id}"),
        await _get(api, "/campaigns", domain=site),
        *listed,
    ]


async def assert_nothing_written(api: Api, before: Json) -> None:
    assert await api.total() == 1
    assert event_types(api.pending()) == ["campaign.created", "campaign.event-mapping"]
    assert await api.campaign(before["id"]) == before


# --------------------------------------------------------------------------- legacy fields


@pytest.mark.parametrize("name", list(LEGACY_VALUES))
async def test_each_legacy_field_is_stored_and_answered_exactly_as_given(api: Api, name: str) -> None:
    value = copy.deepcopy(LEGACY_VALUES[name])

    created = await api.create(valid_campaign_body("legacy", **{name: value}))

    assert created[name] == value
    reads = await every_read(api, created["id"], "legacy")
    assert len(reads) == 4
    assert [read[name] for read in reads] == [value] * 4

    updated = await api.update(created["id"], {name: OTHER_VALUES[name]})

    assert updated[name] == OTHER_VALUES[name], "an update replaces opaque content whole, it does not merge it"
    assert [read[name] for read in await every_read(api, created["id"], "legacy")] == [OTHER_VALUES[name]] * 4


async def test_all_legacy_fields_survive_an_unrelated_update_and_a_round_trip(api: Api) -> None:
    created = await api.create(valid_campaign_body("legacy-all", **copy.deepcopy(LEGACY_VALUES)))

    renamed = await api.update(created["id"], {"name": "Renamed"})
    written_back = await api.update(created["id"], await api.campaign(created["id"]))

    assert {name: renamed[name] for name in LEGACY_VALUES} == LEGACY_VALUES
    assert written_back == renamed, "posting back what was read changes nothing"


@pytest.mark.parametrize("name", [name for name in LEGACY_VALUES if name != "score"])
async def test_null_clears_a_legacy_field(api: Api, name: str) -> None:
    created = await api.create(valid_campaign_body("legacy-null", **{name: copy.deepcopy(LEGACY_VALUES[name])}))

    cleared = await api.update(created["id"], {name: None})

    assert name not in cleared
    assert name not in await api.campaign(created["id"])


@pytest.mark.parametrize(
    ("name", "wrong"), [pytest.param(name, wrong, id=f"{name}={wrong!r}") for name, wrong in WRONG_TYPES]
)
async def test_a_legacy_field_of_the_wrong_json_type_is_400_naming_it_and_writes_nothing(
    api: Api, client: Client, name: str, wrong: Any
) -> None:
    existing = await api.create(valid_campaign_body("legacy-types", **copy.deepcopy(LEGACY_VALUES)))

    on_create = await client.post("/campaigns", json=valid_campaign_body("other", **{name: wrong}), headers=api.supreme)
    on_update = await client.post(f"/campaigns/{existing['id']}", json={name: wrong}, headers=api.supreme)

    assert_problem(on_create, 400, "INVALID_CAMPAIGN_SCHEMA", field=name)
    assert_problem(on_update, 400, "INVALID_CAMPAIGN_SCHEMA", field=name)
    await assert_nothing_written(api, existing)


async def test_score_is_an_empty_object_when_the_campaign_has_none(api: Api, client: Client) -> None:
    window = {"presaleWindowStart": iso(START + HOUR), "presaleWindowEnd": iso(START + 2 * HOUR)}
    created = await api.create(valid_campaign_body("no-score", eventIds=["ev-score"], date=window))
    await api.update(created["id"], {"status": "OPEN"})

    by_event = await client.get("/campaigns/events", params={"eventId": "ev-score"}, headers=api.supreme)

    assert created["score"] == {}
    assert [read["score"] for read in await every_read(api, created["id"], "no-score")] == [{}] * 4
    assert by_event.status_code == 200, by_event.text
    assert [found["score"] for found in by_event.json()] == [{}]


# --------------------------------------------------------------------------- never set, cleared


async def test_fields_never_set_are_left_out_of_every_response(api: Api) -> None:
    created = await api.create({"name": "Bare draft", "domain": {"site": "bare"}})
    reads = [created, *await every_read(api, created["id"], "bare")]

    for read in reads:
        assert list(nulls(read)) == [], read
        assert read["domain"] == {"site": "bare"}, "`preview` was never set"
        assert read["date"].keys() == {"created", "updated"}
        for never_set in ("identifier", "artist", "tour", "options", "referenceTimezone", "style", "image"):
            assert never_set not in read
        for never_set in ("faqs", "categoryId", "slack", *(name for name in LEGACY_VALUES if name != "score")):
            assert never_set not in read
        assert read["hasPassword"] is False
        assert read["score"] == {}
        assert read["status"] == "DRAFT"


async def test_nested_parts_leave_out_what_was_never_set(api: Api) -> None:
    body = valid_campaign_body(
        "sparse",
        artist={"id": "K8vZ917Gku7"},
        options={"showAccessCode": True},
        preferences=[{"id": "sms", "type": "checkbox", "is_optional": True}],
        contacts=[{"_id": "c1", "name": "Box office"}],
        trackers=[{"type": "ga"}],
        slack={"noAlert": True},
    )
    body["content"]["en"] = {"terms": "Terms."}

    created = await api.create(body)

    for read in [created, *await every_read(api, created["id"], "sparse")]:
        assert read["artist"] == {"id": "K8vZ917Gku7"}
        assert read["options"] == {"showAccessCode": True}
        assert read["preferences"] == [{"id": "sms", "type": "checkbox", "is_optional": True}]
        assert read["contacts"] == [{"_id": "c1", "name": "Box office"}]
        assert read["trackers"] == [{"type": "ga"}]
        assert read["slack"] == {"noAlert": True}
        assert "open" not in read["date"]
        assert "close" not in read["date"]
    assert created["content"]["en"] == {"terms": "Terms."}


async def test_a_client_null_reads_back_as_left_out_except_where_the_lifecycle_clears(api: Api) -> None:
    created = await api.create(valid_campaign_body("nulls", date={"open": iso(START + HOUR)}))

    updated = await api.update(
        created["id"], {"referenceTimezone": None, "artist": {"fanclubName": None}, "date": {"open": None}}
    )

    assert "referenceTimezone" not in updated
    assert "fanclubName" not in updated["artist"]
    assert updated["date"]["open"] is None, "`date.open` is one of the fields a clear leaves `null`"


async def test_fields_the_lifecycle_cleared_are_null(api: Api, clock: FixedClock) -> None:
    opens, closes = START + HOUR, START + 2 * HOUR
    created = await api.create(valid_campaign_body("cleared", date={"open": iso(opens), "close": iso(closes)}))
    cid = created["id"]
    assert created["domain"] == {"site": "cleared", "preview": "preview-cleared"}
    assert created["date"]["open"] == iso(opens)
    assert "opened" not in created["date"]

    clock.advance(HOUR)
    assert (await api.refresh())["opened"] == 1
    for opened in await every_read(api, cid, "cleared"):
        assert opened["date"]["open"] is None
        assert opened["domain"]["preview"] is None
        assert opened["date"]["close"] == iso(closes)
        assert opened["date"]["opened"] == iso(opens)
        assert "closed" not in opened["date"]
        assert list(nulls(opened)) == ["domain.preview", "date.open"]

    clock.advance(HOUR)
    assert (await api.refresh())["closed"] == 1
    closed = await api.campaign(cid)
    assert closed["date"]["close"] is None
    assert sorted(nulls(closed)) == ["date.close", "date.open", "domain.preview"]

    clock.advance(timedelta(days=30))
    assert (await api.refresh())["deactivated"] == 1
    inactive = await api.campaign(cid)
    assert inactive["domain"] == {"site": None, "preview": None}
    assert inactive["date"]["inactivated"] == iso(clock.now())
    assert sorted(nulls(inactive)) == ["date.close", "date.open", "domain.preview", "domain.site"]


async def test_the_cleared_fields_stay_null_through_later_writes(api: Api, clock: FixedClock) -> None:
    created = await api.create(valid_campaign_body("still-null", date={"open": iso(START + HOUR)}))
    clock.advance(HOUR)
    await api.refresh()

    renamed = await api.update(created["id"], {"name": "Renamed"})

    assert renamed["date"]["open"] is None
    assert renamed["domain"]["preview"] is None
    assert "close" not in renamed["date"], "never set, so still left out"


# --------------------------------------------------------------------------- locale ids


def mixed_locale_body(site: str) -> Json:
    """Locale ids written every way a legacy caller may: `en-us`, `FR_ca`, `en_US`, `fr-ca`..."""
    return valid_campaign_body(
        site,
        locales=[{"id": "en-us", "is_default": True}, {"id": "FR_ca", "is_default": False}, {"id": "DE"}],
        content={
            "EN_US": {"terms": "Terms.", "faqs": {}},
            "fr-ca": {"terms": "Conditions."},
            "De": {"terms": "Bedingungen."},
        },
        preferences=[
            {"id": "sms", "type": "checkbox", "is_optional": True, "label": {"en_us": "Texts", "fr-CA": "SMS"}}
        ],
        faqs=None,
    )


async def test_locale_ids_are_stored_in_one_form_in_every_place(api: Api) -> None:
    created = await api.create(mixed_locale_body("locales"))

    for read in (created, await api.campaign(created["id"])):
        assert read["locales"] == [
            {"id": "en-US", "is_default": True},
            {"id": "fr-CA", "is_default": False},
            {"id": "de", "is_default": False},
        ]
        assert list(read["content"]) == ["en-US", "fr-CA", "de"]
        assert read["content"]["fr-CA"] == {"terms": "Conditions."}
        assert read["preferences"][0]["label"] == {"en-US": "Texts", "fr-CA": "SMS"}
    one_locale = await _get(api, f"/campaigns/{created['id']}")
    assert one_locale["currentLocale"] == "en-US"
    assert list(one_locale["content"]) == ["en-US"]


async def test_an_update_in_another_spelling_reaches_the_stored_locale(api: Api) -> None:
    created = await api.create(mixed_locale_body("respelled"))

    updated = await api.update(
        created["id"],
        {
            "content": {"FR_CA": {"terms": "Nouvelles conditions."}},
            "locales": [{"id": "EN-us", "is_default": False}, {"id": "fr_ca", "is_default": True}],
        },
    )

    assert list(updated["content"]) == ["en-US", "fr-CA", "de"]
    assert updated["content"]["fr-CA"] == {"terms": "Nouvelles conditions."}
    assert updated["locales"] == [{"id": "en-US", "is_default": False}, {"id": "fr-CA", "is_default": True}]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"locales": [{"id": "en-us", "is_default": True}, {"id": "en_US"}]}, "locales.1.id"),
        ({"locales": [{"id": "fr", "is_default": True}, {"id": "FR"}]}, "locales.1.id"),
        ({"content": {"en-us": {"terms": "A"}, "en_US": {"terms": "B"}}}, "content"),
        (
            {
                "preferences": [
                    {"id": "sms", "type": "checkbox", "is_optional": True, "label": {"fr-ca": "a", "FR_CA": "b"}}
                ]
            },
            "preferences.0.label",
        ),
    ],
    ids=["locales", "locales-language-only", "content", "preference-label"],
)
async def test_the_same_locale_twice_once_normalised_is_400_and_writes_nothing(
    api: Api, client: Client, changes: Json, field: str
) -> None:
    existing = await api.create(valid_campaign_body("twice"))

    on_create = await client.post("/campaigns", json=valid_campaign_body("other", **changes), headers=api.supreme)
    on_update = await client.post(f"/campaigns/{existing['id']}", json=changes, headers=api.supreme)

    assert_problem(on_create, 400, "INVALID_CAMPAIGN_SCHEMA", field=field)
    assert_problem(on_update, 400, "INVALID_CAMPAIGN_SCHEMA", field=field)
    await assert_nothing_written(api, existing)


async def test_promoter_privacy_url_locales_are_stored_in_one_form(api: Api, client: Client) -> None:
    urls = [
        {"locale": "en_us", "url": "https://a.test/privacy", "is_default": True},
        {"locale": "FR-ca", "url": "https://b.test/privacy", "is_default": False},
    ]

    created = await client.post("/promoters", json={"name": "Promoter", "privacyUrls": urls}, headers=api.supreme)
    assert created.status_code == 201, created.text
    updated = await client.post(
        f"/promoters/{created.json()['id']}",
        json={"privacyUrls": [{"locale": "ES", "url": "https://c.test/privacidad", "is_default": True}]},
        headers=api.supreme,
    )

    assert [entry["locale"] for entry in created.json()["privacyUrls"]] == ["en-US", "fr-CA"]
    assert updated.status_code == 200, updated.text
    assert [entry["locale"] for entry in updated.json()["privacyUrls"]] == ["es"]


# --------------------------------------------------------------------------- a campaign fans may see speaks a locale


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "PREVIEW"},
        {"date": {"open": iso(START + HOUR)}},
        {"date": {"close": iso(START + HOUR)}},
    ],
    ids=["preview", "scheduled-to-open", "scheduled-to-close"],
)
async def test_a_campaign_without_locales_cannot_be_created_past_draft_or_scheduled(
    api: Api, client: Client, changes: Json
) -> None:
    response = await client.post(
        "/campaigns", json=valid_campaign_body("mute", locales=[], **changes), headers=api.supreme
    )

    assert_problem(response, 400, "INVALID_CAMPAIGN_SCHEMA", field="locales")
    assert await api.total() == 0
    assert api.pending() == []


@pytest.mark.parametrize("target", ["PREVIEW", "OPEN"])
async def test_a_draft_without_locales_cannot_leave_draft(api: Api, client: Client, target: str) -> None:
    draft = await api.create(valid_campaign_body("mute-draft", locales=[]))
    assert draft["locales"] == []

    response = await client.post(f"/campaigns/{draft['id']}", json={"status": target}, headers=api.supreme)
    scheduled = await client.post(
        f"/campaigns/{draft['id']}", json={"date": {"open": iso(START + HOUR)}}, headers=api.supreme
    )

    assert_problem(response, 400, "INVALID_CAMPAIGN_SCHEMA", field="locales")
    assert_problem(scheduled, 400, "INVALID_CAMPAIGN_SCHEMA", field="locales")
    await assert_nothing_written(api, draft)


async def test_an_open_campaign_keeps_a_locale_and_one_default(api: Api, client: Client) -> None:
    opened = await api.create(valid_campaign_body("speaks"))
    opened = await api.update(opened["id"], {"status": "OPEN"})
    no_default = [{"id": "en", "is_default": False}, {"id": "fr-CA", "is_default": False}]
    two_defaults = [{"id": "en", "is_default": True}, {"id": "fr-CA", "is_default": True}]

    for locales in ([], no_default, two_defaults):
        response = await client.post(f"/campaigns/{opened['id']}", json={"locales": locales}, headers=api.supreme)
        assert_problem(response, 400, "INVALID_CAMPAIGN_SCHEMA", field="locales")
    assert await api.campaign(opened["id"]) == opened
    assert event_types(api.pending()) == [
        "campaign.created",
        "campaign.event-mapping",
        "campaign.status-changed",
        "campaign.event-mapping",
    ]
