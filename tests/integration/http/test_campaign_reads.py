"""Reading campaigns: by domain, by id, lists, event and category lookups, FAQs, terms and contacts."""

from __future__ import annotations

import pytest

from tests.integration.http.support import (
    FAQ_ID,
    Api,
    Client,
    Json,
    assert_problem,
    bearer,
    valid_campaign_body,
)

pytestmark = pytest.mark.integration

WINDOW = {"presaleWindowStart": "2030-02-01T10:00:00Z", "presaleWindowEnd": "2030-02-03T10:00:00Z"}
"""A presale window two weeks after the test clock's start."""


def _range(start: str, end: str) -> dict[str, str]:
    return {"presaleQueryStartDate": start, "presaleQueryEndDate": end}


# --------------------------------------------------------------------------- by domain


async def test_get_by_domain_returns_the_default_locale_only(api: Api, client: Client) -> None:
    created = await api.create(valid_campaign_body("by-domain"))

    response = await client.get("/campaigns", params={"domain": "by-domain"}, headers=api.supreme)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == created["id"]
    assert list(body["content"]) == ["en"]
    assert response.headers["etag"] == '"1"'
    assert response.headers["surrogate-key"].split() == [f"campaign-{created['id']}", "domain-by-domain"]


async def test_get_by_domain_selects_a_locale_or_all_of_them(api: Api, client: Client) -> None:
    await api.create(valid_campaign_body("locales"))

    french = await client.get("/campaigns", params={"domain": "locales", "locale": "fr-CA"}, headers=api.supreme)
    unknown = await client.get("/campaigns", params={"domain": "locales", "locale": "de"}, headers=api.supreme)
    every = await client.get("/campaigns", params={"domain": "locales", "showAllLocales": "true"}, headers=api.supreme)

    assert list(french.json()["content"]) == ["fr-CA"]
    assert french.json()["content"]["fr-CA"]["faqs"][FAQ_ID]["answer"] == "Bientôt."
    assert list(unknown.json()["content"]) == ["en"]  # fallback: the default locale
    assert sorted(every.json()["content"]) == ["en", "fr-CA"]


async def test_get_by_unknown_domain_is_404(client: Client, supreme: dict[str, str]) -> None:
    assert_problem(
        await client.get("/campaigns", params={"domain": "nobody-here"}, headers=supreme), 404, "CAMPAIGN_NOT_FOUND"
    )
    assert_problem(
        await client.get("/campaigns/status", params={"domain": "nobody-here"}, headers=supreme),
        404,
        "CAMPAIGN_NOT_FOUND",
    )


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/campaigns", "domain"),
        ("/campaigns/status", "domain"),
        ("/campaigns/events", "eventId"),
        ("/campaigns/ids", "categoryIds"),
    ],
)
async def test_a_missing_required_query_parameter_is_400(
    client: Client, supreme: dict[str, str], path: str, field: str
) -> None:
    body = assert_problem(await client.get(path, headers=supreme), 400, "INVALID_QUERY")
    assert field in str(body), body


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/campaigns", "domain"),
        ("/campaigns/status", "domain"),
        ("/campaigns/events", "eventId"),
        ("/campaigns/ids", "categoryIds"),
    ],
)
async def test_a_missing_required_query_parameter_is_named(
    client: Client, supreme: dict[str, str], path: str, field: str
) -> None:
    assert_problem(await client.get(path, headers=supreme), 400, "INVALID_QUERY", field=field)


async def test_status_by_domain(api: Api, client: Client) -> None:
    created = await api.create(valid_campaign_body("status-domain", status="PREVIEW"))

    response = await client.get("/campaigns/status", params={"domain": "status-domain"}, headers=api.supreme)

    assert response.status_code == 200
    assert response.json() == {"id": created["id"], "status": "PREVIEW"}


async def test_lookup_by_domain_sees_a_domain_change_at_once(api: Api, client: Client) -> None:
    created = await api.create(valid_campaign_body("old-name"))
    assert (await client.get("/campaigns", params={"domain": "old-name"}, headers=api.supreme)).status_code == 200

    await api.update(created["id"], {"domain": {"site": "new-name"}})

    old = await client.get("/campaigns", params={"domain": "old-name"}, headers=api.supreme)
    new = await client.get("/campaigns", params={"domain": "new-name"}, headers=api.supreme)
    assert_problem(old, 404, "CAMPAIGN_NOT_FOUND")
    assert new.json()["id"] == created["id"]
    assert new.headers["etag"] == '"2"'


# --------------------------------------------------------------------------- by id


async def test_get_by_id_with_etag(api: Api, client: Client) -> None:
    created = await api.create(valid_campaign_body("by-id"))

    response = await client.get(f"/campaigns/{created['id']}", params={"showAllLocales": "1"}, headers=api.supreme)

    assert response.status_code == 200
    assert response.json() == created
    assert sorted(response.json()["content"]) == ["en", "fr-CA"]
    assert response.headers["etag"] == '"1"'
    assert f"campaign-{created['id']}" in response.headers["surrogate-key"].split()


async def test_status_with_history(api: Api, client: Client) -> None:
    created = await api.create(valid_campaign_body("history"))
    await api.update(created["id"], {"status": "PREVIEW"})

    response = await client.get(f"/campaigns/{created['id']}/status", headers=api.supreme)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == created["id"]
    assert body["status"] == "PREVIEW"
    assert [(entry["status"], entry["by"]) for entry in body["statusHistory"]] == [
        ("DRAFT", "admin"),
        ("PREVIEW", "admin"),
    ]


# --------------------------------------------------------------------------- list


async def _four_campaigns(api: Api) -> dict[str, Json]:
    return {
        "alpha": await api.create(
            valid_campaign_body("alpha", name="Alpha Tour", artist={"id": "artist-1", "name": "Ann"})
        ),
        "bravo": await api.create(
            valid_campaign_body("bravo", name="Bravo Nights", status="PREVIEW", artist={"id": "artist-2"})
        ),
        "charlie": await api.create(
            valid_campaign_body("charlie", name="Charlie Fans", type="fanlist", artist={"id": "artist-1"})
        ),
        "delta": await api.create(
            valid_campaign_body("delta", name="Delta Legacy", schema={"version": "1"}, artist={"id": "artist-3"})
        ),
    }


async def _list(client: Client, headers: dict[str, str], **params: str) -> Json:
    response = await client.get("/campaigns/list", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: Json = response.json()
    return body


def _names(page: Json) -> list[str]:
    return [campaign["name"] for campaign in page["campaigns"]]


async def test_list_defaults(api: Api, client: Client) -> None:
    await _four_campaigns(api)

    page = await _list(client, api.supreme)

    assert page["pagination"] == {"page": 0, "pageSize": 10, "total": 4}
    assert len(page["campaigns"]) == 4
    assert all("passwordHash" not in campaign for campaign in page["campaigns"])


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"q": "bravo"}, ["Bravo Nights"]),
        ({"q": "TOUR"}, ["Alpha Tour"]),
        ({"q": "ann"}, ["Alpha Tour"]),  # artist name
        ({"type": "fanlist"}, ["Charlie Fans"]),
        ({"type": "registration"}, ["Alpha Tour", "Bravo Nights", "Delta Legacy"]),
        ({"version": "v1"}, ["Delta Legacy"]),
        ({"version": "2"}, ["Alpha Tour", "Bravo Nights", "Charlie Fans"]),
        ({"artistId": "artist-1"}, ["Alpha Tour", "Charlie Fans"]),
        ({"status": "PREVIEW"}, ["Bravo Nights"]),
        ({"status": "OPEN"}, []),
        ({"q": "zzz"}, []),
    ],
)
async def test_list_filters(api: Api, client: Client, params: dict[str, str], names: list[str]) -> None:
    await _four_campaigns(api)

    page = await _list(client, api.supreme, sortBy="name", sortDirection="asc", **params)

    assert _names(page) == names
    assert page["pagination"]["total"] == len(names)


async def test_list_sorts_and_pages(api: Api, client: Client) -> None:
    await _four_campaigns(api)
    everything = ["Alpha Tour", "Bravo Nights", "Charlie Fans", "Delta Legacy"]

    descending = await _list(client, api.supreme, sortBy="name", sortDirection="desc")
    pages = [
        await _list(client, api.supreme, sortBy="name", sortDirection="asc", pageSize="3", page=str(n))
        for n in range(3)
    ]

    assert _names(descending) == everything[::-1]
    assert [_names(page) for page in pages] == [everything[:3], everything[3:], []]
    assert [page["pagination"] for page in pages] == [{"page": n, "pageSize": 3, "total": 4} for n in range(3)]


async def test_list_sorted_by_status(api: Api, client: Client) -> None:
    await _four_campaigns(api)

    page = await _list(client, api.supreme, sortBy="status", sortDirection="asc")

    assert [c["status"] for c in page["campaigns"]] == ["DRAFT", "DRAFT", "DRAFT", "PREVIEW"]


# --------------------------------------------------------------------------- events, event ids, category ids


async def _event_campaigns(api: Api) -> dict[str, Json]:
    linked = await api.create(valid_campaign_body("linked", eventIds=["ev-1", "ev-2"], date=WINDOW, categoryId="cat-1"))
    await api.update(linked["id"], {"status": "OPEN"})
    draft = await api.create(valid_campaign_body("draft-linked", eventIds=["ev-1"], date=WINDOW, categoryId="cat-2"))
    windowless = await api.create(valid_campaign_body("windowless", eventIds=["ev-1"]))
    await api.update(windowless["id"], {"status": "OPEN"})
    later = {"presaleWindowStart": "2030-06-01T00:00:00Z", "presaleWindowEnd": "2030-06-02T00:00:00Z"}
    other = await api.create(valid_campaign_body("other", eventIds=["ev-9"], date=later, categoryId="cat-9"))
    return {"linked": linked, "draft": draft, "windowless": windowless, "other": other}


async def test_campaigns_for_an_event(api: Api, client: Client) -> None:
    campaigns = await _event_campaigns(api)

    response = await client.get("/campaigns/events", params={"eventId": "ev-1"}, headers=api.supreme)
    nothing = await client.get("/campaigns/events", params={"eventId": "ev-404"}, headers=api.supreme)

    assert response.status_code == 200, response.text
    assert [c["id"] for c in response.json()] == [campaigns["linked"]["id"]]
    assert response.json()[0]["status"] == "OPEN"
    assert nothing.json() == []


async def test_event_ids_of_overlapping_presale_windows(api: Api, client: Client) -> None:
    await _event_campaigns(api)

    overlapping = await client.get(
        "/campaigns/eventIds", params=_range("2030-02-02T00:00:00Z", "2030-02-10T00:00:00Z"), headers=api.supreme
    )
    with_offset = await client.get(
        "/campaigns/eventIds",
        params=_range("2030-06-01T12:00:00+02:00", "2030-06-01T13:00:00+02:00"),
        headers=api.supreme,
    )
    before = await client.get(
        "/campaigns/eventIds", params=_range("2030-01-01T00:00:00Z", "2030-01-31T00:00:00Z"), headers=api.supreme
    )

    assert overlapping.status_code == 200, overlapping.text
    assert sorted(overlapping.json()) == ["ev-1", "ev-2"]
    assert with_offset.json() == ["ev-9"]
    assert before.json() == []


async def test_category_ids_of_overlapping_presale_windows(api: Api, client: Client) -> None:
    await _event_campaigns(api)

    response = await client.get(
        "/campaigns/categoryIds", params=_range("2030-01-01T00:00:00Z", "2030-12-31T00:00:00Z"), headers=api.supreme
    )
    narrow = await client.get(
        "/campaigns/categoryIds", params=_range("2030-06-01T06:00:00Z", "2030-06-01T07:00:00Z"), headers=api.supreme
    )

    assert response.status_code == 200, response.text
    assert sorted(response.json()) == ["cat-1", "cat-2", "cat-9"]
    assert narrow.json() == ["cat-9"]


@pytest.mark.parametrize("path", ["/campaigns/eventIds", "/campaigns/categoryIds"])
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "presaleQueryStartDate"),
        ({"presaleQueryStartDate": "2030-01-01T00:00:00Z"}, "presaleQueryEndDate"),
        ({"presaleQueryEndDate": "2030-01-01T00:00:00Z"}, "presaleQueryStartDate"),
        (_range("2030-02-01T00:00:00Z", "2030-01-01T00:00:00Z"), "presaleQueryEndDate"),
        (_range("not-a-date", "2030-01-01T00:00:00Z"), "presaleQueryStartDate"),
        (_range("2030-01-01T00:00:00Z", "2030-13-01T00:00:00Z"), "presaleQueryEndDate"),
    ],
)
async def test_presale_queries_need_both_dates_in_order(
    client: Client, supreme: dict[str, str], path: str, params: dict[str, str], field: str
) -> None:
    assert_problem(await client.get(path, params=params, headers=supreme), 400, "INVALID_QUERY", field=field)


async def test_campaign_ids_by_category(api: Api, client: Client) -> None:
    campaigns = await _event_campaigns(api)

    both = await client.get("/campaigns/ids", params={"categoryIds": "cat-1,cat-9"}, headers=api.supreme)
    spaced = await client.get("/campaigns/ids", params={"categoryIds": " cat-2 , ,"}, headers=api.supreme)
    none = await client.get("/campaigns/ids", params={"categoryIds": "cat-404"}, headers=api.supreme)

    assert both.status_code == 200, both.text
    assert sorted(both.json()) == sorted([campaigns["linked"]["id"], campaigns["other"]["id"]])
    assert spaced.json() == [campaigns["draft"]["id"]]
    assert none.json() == []


async def test_campaign_ids_by_category_with_only_separators_is_empty(client: Client, supreme: dict[str, str]) -> None:
    response = await client.get("/campaigns/ids", params={"categoryIds": ",,"}, headers=supreme)

    assert response.status_code == 200
    assert response.json() == []


# --------------------------------------------------------------------------- FAQs, terms, contacts


async def test_faqs_of_a_locale(api: Api, client: Client) -> None:
    created = await api.create(valid_campaign_body("faqs"))
    reader = bearer(api.tokens.for_campaign(created["id"], ["read"]))

    default = await client.get(f"/campaigns/{created['id']}/faqs", headers=reader)
    french = await client.get(f"/campaigns/{created['id']}/faqs", params={"locale": "fr-CA"}, headers=reader)

    assert default.status_code == 200, default.text
    assert default.json() == {
        "locale": "en",
        "landing": {"open": [{"id": FAQ_ID, "question": "When?", "answer": "Soon."}], "closed": []},
        "confirmation": {"open": [], "closed": [], "activePresale": []},
    }
    assert french.json()["locale"] == "fr-CA"
    assert french.json()["landing"]["open"] == [{"id": FAQ_ID, "question": "Quand?", "answer": "Bientôt."}]


async def test_faqs_of_an_unknown_locale_fall_back_to_the_default(api: Api, client: Client) -> None:
    created = await api.create(valid_campaign_body("faqs-locale"))

    response = await client.get(f"/campaigns/{created['id']}/faqs", params={"locale": "de"}, headers=api.supreme)

    assert response.status_code == 200, response.text
    assert response.json()["locale"] == "en"
    assert response.json()["landing"]["open"] == [{"id": FAQ_ID, "question": "When?", "answer": "Soon."}]


async def test_placing_faqs(api: Api, client: Client) -> None:
    created = await api.create(valid_campaign_body("place-faqs"))
    writer = bearer(api.tokens.for_campaign(created["id"], ["write"]))
    placement = {"landing": {"open": [], "closed": [FAQ_ID]}, "confirmation": {"activePresale": [FAQ_ID]}}

    response = await client.post(
        f"/campaigns/{created['id']}/faqs", params={"locale": "fr-CA"}, json=placement, headers=writer
    )

    assert response.status_code == 200, response.text
    assert response.json()["success"] is True
    assert response.json()["locale"] == "fr-CA"
    assert response.json()["landing"]["open"] == []
    assert [faq["question"] for faq in response.json()["landing"]["closed"]] == ["Quand?"]
    assert [faq["id"] for faq in response.json()["confirmation"]["activePresale"]] == [FAQ_ID]
    stored = await api.campaign(created["id"])
    assert stored["faqs"]["landing"] == {"open": [], "closed": [FAQ_ID]}
    assert stored["version"] == 2


async def test_placing_an_undefined_faq_is_400(api: Api, client: Client) -> None:
    created = await api.create(valid_campaign_body("bad-faqs"))

    response = await client.post(
        f"/campaigns/{created['id']}/faqs", json={"landing": {"open": ["ghost"]}}, headers=api.supreme
    )

    assert_problem(response, 400, "INVALID_CAMPAIGN_SCHEMA", field="faqs.landing.open.0")
    assert (await api.campaign(created["id"]))["version"] == 1


async def test_terms_of_a_locale(api: Api, client: Client) -> None:
    created = await api.create(valid_campaign_body("terms"))
    cid = created["id"]

    default = await client.get(f"/campaigns/{cid}/terms", headers=api.supreme)
    updated = await client.post(
        f"/campaigns/{cid}/terms",
        params={"locale": "fr-CA"},
        json={"terms": "Nouvelles conditions."},
        headers=api.supreme,
    )
    french = await client.get(f"/campaigns/{cid}/terms", params={"locale": "fr-CA"}, headers=api.supreme)
    unknown = await client.get(f"/campaigns/{cid}/terms", params={"locale": "de"}, headers=api.supreme)

    assert default.json() == {"locale": "en", "terms": "Terms in English."}
    assert updated.status_code == 200, updated.text
    assert updated.json() == {"locale": "fr-CA", "terms": "Nouvelles conditions."}
    assert french.json() == {"locale": "fr-CA", "terms": "Nouvelles conditions."}
    assert unknown.json() == {"locale": "en", "terms": "Terms in English."}  # fallback: the default locale
    stored = await api.campaign(cid)
    assert stored["content"]["en"]["terms"] == "Terms in English."
    assert stored["content"]["fr-CA"]["faqs"][FAQ_ID]["question"] == "Quand?"


async def test_contacts(api: Api, client: Client) -> None:
    created = await api.create(valid_campaign_body("contacts", contacts=["c-1"]))
    cid = created["id"]
    contacts = ["c-2", {"_id": "c-3", "name": "Pat", "email": "pat@example.com"}]

    before = await client.get(f"/campaigns/{cid}/contacts", headers=api.supreme)
    replaced = await client.post(f"/campaigns/{cid}/contacts", json=contacts, headers=api.supreme)
    after = await client.get(f"/campaigns/{cid}/contacts", headers=api.supreme)

    assert before.json() == ["c-1"]
    assert replaced.status_code == 200, replaced.text
    assert after.json() == replaced.json()
    first, second = replaced.json()
    assert first == "c-2"
    assert second.items() >= {"_id": "c-3", "name": "Pat", "email": "pat@example.com"}.items()
    assert (await api.campaign(cid))["contacts"] == replaced.json()
