"""What a stored campaign or market may hold (spec §3 "Identifiers, time, JSON"), through the real app on both stores.

Whatever is stored can be read and POSTed back: a write that would store a document larger than the
1 MiB body limit is a 413 and changes nothing. Keys MongoDB cannot store are refused in every
profile, and `referenceTimezone` is a zone name as a market's `timezone` is.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from campaigns.domain.documents import MAX_DOCUMENT_BYTES
from tests.integration.http.support import Api, Client, assert_problem, event_types, valid_campaign_body
from tests.integration.http.test_markets import market_body

pytestmark = pytest.mark.integration

JSON = {"content-type": "application/json"}
CHUNK = 300_000
"""Each growing write is well under the body limit; several of them add up past it."""


async def _stored(api: Api, path: str) -> bytes:
    """The document as a read answers it (a campaign with every locale): what a client would POST back."""
    response = await api.client.get(path, params={"showAllLocales": "true"}, headers=api.supreme)
    assert response.status_code == 200, response.text
    return response.content


def _assert_too_large(response: Any) -> None:
    body = assert_problem(response, 413, "PAYLOAD_TOO_LARGE")
    assert str(MAX_DOCUMENT_BYTES) in body["detail"], body


async def test_a_campaign_grown_by_writes_stops_at_the_body_limit_and_can_be_posted_back(
    api: Api, client: Client
) -> None:
    campaign_id = (await api.create(valid_campaign_body("grown")))["id"]
    path = f"/campaigns/{campaign_id}"
    for locale in ("de", "es", "it"):
        await api.update(campaign_id, {"content": {locale: {"terms": "x" * CHUNK}}})
    await api.update(campaign_id, {"content": {"en": {"terms": ""}}})
    room = MAX_DOCUMENT_BYTES - len(await _stored(api, path))

    filled = await client.post(
        f"{path}/terms", params={"locale": "en"}, json={"terms": "y" * room}, headers=api.supreme
    )
    full = await _stored(api, path)
    events = event_types(api.pending())
    over_by_terms = await client.post(
        f"{path}/terms", params={"locale": "en"}, json={"terms": "y" * (room + 1)}, headers=api.supreme
    )
    over_by_update = await client.post(path, json={"name": "One character longer"}, headers=api.supreme)
    over_by_faq = await client.post(
        path, json={"content": {"fr-CA": {"faqs": {"f": {"question": "?", "answer": "!"}}}}}, headers=api.supreme
    )

    assert filled.status_code == 200, filled.text
    assert len(full) == MAX_DOCUMENT_BYTES, "a document of exactly the limit is still stored"
    for refused in (over_by_terms, over_by_update, over_by_faq):
        _assert_too_large(refused)
    assert await _stored(api, path) == full
    assert event_types(api.pending()) == events, "a refused write emits nothing"
    posted_back = await client.post(path, content=full, headers={**api.supreme, **JSON})
    assert posted_back.status_code == 200, posted_back.text
    assert await _stored(api, path) == full, "writing back what was read changes nothing"


async def test_a_campaign_created_over_the_limit_as_served_is_a_413_and_nothing_is_stored(
    api: Api, client: Client
) -> None:
    bare = len(msgspec.json.encode(valid_campaign_body("too-big", extensions={"blob": ""})))
    body = msgspec.json.encode(valid_campaign_body("too-big", extensions={"blob": "z" * (MAX_DOCUMENT_BYTES - bare)}))
    assert len(body) == MAX_DOCUMENT_BYTES, "the body itself is within the limit"

    response = await client.post("/campaigns", content=body, headers={**api.supreme, **JSON})
    over_the_body_limit = await client.post(
        "/campaigns", content=b" " * MAX_DOCUMENT_BYTES + b"{}", headers={**api.supreme, **JSON}
    )

    _assert_too_large(response)
    _assert_too_large(over_the_body_limit)
    assert await api.total() == 0


async def test_a_market_stops_at_the_body_limit_on_create_and_update_and_can_be_posted_back(
    api: Api, client: Client
) -> None:
    campaign_id = (await api.create(valid_campaign_body("markets-grown")))["id"]
    markets = f"/campaigns/{campaign_id}/markets"
    probe = await client.post(markets, json=market_body("p"), headers=api.supreme)
    assert probe.status_code == 201, probe.text
    name_room = MAX_DOCUMENT_BYTES - len(probe.content) + len("p")

    def create(name_length: int) -> Any:
        body = msgspec.json.encode(market_body("n" * name_length))  # compact: the body itself stays under the limit
        return client.post(markets, content=body, headers={**api.supreme, **JSON})

    over_on_create = await create(name_room + 1)
    listed = (await client.get(markets, headers=api.supreme)).json()["markets"]
    full = await create(name_room)
    market_path = f"{markets}/{full.json()['id']}"
    over_on_update = await client.post(market_path, json={"city": "Los Angeles!"}, headers=api.supreme)
    stored = await client.get(market_path, headers=api.supreme)

    _assert_too_large(over_on_create)
    assert [market["name"] for market in listed] == ["p"], "nothing was created"
    assert full.status_code == 201, full.text
    assert len(full.content) == MAX_DOCUMENT_BYTES
    _assert_too_large(over_on_update)
    assert stored.content == full.content
    posted_back = await client.post(market_path, content=stored.content, headers={**api.supreme, **JSON})
    assert posted_back.status_code == 200, posted_back.text
    assert posted_back.content == full.content


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"share": {"a\u0000b": 1}}, 'share["a\\u0000b"]'),
        ({"extensions": {"$where": "1"}}, 'extensions["$where"]'),
        ({"groups": [{"vip.tier": 1}]}, 'groups.0["vip.tier"]'),
        ({"content": {"en": {"landing": {"hero": {"a.b": "x"}}}}}, 'content.en.landing.hero["a.b"]'),
        *(
            ({"referenceTimezone": zone}, "referenceTimezone")
            for zone in ("Mars/Olympus_Mons", "not a zone", "", "utc")
        ),
    ],
)
async def test_an_unstorable_key_or_a_zone_that_is_no_iana_name_is_a_400_naming_it_and_nothing_is_written(
    api: Api, client: Client, patch: dict[str, Any], field: str
) -> None:
    existing = await api.create(valid_campaign_body("checked", referenceTimezone="Europe/Paris"))

    on_create = await client.post("/campaigns", json=valid_campaign_body("other", **patch), headers=api.supreme)
    on_update = await client.post(f"/campaigns/{existing['id']}", json=patch, headers=api.supreme)

    assert_problem(on_create, 400, "INVALID_CAMPAIGN_SCHEMA", field=field)
    assert_problem(on_update, 400, "INVALID_CAMPAIGN_SCHEMA", field=field)
    assert await api.total() == 1
    assert await api.campaign(existing["id"]) == existing


async def test_a_reference_timezone_of_the_iana_database_is_stored_and_null_clears_it(api: Api) -> None:
    existing = await api.create(valid_campaign_body("zoned", referenceTimezone="America/Argentina/Buenos_Aires"))

    cleared = await api.update(existing["id"], {"referenceTimezone": None})

    assert existing["referenceTimezone"] == "America/Argentina/Buenos_Aires"
    assert "referenceTimezone" not in cleared
