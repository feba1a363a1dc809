"""Locale views and round trips (spec §3 "Locale views", "Round trip") through the real app.

Every campaign in a response shows one locale (`content`, each `preferences[].label`, and
`currentLocale` naming it) unless `showAllLocales=true`; a client may POST back what it read.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from campaigns.domain.campaign import Campaign
from campaigns.main.container import Container, resolve
from tests.integration.http.support import FAQ_ID, Api, Client, Json, assert_problem, bearer, valid_campaign_body

pytestmark = pytest.mark.integration

LABELS = {"en": "Email", "fr-CA": "Courriel"}
WINDOW = {"presaleWindowStart": "2030-02-01T10:00:00Z", "presaleWindowEnd": "2030-02-03T10:00:00Z"}


def bilingual(site: str, **fields: Any) -> Json:
    """Two content locales (`en` the default) and a preference labelled in both."""
    preferences = [{"id": "email", "type": "email", "is_optional": False, "label": LABELS}]
    return valid_campaign_body(site, preferences=preferences, **fields)


async def _get(client: Client, api: Api, path: str, **params: str) -> Json:
    response = await client.get(path, params=params, headers=api.supreme)
    assert response.status_code == 200, response.text
    body: Json = response.json()
    return body


def _shown(campaign: Json) -> tuple[Any, list[str], Any]:
    """What a locale view is about: `currentLocale`, the content locales, the labels."""
    return campaign.get("currentLocale"), list(campaign["content"]), campaign["preferences"][0]["label"]


# --------------------------------------------------------------------------- which locale


async def test_by_id_shows_the_requested_locale_only(api: Api, client: Client) -> None:
    created = await api.create(bilingual("by-id-locale"))

    french = await _get(client, api, f"/campaigns/{created['id']}", locale="fr-CA")

    assert _shown(french) == ("fr-CA", ["fr-CA"], {"fr-CA": "Courriel"})
    assert french["content"]["fr-CA"]["faqs"][FAQ_ID]["answer"] == "Bientôt."
    assert french["locales"] == created["locales"]  # the locales a campaign offers are not narrowed


async def test_the_requested_locale_matches_in_any_case_by_id_and_by_domain(api: Api, client: Client) -> None:
    created = await api.create(bilingual("any-case"))

    by_id = await _get(client, api, f"/campaigns/{created['id']}", locale="FR-ca")
    by_domain = await _get(client, api, "/campaigns", domain="any-case", locale="fr-ca")

    assert _shown(by_id) == _shown(by_domain) == ("fr-CA", ["fr-CA"], {"fr-CA": "Courriel"})


async def test_an_unknown_or_absent_locale_shows_the_default_one(api: Api, client: Client) -> None:
    locales = [{"id": "en", "is_default": False}, {"id": "fr-CA", "is_default": True}]
    created = await api.create(bilingual("fallback", locales=locales))
    path = f"/campaigns/{created['id']}"

    for shown in (await _get(client, api, path, locale="de"), await _get(client, api, path)):
        assert _shown(shown) == ("fr-CA", ["fr-CA"], {"fr-CA": "Courriel"})  # the default, not the first
    assert _shown(await _get(client, api, "/campaigns", domain="fallback", locale="xx")) == _shown(shown)


async def _store_as_is(container: Container, document: Json) -> None:
    """A document written straight to the store, unvalidated, as data migrated from the legacy may be."""
    async with (await resolve(container.store.unit_of_work))() as uow:
        await uow.campaigns.add(msgspec.convert(document, Campaign))
        await uow.commit()


async def test_a_stored_campaign_without_a_default_locale_shows_its_first_one(
    api: Api, client: Client, container: Container
) -> None:
    legacy = {
        **bilingual("no-default"),
        "id": "5f0000000000000000000001",
        "version": 1,
        "locales": [{"id": "fr-CA", "is_default": False}, {"id": "en", "is_default": False}],
    }
    client.blocking_portal.call(_store_as_is, container, legacy)

    shown = await _get(client, api, f"/campaigns/{legacy['id']}", locale="de")

    assert _shown(shown) == ("fr-CA", ["fr-CA"], {"fr-CA": "Courriel"})


async def test_a_draft_without_locales_shows_its_first_content_locale(api: Api, client: Client) -> None:
    created = await api.create(bilingual("no-locales", locales=[]))

    shown = await _get(client, api, f"/campaigns/{created['id']}")

    assert _shown(shown) == ("en", ["en"], {"en": "Email"})


async def test_show_all_locales_answers_every_locale_and_no_current_locale(api: Api, client: Client) -> None:
    created = await api.create(bilingual("all-locales"))

    by_id = await _get(client, api, f"/campaigns/{created['id']}", locale="fr-CA", showAllLocales="true")
    by_domain = await _get(client, api, "/campaigns", domain="all-locales", showAllLocales="true")

    for every in (by_id, by_domain):
        assert "currentLocale" not in every
        assert sorted(every["content"]) == ["en", "fr-CA"]
        assert every["preferences"][0]["label"] == LABELS
    assert by_id == created


async def test_each_view_of_a_campaign_is_answered_with_its_own_locale(api: Api, client: Client) -> None:
    """The prepared-response memo keys on the locale shown: alternating views never mix."""
    created = await api.create(bilingual("alternate"))

    for locale, expected in [("fr-CA", "fr-CA"), ("en", "en"), ("FR-CA", "fr-CA"), ("de", "en"), ("fr-CA", "fr-CA")]:
        shown = await _get(client, api, "/campaigns", domain="alternate", locale=locale)
        assert _shown(shown)[:2] == (expected, [expected])
    await api.update(created["id"], {"content": {"fr-CA": {"landing": {"title": "Nouveau"}}}})

    after = await _get(client, api, "/campaigns", domain="alternate", locale="fr-CA")
    assert (after["version"], after["content"]["fr-CA"]["landing"]) == (2, {"title": "Nouveau"})


async def test_the_list_shows_each_campaign_in_its_default_locale(api: Api, client: Client) -> None:
    await api.create(bilingual("listed-en"))
    french_default = [{"id": "en", "is_default": False}, {"id": "fr-CA", "is_default": True}]
    await api.create(bilingual("listed-fr", locales=french_default))

    listed = (await _get(client, api, "/campaigns/list", sortBy="name", sortDirection="asc"))["campaigns"]

    assert [_shown(campaign) for campaign in listed] == [
        ("en", ["en"], {"en": "Email"}),
        ("fr-CA", ["fr-CA"], {"fr-CA": "Courriel"}),
    ]


async def test_the_event_lookup_shows_each_campaign_in_its_default_locale(api: Api, client: Client) -> None:
    created = await api.create(bilingual("on-sale", eventIds=["ev-9"], date=WINDOW))
    await api.update(created["id"], {"status": "OPEN"})

    found = await client.get("/campaigns/events", params={"eventId": "ev-9"}, headers=api.supreme)

    assert found.status_code == 200, found.text
    assert [_shown(campaign) for campaign in found.json()] == [("en", ["en"], {"en": "Email"})]


async def test_faqs_and_terms_of_an_unknown_locale_fall_back_to_the_default(api: Api, client: Client) -> None:
    created = await api.create(bilingual("content-fallback"))
    base = f"/campaigns/{created['id']}"
    placement = {"landing": {"open": [], "closed": [FAQ_ID]}}

    faqs = await _get(client, api, f"{base}/faqs", locale="de")
    terms = await _get(client, api, f"{base}/terms", locale="DE")
    placed = await client.post(f"{base}/faqs", params={"locale": "de"}, json=placement, headers=api.supreme)
    written = await client.post(f"{base}/terms", params={"locale": "de"}, json={"terms": "New."}, headers=api.supreme)

    assert (faqs["locale"], faqs["landing"]["open"][0]["question"]) == ("en", "When?")
    assert terms == {"locale": "en", "terms": "Terms in English."}
    assert placed.status_code == 200, placed.text
    assert (placed.json()["locale"], placed.json()["landing"]["closed"][0]["question"]) == ("en", "When?")
    assert written.json() == {"locale": "en", "terms": "New."}
    stored = await api.campaign(created["id"])
    assert (stored["content"]["en"]["terms"], stored["content"]["fr-CA"]["terms"]) == (
        "New.",
        "Conditions en français.",
    )


async def test_faqs_and_terms_match_the_locale_in_any_case(api: Api, client: Client) -> None:
    created = await api.create(bilingual("content-case"))

    terms = await _get(client, api, f"/campaigns/{created['id']}/terms", locale="FR-ca")

    assert terms == {"locale": "fr-CA", "terms": "Conditions en français."}


async def test_a_campaign_without_any_locale_has_no_terms_and_nowhere_to_write_them(api: Api, client: Client) -> None:
    created = await api.create(valid_campaign_body("no-locale-at-all", locales=[], content={}, faqs=None))
    base = f"/campaigns/{created['id']}"

    read = await _get(client, api, f"{base}/terms", locale="en")
    write = await client.post(f"{base}/terms", params={"locale": "en"}, json={"terms": "T."}, headers=api.supreme)

    assert read == {"locale": None, "terms": None}
    assert_problem(write, 400, "INVALID_QUERY", field="locale")
    stored = await api.campaign(created["id"])
    assert (stored["version"], stored["content"]) == (1, {})


# --------------------------------------------------------------------------- round trip


async def test_a_campaign_read_and_posted_back_whole_with_a_change_is_updated(api: Api, client: Client) -> None:
    created = await api.create(bilingual("round-trip-view"))
    read = await _get(client, api, f"/campaigns/{created['id']}")
    writer = bearer(api.tokens.for_campaign(created["id"], ["write"]))

    response = await client.post(f"/campaigns/{created['id']}", json={**read, "name": "Renamed"}, headers=writer)

    assert response.status_code == 200, response.text
    stored = await api.campaign(created["id"])
    assert (stored["name"], stored["version"], stored["id"]) == ("Renamed", 2, created["id"])
    assert stored["statusHistory"] == created["statusHistory"]
    assert stored["date"]["created"] == created["date"]["created"]
    assert sorted(stored["content"]) == ["en", "fr-CA"]  # the view's one locale merged, the other kept
    assert stored["preferences"][0]["label"] == LABELS


async def test_a_french_view_written_back_keeps_the_english_labels(api: Api, client: Client) -> None:
    created = await api.create(bilingual("french-view"))
    french = await _get(client, api, f"/campaigns/{created['id']}", locale="fr-CA")
    french["preferences"][0]["label"] = {"fr-CA": "Adresse courriel"}

    await api.update(created["id"], french)

    stored = await api.campaign(created["id"])
    assert stored["preferences"][0]["label"] == {"en": "Email", "fr-CA": "Adresse courriel"}
    assert stored["content"]["en"] == created["content"]["en"]


async def test_preferences_without_current_locale_replace_the_stored_ones(api: Api) -> None:
    created = await api.create(bilingual("replace-labels"))
    preferences = [{"id": "email", "type": "email", "is_optional": False, "label": {"fr-CA": "Adresse"}}]

    await api.update(created["id"], {"preferences": preferences})

    assert (await api.campaign(created["id"]))["preferences"][0]["label"] == {"fr-CA": "Adresse"}
