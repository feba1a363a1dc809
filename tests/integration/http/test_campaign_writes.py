"""Creating and updating campaigns: success bodies and headers, and every write error code."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from campaigns.adapters.local.clock import FixedClock
from tests.bootstrap import START
from tests.integration.http.support import (
    FAQ_ID,
    Api,
    Client,
    assert_problem,
    event_types,
    iso,
    valid_campaign_body,
)

pytestmark = pytest.mark.integration


async def test_create_answers_201_with_the_campaign_and_its_cache_headers(
    client: Client, supreme: dict[str, str]
) -> None:
    response = await client.post("/campaigns", json=valid_campaign_body("taylorswift"), headers=supreme)

    assert response.status_code == 201, response.text
    body = response.json()
    assert re.fullmatch(r"[0-9a-f]{24}", body["id"])
    assert body["status"] == "DRAFT"
    assert body["version"] == 1
    assert body["domain"] == {"site": "taylorswift", "preview": "preview-taylorswift"}
    assert body["name"] == "Campaign taylorswift"
    assert body["artist"]["discovery_id"] == "K8vZ917Gku7"
    assert body["content"]["fr-CA"]["faqs"][FAQ_ID]["question"] == "Quand?"
    assert body["date"]["created"] == iso(START)
    assert body["date"]["updated"] == iso(START)
    assert body["statusHistory"] == [{"status": "DRAFT", "at": iso(START), "by": "admin", "reason": "created"}]
    assert body["hasPassword"] is False
    assert body["schema"] == {"version": "2"}
    assert response.headers["etag"] == '"1"'
    assert response.headers["surrogate-key"].split() == [f"campaign-{body['id']}", "domain-taylorswift"]


async def test_create_may_start_in_preview_but_not_later(api: Api, client: Client, supreme: dict[str, str]) -> None:
    preview = await api.create(valid_campaign_body("preview-start", status="PREVIEW"))
    opened = await client.post("/campaigns", json=valid_campaign_body("open-start", status="OPEN"), headers=supreme)

    assert preview["status"] == "PREVIEW"
    assert_problem(opened, 409, "INVALID_CAMPAIGN_STATUS_CHANGE")
    assert await api.total() == 1


async def test_create_writes_the_campaign_and_its_event_together(api: Api) -> None:
    created = await api.create(valid_campaign_body("with-event"))

    pending = api.pending()
    assert event_types(pending) == ["campaign.created", "campaign.event-mapping"]
    assert pending[0].event.aggregate_id == created["id"]


async def test_update_merges_objects_and_replaces_arrays(api: Api, client: Client, clock: FixedClock) -> None:
    created = await api.create(valid_campaign_body("merge-me", eventIds=["e1", "e2"]))
    clock.advance(timedelta(minutes=5))

    response = await client.post(
        f"/campaigns/{created['id']}",
        json={"tour": {"name": "Encore"}, "artist": {"name": "Renamed Artist"}, "eventIds": ["e3"]},
        headers=api.supreme,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["tour"] == {"name": "Encore"}
    assert body["artist"]["name"] == "Renamed Artist"
    assert body["artist"]["id"] == "K8vZ917Gku7"  # merged, not replaced
    assert body["eventIds"] == ["e3"]  # replaced, not merged
    assert body["version"] == 2
    assert body["date"]["created"] == created["date"]["created"]
    assert body["date"]["updated"] != created["date"]["updated"]
    assert response.headers["etag"] == '"2"'
    assert await api.campaign(created["id"]) == body


async def test_update_that_changes_nothing_writes_nothing(api: Api) -> None:
    created = await api.create(valid_campaign_body("no-op"))

    same = await api.update(created["id"], {"name": created["name"]})

    assert same["version"] == 1
    assert event_types(api.pending()) == ["campaign.created", "campaign.event-mapping"]


async def test_if_match_with_the_current_version_is_applied(api: Api, client: Client) -> None:
    created = await api.create(valid_campaign_body("if-match-ok"))

    for if_match in ('"1"', "2", 'W/"3"', "*"):
        response = await client.post(
            f"/campaigns/{created['id']}",
            json={"name": f"Name {if_match}"},
            headers={**api.supreme, "If-Match": if_match},
        )
        assert response.status_code == 200, (if_match, response.text)
    assert (await api.campaign(created["id"]))["version"] == 5


async def test_stale_if_match_is_412_and_writes_nothing(api: Api, client: Client) -> None:
    created = await api.create(valid_campaign_body("if-match-stale"))
    await api.update(created["id"], {"name": "Second"})

    stale = await client.post(
        f"/campaigns/{created['id']}", json={"name": "Lost update"}, headers={**api.supreme, "If-Match": '"1"'}
    )
    garbage = await client.post(
        f"/campaigns/{created['id']}", json={"name": "Lost update"}, headers={**api.supreme, "If-Match": '"abc"'}
    )

    assert_problem(stale, 412, "VERSION_MISMATCH")
    assert_problem(garbage, 412, "VERSION_MISMATCH")
    current = await api.campaign(created["id"])
    assert current["name"] == "Second"
    assert current["version"] == 2


async def test_claiming_a_held_domain_is_409(api: Api, client: Client) -> None:
    first = await api.create(valid_campaign_body("taken"))
    second = await api.create(valid_campaign_body("free"))

    duplicate = await client.post("/campaigns", json=valid_campaign_body("taken"), headers=api.supreme)
    moved = await client.post(f"/campaigns/{second['id']}", json={"domain": {"site": "taken"}}, headers=api.supreme)

    assert_problem(duplicate, 409, "CAMPAIGN_WITH_DOMAIN_EXISTS")
    assert_problem(moved, 409, "CAMPAIGN_WITH_DOMAIN_EXISTS")
    assert await api.total() == 2
    assert (await api.campaign(second["id"]))["domain"]["site"] == "free"
    assert (await api.campaign(first["id"]))["version"] == 1


async def test_a_campaign_may_keep_its_own_domain(api: Api) -> None:
    created = await api.create(valid_campaign_body("keep-mine"))

    updated = await api.update(created["id"], {"domain": {"site": "keep-mine"}, "name": "Kept"})

    assert updated["domain"]["site"] == "keep-mine"
    assert updated["version"] == 2


@pytest.mark.parametrize(
    ("current", "target"),
    [("DRAFT", "CLOSED"), ("DRAFT", "INACTIVE"), ("PREVIEW", "CLOSED"), ("OPEN", "DRAFT"), ("OPEN", "PREVIEW")],
)
async def test_a_forbidden_status_change_is_409(api: Api, client: Client, current: str, target: str) -> None:
    extra = {"status": "PREVIEW"} if current == "PREVIEW" else {}
    created = await api.create(valid_campaign_body("status-change", **extra))
    if current == "OPEN":
        await api.update(created["id"], {"status": "OPEN"})
    version = (await api.campaign(created["id"]))["version"]

    response = await client.post(f"/campaigns/{created['id']}", json={"status": target}, headers=api.supreme)

    assert_problem(response, 409, "INVALID_CAMPAIGN_STATUS_CHANGE")
    after = await api.campaign(created["id"])
    assert after["status"] == current
    assert after["version"] == version


async def test_manual_status_changes_are_recorded(api: Api, clock: FixedClock) -> None:
    created = await api.create(valid_campaign_body("manual"))

    for target in ("PREVIEW", "DRAFT", "OPEN", "CLOSED", "OPEN", "CLOSED", "INACTIVE"):
        assert (await api.update(created["id"], {"status": target}))["status"] == target

    final = await api.campaign(created["id"])
    assert [entry["status"] for entry in final["statusHistory"]] == [
        "DRAFT", "PREVIEW", "DRAFT", "OPEN", "CLOSED", "OPEN", "CLOSED", "INACTIVE",
    ]  # fmt: skip
    assert final["domain"]["site"] is None
    assert final["date"]["inactivated"] == iso(clock.now())


async def test_missing_required_fields_are_named(client: Client, supreme: dict[str, str], api: Api) -> None:
    body = valid_campaign_body("incomplete", status="PREVIEW", name="", tour={"name": " "})

    problem = assert_problem(
        await client.post("/campaigns", json=body, headers=supreme), 400, "INVALID_CAMPAIGN_SCHEMA", field="name"
    )

    assert {error["field"] for error in problem["errors"]} >= {"name", "tour.name"}
    assert all(error["message"] for error in problem["errors"])
    assert await api.total() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"domain": {"site": "Upper"}}, "domain.site"),
        ({"domain": {"site": "under_score"}}, "domain.site"),
        ({"style": {"theme": {"primary": "red"}}}, "style.theme.primary"),
        ({"image": {"main": {"url": "ftp://example.com/x.jpg"}}}, "image.main.url"),
        ({"locales": [{"id": "en", "is_default": True}, {"id": "fr", "is_default": True}]}, "locales"),
        ({"locales": [{"id": "english", "is_default": True}]}, "locales.0.id"),
        ({"faqs": {"landing": {"open": ["no-such-faq"]}}}, "faqs.landing.open.0"),
        ({"date": {"open": "2030-03-01T00:00:00Z", "close": "2030-02-01T00:00:00Z"}}, "date.close"),
        ({"schema": {"version": "3"}}, "schema.version"),
    ],
)
async def test_rule_violations_are_400_invalid_campaign_schema(
    api: Api, client: Client, changes: dict[str, object], field: str
) -> None:
    response = await client.post("/campaigns", json=valid_campaign_body("rules", **changes), headers=api.supreme)

    assert_problem(response, 400, "INVALID_CAMPAIGN_SCHEMA", field=field)
    assert await api.total() == 0
    assert api.pending() == []


@pytest.mark.parametrize(
    ("dates", "category", "field"),
    [
        ({"presaleWindowStart": "2030-02-01T00:00:00Z"}, None, "date.presaleWindowEnd"),
        ({"presaleWindowEnd": "2030-02-01T00:00:00Z"}, None, "date.presaleWindowStart"),
        ({}, "cat-1", "categoryId"),
    ],
)
async def test_an_incomplete_presale_window_is_400_missing_presale_window_date(
    api: Api, client: Client, dates: dict[str, str], category: str | None, field: str
) -> None:
    body = valid_campaign_body("window", date=dates, **({"categoryId": category} if category else {}))

    response = await client.post("/campaigns", json=body, headers=api.supreme)

    assert_problem(response, 400, "MISSING_PRESALE_WINDOW_DATE", field=field)
    assert await api.total() == 0


async def test_a_presale_window_ending_first_is_400_invalid_order(api: Api, client: Client) -> None:
    created = await api.create(valid_campaign_body("window-order"))
    window = {"presaleWindowStart": "2030-03-01T00:00:00Z", "presaleWindowEnd": "2030-02-01T00:00:00Z"}

    on_create = await client.post(
        "/campaigns", json=valid_campaign_body("window-order-2", date=window), headers=api.supreme
    )
    on_update = await client.post(f"/campaigns/{created['id']}", json={"date": window}, headers=api.supreme)

    assert_problem(on_create, 400, "INVALID_PRESALE_WINDOW_DATE_ORDER", field="date.presaleWindowEnd")
    assert_problem(on_update, 400, "INVALID_PRESALE_WINDOW_DATE_ORDER", field="date.presaleWindowEnd")
    assert await api.total() == 1
    assert (await api.campaign(created["id"]))["version"] == 1


async def test_a_body_over_one_mebibyte_is_413(api: Api, client: Client) -> None:
    huge = valid_campaign_body("huge", name="x" * (1024 * 1024 + 1))

    on_create = await client.post("/campaigns", json=huge, headers=api.supreme)

    assert_problem(on_create, 413, "PAYLOAD_TOO_LARGE")
    assert await api.total() == 0
    created = await api.create(valid_campaign_body("target"))
    on_update = await client.post(
        f"/campaigns/{created['id']}", json={"name": "y" * (1024 * 1024 + 1)}, headers=api.supreme
    )
    assert_problem(on_update, 413, "PAYLOAD_TOO_LARGE")
    assert (await api.campaign(created["id"]))["version"] == 1


async def test_a_password_is_write_only_and_can_be_removed(api: Api) -> None:
    created = await api.create(valid_campaign_body("pw", password="open sesame"))

    removed = await api.update(created["id"], {"password": None})

    assert created["hasPassword"] is True
    assert removed["hasPassword"] is False
    assert "password" not in created
    assert "passwordHash" not in created


async def test_refresh_with_nothing_due_reports_nothing(api: Api) -> None:
    await api.create(valid_campaign_body("idle"))

    assert await api.refresh() == {"opened": 0, "closed": 0, "deactivated": 0, "dryRun": False, "campaigns": []}
    assert await api.refresh(dry_run=True) == {
        "opened": 0,
        "closed": 0,
        "deactivated": 0,
        "dryRun": True,
        "campaigns": [],
    }


async def test_read_only_fields_in_a_create_body_are_ignored(api: Api) -> None:
    body = valid_campaign_body(
        "echoed",
        id="aaaaaaaaaaaaaaaaaaaaaaaa",
        version=99,
        statusHistory=[{"status": "OPEN", "at": "2001-01-01T00:00:00Z", "by": "me", "reason": "forged"}],
        date={"created": "2001-01-01T00:00:00Z"},
    )

    created = await api.create(body)

    assert created["id"] != "aaaaaaaaaaaaaaaaaaaaaaaa"
    assert created["version"] == 1
    assert [entry["reason"] for entry in created["statusHistory"]] == ["created"]
    assert created["date"]["created"] == iso(START)


async def test_id_version_and_history_echoed_from_a_read_are_ignored_on_update(api: Api) -> None:
    created = await api.create(valid_campaign_body("round-trip"))
    forged_dates = {"created": "2001-01-01T00:00:00Z", "updated": "2001-01-01T00:00:00Z", "closed": None}

    same = await api.update(
        created["id"],
        {
            **created,
            "id": "bbbbbbbbbbbbbbbbbbbbbbbb",
            "version": 42,
            "hasPassword": True,
            "date": {**created["date"], **forged_dates},
        },
    )

    assert same == created


@pytest.mark.parametrize(
    ("resource", "body"),
    [("terms", {"terms": "Stale terms."}), ("contacts", ["stale"]), ("faqs", {"landing": {"open": []}})],
)
async def test_stale_if_match_on_a_sub_resource_write_is_412(
    api: Api, client: Client, resource: str, body: object
) -> None:
    created = await api.create(valid_campaign_body("sub-if-match"))
    await api.update(created["id"], {"name": "Second"})

    response = await client.post(
        f"/campaigns/{created['id']}/{resource}", json=body, headers={**api.supreme, "If-Match": '"1"'}
    )

    assert_problem(response, 412, "VERSION_MISMATCH")
    assert (await api.campaign(created["id"]))["version"] == 2
