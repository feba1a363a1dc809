"""Market routes of a campaign through the real app: each success path and every error code they answer."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest

from campaigns.adapters.local.clock import FixedClock
from campaigns.domain.events import CampaignEventIdsMapped, MarketCreated, MarketDeleted, MarketPresaleChanged
from tests.bootstrap import START
from tests.integration.http.support import (
    Api,
    Json,
    assert_problem,
    bearer,
    event_types,
    iso,
    valid_campaign_body,
)

pytestmark = pytest.mark.integration

ABSENT_ID = "0123456789abcdef01234567"
PROMOTER_ID = "507f1f77bcf86cd799439012"
PRESALE = START + timedelta(days=20)


def market_body(name: str = "Los Angeles", **fields: Any) -> Json:
    """A complete market with a point and an event; `fields` replace top-level fields."""
    body: Json = {
        "name": name,
        "city": "Los Angeles",
        "state": "CA",
        "timezone": "America/Los_Angeles",
        "point": {"type": "Point", "coordinates": [-118.2437, 34.0522]},
        "population": 3_979_576,
        "event": {
            "ids": ["G5vYZ9nONGdj"],
            "name": "Concert at the Forum",
            "presaleDateTime": iso(PRESALE),
            "category_ids": ["KnvZfZ7vAdt"],
            "venue": {"id": "KovZpZAEdlJA", "name": "The Forum"},
        },
        "promoterIds": [PROMOTER_ID],
    }
    body.update(fields)
    return body


def markets_path(campaign_id: str, *rest: str) -> str:
    return "/".join([f"/campaigns/{campaign_id}/markets", *rest])


async def new_campaign(api: Api, site: str) -> str:
    created = await api.create(valid_campaign_body(site))
    campaign_id: str = created["id"]
    return campaign_id


async def new_market(api: Api, campaign_id: str, body: Json | None = None) -> Json:
    response = await api.client.post(markets_path(campaign_id), json=body or market_body(), headers=api.supreme)
    assert response.status_code == 201, response.text
    market: Json = response.json()
    return market


async def listed(api: Api, campaign_id: str) -> list[Json]:
    response = await api.client.get(markets_path(campaign_id), headers=api.supreme)
    assert response.status_code == 200, response.text
    markets: list[Json] = response.json()["markets"]
    return markets


def grant(api: Api, campaign_id: str, *actions: str) -> dict[str, str]:
    return bearer(api.tokens.for_campaign(campaign_id, actions))


# --------------------------------------------------------------------------- create


async def test_create_answers_201_with_the_market_of_the_path_campaign(api: Api) -> None:
    campaign_id = await new_campaign(api, "create-market")
    other_id = await new_campaign(api, "create-market-other")
    before = len(api.pending())

    response = await api.client.post(
        markets_path(campaign_id),
        json=market_body(campaign_id=other_id, id=ABSENT_ID, date={"created": "2001-01-01T00:00:00Z"}),
        headers=grant(api, campaign_id, "write"),
    )

    assert response.status_code == 201, response.text
    market = response.json()
    assert re.fullmatch(r"[0-9a-f]{24}", market["id"])
    assert market["id"] != ABSENT_ID, "the service mints the id"
    assert market["campaign_id"] == campaign_id, "the path wins over the body's campaign_id"
    assert market["date"] == {"created": iso(START), "updated": iso(START)}
    assert market["point"] == {"type": "Point", "coordinates": [-118.2437, 34.0522]}
    assert market["event"]["presaleDateTime"] == iso(PRESALE)
    assert market["promoterIds"] == [PROMOTER_ID]
    assert "notification" not in market, "fields never set are left out"
    assert await listed(api, campaign_id) == [market]
    assert await listed(api, other_id) == []
    created = api.pending()[before:]
    assert event_types(created) == ["market.created", "campaign.event-mapping"]
    assert created[0].event.aggregate_id == campaign_id
    mapping = created[1].event
    assert isinstance(mapping, CampaignEventIdsMapped)
    assert (mapping.campaign_id, mapping.event_ids) == (campaign_id, sorted(set(market["event"]["ids"])))


async def test_create_normalises_instants_to_utc(api: Api) -> None:
    campaign_id = await new_campaign(api, "utc-market")
    event = {"ids": ["E1"], "presaleDateTime": "2030-02-01T10:00:00-08:00"}

    market = await new_market(api, campaign_id, market_body(event=event))

    assert market["event"]["presaleDateTime"] == "2030-02-01T18:00:00Z"


async def test_create_keeps_only_what_was_sent(api: Api) -> None:
    campaign_id = await new_campaign(api, "minimal-market")
    body = {"name": "Boston", "city": "Boston", "state": "MA", "timezone": "America/New_York"}

    market = await new_market(api, campaign_id, body)

    assert set(market) == {"id", "campaign_id", "name", "city", "state", "timezone", "date"}


BAD_BODIES: list[Any] = [
    pytest.param(market_body(timezone="Not a zone"), "timezone", id="timezone not shaped like an IANA name"),
    pytest.param(market_body(timezone="Mars/Olympus_Mons"), "timezone", id="timezone unknown to the IANA database"),
    pytest.param(
        market_body(point={"type": "Point", "coordinates": [181, 0]}), "point.coordinates.0", id="longitude 181"
    ),
    pytest.param(
        market_body(point={"type": "Point", "coordinates": [0, -90.5]}), "point.coordinates.1", id="latitude -90.5"
    ),
    pytest.param(market_body(point={"type": "Point", "coordinates": [1]}), "point.coordinates", id="one coordinate"),
    pytest.param(market_body(point={"type": "Polygon", "coordinates": [0, 0]}), "point.type", id="not a point"),
    pytest.param(market_body(event={"ids": []}), "event.ids", id="empty event ids"),
    pytest.param(
        market_body(event={"ids": ["E1"], "category_ids": ["c1", "c1"]}), "event.category_ids.1", id="dup category"
    ),
    pytest.param(market_body(sneaky=True), "sneaky", id="unknown field"),
    pytest.param(market_body(event={"ids": ["E1"], "sneaky": 1}), "event.sneaky", id="unknown nested field"),
    pytest.param({"name": "X", "state": "CA", "timezone": "UTC"}, "city", id="missing city"),
    pytest.param(market_body(name="  "), "name", id="blank name"),
    pytest.param(market_body(population="5"), "population", id="number as a string"),
    pytest.param(market_body(population=-1), "population", id="negative population"),
    pytest.param(market_body(promoterIds=["p1"]), "promoterIds.0", id="promoter id not 24-hex"),
    pytest.param(
        market_body(event={"ids": ["E1"], "presaleDateTime": "2030-02-01T10:00:00"}),
        "event.presaleDateTime",
        id="instant without offset",
    ),
    pytest.param(
        market_body(event={"ids": ["E1"], "presaleDateTime": 1893456000}),
        "event.presaleDateTime",
        id="epoch number instant",
    ),
    pytest.param(
        market_body(event={"ids": ["E1"], "presaleDateTime": "0001-01-01T00:00:00+01:00"}),
        "event.presaleDateTime",
        id="instant before year 1 in UTC",
    ),
]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
async def test_an_invalid_create_is_400_naming_the_field_and_writes_nothing(api: Api, body: Json, field: str) -> None:
    campaign_id = await new_campaign(api, "bad-market")
    before = len(api.pending())

    response = await api.client.post(markets_path(campaign_id), json=body, headers=api.supreme)

    assert_problem(response, 400, "INVALID_MARKET_SCHEMA", field=field)
    assert await listed(api, campaign_id) == []
    assert len(api.pending()) == before


async def test_a_body_that_is_not_json_is_400_invalid_market_schema(api: Api) -> None:
    campaign_id = await new_campaign(api, "garbled-market")

    response = await api.client.post(
        markets_path(campaign_id), content=b'{"name": ', headers={**api.supreme, "content-type": "application/json"}
    )

    assert_problem(response, 400, "INVALID_MARKET_SCHEMA", field="body")
    assert await listed(api, campaign_id) == []


async def test_create_in_an_absent_campaign_is_404(api: Api) -> None:
    granted = await api.client.post(markets_path(ABSENT_ID), json=market_body(), headers=grant(api, ABSENT_ID, "write"))
    supreme = await api.client.post(markets_path("not-an-id"), json=market_body(), headers=api.supreme)

    assert_problem(granted, 404, "CAMPAIGN_NOT_FOUND")
    assert_problem(supreme, 404, "CAMPAIGN_NOT_FOUND")
    assert api.pending() == []


async def test_create_needs_write_on_the_campaign(api: Api) -> None:
    campaign_id = await new_campaign(api, "write-needed")
    before = len(api.pending())

    read_only = await api.client.post(
        markets_path(campaign_id), json=market_body(), headers=grant(api, campaign_id, "read")
    )
    other = await api.client.post(markets_path(campaign_id), json=market_body(), headers=grant(api, ABSENT_ID, "write"))
    absent = await api.client.post(
        markets_path(ABSENT_ID), json=market_body(), headers=grant(api, campaign_id, "write")
    )

    for response in (read_only, other, absent):
        assert_problem(response, 403, "INVALID_CAMPAIGN_PERMISSIONS")
    assert await listed(api, campaign_id) == []
    assert len(api.pending()) == before


async def test_market_names_are_unique_within_a_campaign_on_create_and_rename(api: Api) -> None:
    campaign_id = await new_campaign(api, "unique-names")
    other_id = await new_campaign(api, "unique-names-other")
    boston = await new_market(api, campaign_id, market_body("Boston"))
    chicago = await new_market(api, campaign_id, market_body("Chicago"))
    before = len(api.pending())

    again = await api.client.post(markets_path(campaign_id), json=market_body("Boston"), headers=api.supreme)
    rename = await api.client.post(
        markets_path(campaign_id, chicago["id"]), json={"name": "Boston"}, headers=api.supreme
    )

    assert_problem(again, 409, "MARKET_NAME_EXISTS")
    assert_problem(rename, 409, "MARKET_NAME_EXISTS")
    assert await listed(api, campaign_id) == [boston, chicago]
    assert len(api.pending()) == before
    elsewhere = await new_market(api, other_id, market_body("Boston"))
    assert elsewhere["name"] == "Boston", "names may repeat across campaigns"


# --------------------------------------------------------------------------- list and GeoJSON


async def test_list_answers_the_markets_of_the_campaign_only(api: Api) -> None:
    campaign_id = await new_campaign(api, "list-markets")
    other_id = await new_campaign(api, "list-markets-other")
    first = await new_market(api, campaign_id, market_body("Boston"))
    second = await new_market(api, campaign_id, market_body("Austin"))
    await new_market(api, other_id, market_body("Denver"))

    response = await api.client.get(markets_path(campaign_id), headers=grant(api, campaign_id, "read"))
    empty = await api.client.get(markets_path(campaign_id), params={"useGeoJson": "false"}, headers=api.supreme)

    assert response.status_code == 200, response.text
    assert response.json() == {"markets": [first, second]}
    assert empty.json() == {"markets": [first, second]}


async def test_list_of_a_campaign_without_markets_is_empty(api: Api) -> None:
    campaign_id = await new_campaign(api, "no-markets")

    assert await listed(api, campaign_id) == []


async def test_list_as_geojson_is_a_feature_collection(api: Api) -> None:
    campaign_id = await new_campaign(api, "geo-markets")
    located = await new_market(api, campaign_id, market_body("Los Angeles"))
    unlocated = await new_market(api, campaign_id, market_body("Nowhere", point=None))

    response = await api.client.get(markets_path(campaign_id), params={"useGeoJson": "TRUE"}, headers=api.supreme)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": located["point"], "properties": located},
            {"type": "Feature", "geometry": None, "properties": unlocated},
        ],
    }
    assert located["point"] == {"type": "Point", "coordinates": [-118.2437, 34.0522]}, "[longitude, latitude]"


async def test_list_with_a_bad_geojson_flag_is_400(api: Api) -> None:
    campaign_id = await new_campaign(api, "geo-flag")

    response = await api.client.get(markets_path(campaign_id), params={"useGeoJson": "maybe"}, headers=api.supreme)

    assert_problem(response, 400, "INVALID_QUERY", field="useGeoJson")


async def test_list_needs_read_and_an_existing_campaign(api: Api) -> None:
    campaign_id = await new_campaign(api, "list-guarded")

    ungranted = await api.client.get(markets_path(campaign_id), headers=grant(api, ABSENT_ID, "admin"))
    ungranted_absent = await api.client.get(markets_path(ABSENT_ID), headers=grant(api, campaign_id, "admin"))
    absent = await api.client.get(markets_path(ABSENT_ID), headers=grant(api, ABSENT_ID, "read"))

    assert_problem(ungranted, 403, "INVALID_CAMPAIGN_PERMISSIONS")
    assert_problem(ungranted_absent, 403, "INVALID_CAMPAIGN_PERMISSIONS")
    assert_problem(absent, 404, "CAMPAIGN_NOT_FOUND")


# --------------------------------------------------------------------------- get


async def test_get_answers_the_market(api: Api) -> None:
    campaign_id = await new_campaign(api, "get-market")
    market = await new_market(api, campaign_id)

    response = await api.client.get(markets_path(campaign_id, market["id"]), headers=grant(api, campaign_id, "read"))

    assert response.status_code == 200, response.text
    assert response.json() == market


async def test_get_of_a_market_not_under_the_campaign_is_404(api: Api) -> None:
    campaign_id = await new_campaign(api, "get-404")
    other_id = await new_campaign(api, "get-404-other")
    elsewhere = await new_market(api, other_id)

    under_other = await api.client.get(markets_path(campaign_id, elsewhere["id"]), headers=api.supreme)
    unknown = await api.client.get(markets_path(campaign_id, ABSENT_ID), headers=api.supreme)
    no_campaign = await api.client.get(markets_path(ABSENT_ID, elsewhere["id"]), headers=api.supreme)

    assert_problem(under_other, 404, "MARKET_NOT_FOUND")
    assert_problem(unknown, 404, "MARKET_NOT_FOUND")
    assert_problem(no_campaign, 404, "CAMPAIGN_NOT_FOUND")


async def test_get_needs_read_on_the_campaign(api: Api) -> None:
    campaign_id = await new_campaign(api, "get-guarded")
    market = await new_market(api, campaign_id)

    ungranted = await api.client.get(markets_path(campaign_id, market["id"]), headers=bearer(api.tokens.nobody()))
    through_other = await api.client.get(markets_path(ABSENT_ID, market["id"]), headers=grant(api, campaign_id, "read"))

    assert_problem(ungranted, 403, "INVALID_CAMPAIGN_PERMISSIONS")
    assert_problem(through_other, 403, "INVALID_CAMPAIGN_PERMISSIONS")


# --------------------------------------------------------------------------- update


async def test_update_merges_objects_replaces_arrays_and_ignores_read_only_fields(api: Api, clock: FixedClock) -> None:
    campaign_id = await new_campaign(api, "update-market")
    other_id = await new_campaign(api, "update-market-other")
    market = await new_market(api, campaign_id)
    clock.advance(timedelta(minutes=5))
    before = len(api.pending())

    response = await api.client.post(
        markets_path(campaign_id, market["id"]),
        json={
            "city": "Inglewood",
            "event": {"name": "Second show", "category_ids": ["c2", "c3"]},
            "promoterIds": [],
            "campaign_id": other_id,
            "id": ABSENT_ID,
            "date": {"created": "2001-01-01T00:00:00Z"},
        },
        headers=grant(api, campaign_id, "write"),
    )

    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["id"] == market["id"]
    assert updated["campaign_id"] == campaign_id
    assert updated["city"] == "Inglewood"
    assert updated["event"]["name"] == "Second show"
    assert updated["event"]["ids"] == market["event"]["ids"], "objects merge"
    assert updated["event"]["venue"] == market["event"]["venue"]
    assert updated["event"]["category_ids"] == ["c2", "c3"], "arrays replace"
    assert "promoterIds" not in updated
    assert updated["date"] == {"created": iso(START), "updated": iso(START + timedelta(minutes=5))}
    assert event_types(api.pending()[before:]) == ["market.updated", "campaign.event-mapping"], "no presale change"
    fetched = await api.client.get(markets_path(campaign_id, market["id"]), headers=api.supreme)
    assert fetched.json() == updated
    assert await listed(api, other_id) == []


async def test_changing_the_presale_emits_updated_and_presale_changed(api: Api, clock: FixedClock) -> None:
    campaign_id = await new_campaign(api, "presale-market")
    market = await new_market(api, campaign_id)
    clock.advance(timedelta(minutes=1))
    before = len(api.pending())
    new_presale = PRESALE + timedelta(days=2)

    response = await api.client.post(
        markets_path(campaign_id, market["id"]),
        json={"event": {"presaleDateTime": iso(new_presale)}},
        headers=api.supreme,
    )

    assert response.status_code == 200, response.text
    emitted = api.pending()[before:]
    assert event_types(emitted) == ["market.updated", "market.presale-changed", "campaign.event-mapping"]
    presale = emitted[1].event
    assert isinstance(presale, MarketPresaleChanged)
    assert presale.previous_presale_date_time == PRESALE
    assert presale.market.presale_at == new_presale
    assert presale.market.event_ids == market["event"]["ids"]


async def test_an_update_that_changes_nothing_writes_nothing(api: Api, clock: FixedClock) -> None:
    campaign_id = await new_campaign(api, "noop-market")
    market = await new_market(api, campaign_id)
    clock.advance(timedelta(minutes=1))
    before = len(api.pending())

    response = await api.client.post(markets_path(campaign_id, market["id"]), json=market, headers=api.supreme)

    assert response.status_code == 200, response.text
    assert response.json() == market, "a market read back posts back unchanged"
    assert len(api.pending()) == before


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"point": {"coordinates": [0, 91]}}, "point.coordinates.1"),
        ({"event": {"ids": []}}, "event.ids"),
        ({"event": {"category_ids": ["a", "b", "a"]}}, "event.category_ids.2"),
        ({"name": None}, "name"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_an_invalid_update_is_400_naming_the_field_and_writes_nothing(api: Api, patch: Json, field: str) -> None:
    campaign_id = await new_campaign(api, "bad-update")
    market = await new_market(api, campaign_id)
    before = len(api.pending())

    response = await api.client.post(markets_path(campaign_id, market["id"]), json=patch, headers=api.supreme)

    assert_problem(response, 400, "INVALID_MARKET_SCHEMA", field=field)
    assert await listed(api, campaign_id) == [market]
    assert len(api.pending()) == before


async def test_update_needs_write_and_the_market_under_the_campaign(api: Api) -> None:
    campaign_id = await new_campaign(api, "update-guarded")
    other_id = await new_campaign(api, "update-guarded-other")
    market = await new_market(api, campaign_id)
    path = markets_path(campaign_id, market["id"])
    before = len(api.pending())

    read_only = await api.client.post(path, json={"city": "X"}, headers=grant(api, campaign_id, "read"))
    ungranted_absent = await api.client.post(
        markets_path(ABSENT_ID, market["id"]), json={"city": "X"}, headers=grant(api, campaign_id, "write")
    )
    under_other = await api.client.post(
        markets_path(other_id, market["id"]), json={"city": "X"}, headers=grant(api, other_id, "write")
    )
    unknown = await api.client.post(markets_path(campaign_id, ABSENT_ID), json={"city": "X"}, headers=api.supreme)
    absent = await api.client.post(markets_path(ABSENT_ID, market["id"]), json={"city": "X"}, headers=api.supreme)

    assert_problem(read_only, 403, "INVALID_CAMPAIGN_PERMISSIONS")
    assert_problem(ungranted_absent, 403, "INVALID_CAMPAIGN_PERMISSIONS")
    assert_problem(under_other, 404, "MARKET_NOT_FOUND")
    assert_problem(unknown, 404, "MARKET_NOT_FOUND")
    assert_problem(absent, 404, "CAMPAIGN_NOT_FOUND")
    assert await listed(api, campaign_id) == [market]
    assert len(api.pending()) == before


# --------------------------------------------------------------------------- delete


async def test_delete_answers_204_then_the_market_is_gone(api: Api) -> None:
    campaign_id = await new_campaign(api, "delete-market")
    market = await new_market(api, campaign_id)
    kept_event = {**market_body()["event"], "ids": ["KEPT0000001"]}
    kept = await new_market(api, campaign_id, market_body("Kept", event=kept_event))
    before = len(api.pending())

    response = await api.client.delete(
        markets_path(campaign_id, market["id"]), headers=grant(api, campaign_id, "admin")
    )

    assert response.status_code == 204, response.text
    assert response.content == b""
    assert_problem(
        await api.client.get(markets_path(campaign_id, market["id"]), headers=api.supreme), 404, "MARKET_NOT_FOUND"
    )
    again = await api.client.delete(markets_path(campaign_id, market["id"]), headers=api.supreme)
    assert_problem(again, 404, "MARKET_NOT_FOUND")
    assert await listed(api, campaign_id) == [kept]
    deleted = api.pending()[before:]
    assert event_types(deleted) == ["market.deleted", "campaign.event-mapping"]
    assert isinstance(deleted[0].event, MarketDeleted)
    assert deleted[0].event.market.id == market["id"]
    mapping = deleted[1].event
    assert isinstance(mapping, CampaignEventIdsMapped)
    assert mapping.event_ids == ["KEPT0000001"], "the deleted market's events are gone from the mapping"


async def test_delete_needs_write_and_the_market_under_the_campaign(api: Api) -> None:
    campaign_id = await new_campaign(api, "delete-guarded")
    other_id = await new_campaign(api, "delete-guarded-other")
    market = await new_market(api, campaign_id)
    before = len(api.pending())

    read_only = await api.client.delete(
        markets_path(campaign_id, market["id"]), headers=grant(api, campaign_id, "read")
    )
    under_other = await api.client.delete(markets_path(other_id, market["id"]), headers=api.supreme)
    absent = await api.client.delete(markets_path(ABSENT_ID, market["id"]), headers=api.supreme)

    assert_problem(read_only, 403, "INVALID_CAMPAIGN_PERMISSIONS")
    assert_problem(under_other, 404, "MARKET_NOT_FOUND")
    assert_problem(absent, 404, "CAMPAIGN_NOT_FOUND")
    assert await listed(api, campaign_id) == [market]
    assert len(api.pending()) == before


# --------------------------------------------------------------------------- clone


async def test_clone_copies_the_markets_with_new_ids_and_same_names(api: Api, clock: FixedClock) -> None:
    source_id = await new_campaign(api, "clone-source")
    target_id = await new_campaign(api, "clone-target")
    boston = await new_market(api, source_id, market_body("Boston"))
    austin = await new_market(api, source_id, market_body("Austin", point=None))
    notify = {"marketIds": [boston["id"]], "notificationDate": iso(PRESALE - timedelta(days=1))}
    assert (await api.client.post("/markets/notifyDate", json=notify, headers=api.supreme)).status_code == 200
    existing = await new_market(api, target_id, market_body("Denver"))
    clock.advance(timedelta(hours=1))
    before = len(api.pending())
    token = bearer(api.tokens.mint({"userId": "m", "campaignActions": {target_id: ["write"], source_id: ["read"]}}))

    response = await api.client.post(
        markets_path(target_id, "clones"), json={"fromCampaignId": source_id}, headers=token
    )

    assert response.status_code == 200, response.text
    cloned = response.json()["cloned"]
    assert [market["name"] for market in cloned] == ["Boston", "Austin"]
    assert {market["id"] for market in cloned}.isdisjoint({boston["id"], austin["id"]})
    assert all(market["campaign_id"] == target_id for market in cloned)
    assert all(market["date"] == {"created": iso(clock.now()), "updated": iso(clock.now())} for market in cloned)
    assert all("notification" not in market for market in cloned), "the source's reminders stay with it"
    for copy, original in zip(cloned, (boston, austin), strict=True):
        unchanged = {key: value for key, value in original.items() if key not in {"id", "campaign_id", "date"}}
        assert {key: copy[key] for key in unchanged} == unchanged
    assert await listed(api, target_id) == [existing, *cloned]
    assert [market["name"] for market in await listed(api, source_id)] == ["Boston", "Austin"]
    created = api.pending()[before:]
    assert event_types(created) == ["market.created", "market.created", "campaign.event-mapping"]
    events = [entry.event for entry in created]
    assert [event.market.id for event in events if isinstance(event, MarketCreated)] == [m["id"] for m in cloned]
    assert {entry.event.aggregate_id for entry in created} == {target_id}


async def test_clone_of_a_campaign_without_markets_clones_nothing(api: Api) -> None:
    source_id = await new_campaign(api, "clone-empty-source")
    target_id = await new_campaign(api, "clone-empty-target")

    response = await api.client.post(
        markets_path(target_id, "clones"), json={"fromCampaignId": source_id}, headers=api.supreme
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"cloned": []}


async def test_clone_with_a_name_clash_clones_nothing(api: Api) -> None:
    source_id = await new_campaign(api, "clash-source")
    target_id = await new_campaign(api, "clash-target")
    await new_market(api, source_id, market_body("Boston"))
    await new_market(api, source_id, market_body("Chicago"))
    target_markets = [await new_market(api, target_id, market_body("Chicago"))]
    before = len(api.pending())

    response = await api.client.post(
        markets_path(target_id, "clones"), json={"fromCampaignId": source_id}, headers=api.supreme
    )

    body = assert_problem(response, 409, "MARKET_NAME_EXISTS")
    assert "Chicago" in body["detail"]
    assert await listed(api, target_id) == target_markets, "all or nothing: Boston was not cloned either"
    assert len(api.pending()) == before


async def test_clone_needs_write_on_the_target_and_read_on_the_source(api: Api) -> None:
    source_id = await new_campaign(api, "clone-guard-source")
    target_id = await new_campaign(api, "clone-guard-target")
    await new_market(api, source_id)

    def token(actions: dict[str, list[str]]) -> dict[str, str]:
        return bearer(api.tokens.mint({"userId": "m", "campaignActions": actions}))

    refused = [
        token({target_id: ["read"], source_id: ["read"]}),  # no write on the target
        token({target_id: ["write"]}),  # nothing on the source
        token({source_id: ["admin"]}),  # nothing on the target
    ]
    for headers in refused:
        response = await api.client.post(
            markets_path(target_id, "clones"), json={"fromCampaignId": source_id}, headers=headers
        )
        assert_problem(response, 403, "INVALID_CAMPAIGN_PERMISSIONS")
    ungranted_absent = await api.client.post(
        markets_path(target_id, "clones"), json={"fromCampaignId": ABSENT_ID}, headers=token({target_id: ["write"]})
    )
    assert_problem(ungranted_absent, 403, "INVALID_CAMPAIGN_PERMISSIONS")
    assert await listed(api, target_id) == []


async def test_clone_from_or_into_an_absent_campaign_is_404(api: Api) -> None:
    campaign_id = await new_campaign(api, "clone-404")
    await new_market(api, campaign_id)
    granted = bearer(api.tokens.mint({"userId": "m", "campaignActions": {campaign_id: ["write"], ABSENT_ID: ["read"]}}))

    from_absent = await api.client.post(
        markets_path(campaign_id, "clones"), json={"fromCampaignId": ABSENT_ID}, headers=granted
    )
    into_absent = await api.client.post(
        markets_path(ABSENT_ID, "clones"), json={"fromCampaignId": campaign_id}, headers=api.supreme
    )

    assert_problem(from_absent, 404, "CAMPAIGN_NOT_FOUND")
    assert_problem(into_absent, 404, "CAMPAIGN_NOT_FOUND")


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "fromCampaignId"), ({"fromCampaignId": 5}, "fromCampaignId"), ({"fromCampaignId": "x", "also": 1}, "also")],
)
async def test_an_invalid_clone_body_is_400(api: Api, body: Json, field: str) -> None:
    target_id = await new_campaign(api, "clone-bad-body")

    response = await api.client.post(markets_path(target_id, "clones"), json=body, headers=api.supreme)

    assert_problem(response, 400, "INVALID_MARKET_SCHEMA", field=field)


# --------------------------------------------------------------------------- 401


@pytest.mark.parametrize(
    ("method", "rest", "body"),
    [
        ("GET", (), None),
        ("POST", (), market_body()),
        ("POST", ("clones",), {"fromCampaignId": ABSENT_ID}),
        ("GET", (ABSENT_ID,), None),
        ("POST", (ABSENT_ID,), {"city": "X"}),
        ("DELETE", (ABSENT_ID,), None),
    ],
)
async def test_every_market_route_needs_a_token(
    api: Api, method: str, rest: tuple[str, ...], body: Json | None
) -> None:
    campaign_id = await new_campaign(api, "no-token")
    content = json.dumps(body).encode() if body is not None else None

    response = await api.client.request(
        method, markets_path(campaign_id, *rest), content=content, headers={"content-type": "application/json"}
    )

    assert_problem(response, 401, "UNAUTHENTICATED")


# --------------------------------------------------------------------------- campaigns found through their markets


async def test_campaigns_for_an_event_include_those_linked_through_a_market(api: Api) -> None:
    window = {"presaleWindowStart": iso(PRESALE - timedelta(days=1)), "presaleWindowEnd": iso(PRESALE)}
    through_market = await api.create(valid_campaign_body("through-market", date=window))
    await api.update(through_market["id"], {"status": "OPEN"})
    await new_market(api, through_market["id"], market_body(event={"ids": ["ev-market"]}))
    unlinked = await api.create(valid_campaign_body("unlinked", date=window))
    await api.update(unlinked["id"], {"status": "OPEN"})

    found = await api.client.get("/campaigns/events", params={"eventId": "ev-market"}, headers=api.supreme)

    assert found.status_code == 200, found.text
    assert [c["id"] for c in found.json()] == [through_market["id"]]


async def test_a_deleted_market_no_longer_links_its_campaign_to_the_event(api: Api) -> None:
    window = {"presaleWindowStart": iso(PRESALE - timedelta(days=1)), "presaleWindowEnd": iso(PRESALE)}
    campaign = await api.create(valid_campaign_body("unlinking", date=window))
    await api.update(campaign["id"], {"status": "OPEN"})
    market = await new_market(api, campaign["id"], market_body(event={"ids": ["ev-gone"]}))

    deleted = await api.client.delete(markets_path(campaign["id"], market["id"]), headers=api.supreme)
    found = await api.client.get("/campaigns/events", params={"eventId": "ev-gone"}, headers=api.supreme)

    assert deleted.status_code == 204, deleted.text
    assert found.json() == []
