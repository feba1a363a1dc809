"""One test per validation rule: each rejects the broken document and names the failing field."""

from __future__ import annotations

import copy
from collections.abc import Collection
from typing import Any

import msgspec
import pytest

from campaigns.domain.campaign import Campaign
from campaigns.domain.campaign_validation import campaign_errors, ensure_valid_campaign, is_valid_host
from campaigns.domain.errors import FieldError, InvalidMarket, InvalidPromoter, ValidationFailed
from campaigns.domain.market import Market
from campaigns.domain.market_validation import ensure_valid_market, market_errors
from campaigns.domain.promoter import Promoter
from campaigns.domain.promoter_validation import ensure_valid_promoter, promoter_errors

FAQ_ID = "3f1c2b9e-8d7a-4c6b-9e5f-1a2b3c4d5e6f"

VALID_CAMPAIGN: dict[str, Any] = {
    "id": "507f1f77bcf86cd799439011",
    "type": "registration",
    "status": "OPEN",
    "name": "Example Campaign",
    "identifier": "example-2024",
    "artist": {
        "id": "K8vZ917Gku7",
        "name": "Example Artist",
        "discovery_id": "K8vZ917Gku7",
        "image_url": "https://img.example.com/artist.jpg",
        "adpUrl": "https://www.ticketmaster.com/example-artist",
    },
    "domain": {"site": "example-campaign", "preview": "preview.example-campaign.com"},
    "tour": {"name": "World Tour 2024"},
    "date": {
        "open": "2024-02-01T00:00:00Z",
        "close": "2024-03-01T00:00:00Z",
        "presaleWindowStart": "2024-03-10T00:00:00Z",
        "presaleWindowEnd": "2024-03-12T00:00:00Z",
    },
    "style": {
        "theme": {"primary": "#000000", "mix70": "#4d4d4dB3"},
        "border": {"primary": "#000"},
        "pageBackground": {"primary": "#fffa"},
        "text": {"primary": "#1A2B3C"},
    },
    "image": {"main": {"url": "https://example.com/image.jpg"}},
    "share": {"x": {"url": "http://x.com/example"}},
    "content": {
        "en": {"faqs": {FAQ_ID: {"question": "When?", "answer": "Soon."}}},
        "fr-CA": {"faqs": {}},
    },
    "faqs": {
        "landing": {"open": [FAQ_ID], "closed": []},
        "confirmation": {"open": [], "closed": [FAQ_ID], "activePresale": [FAQ_ID]},
    },
    "preferences": [{"id": "email", "type": "email", "is_optional": False}],
    "locales": [{"id": "en", "is_default": True}, {"id": "fr-CA", "is_default": False}],
    "categoryId": "cat-1",
    "trackers": [{"type": "facebook", "id": "123"}],
    "schema": {"version": "2"},
}

VALID_MARKET: dict[str, Any] = {
    "id": "65a1b2c3d4e5f60718293a4b",
    "campaign_id": "507f1f77bcf86cd799439011",
    "name": "Los Angeles",
    "city": "Los Angeles",
    "state": "CA",
    "timezone": "America/Los_Angeles",
    "point": {"type": "Point", "coordinates": [-118.24, 34.05]},
    "population": 3_900_000,
    "event": {
        "ids": ["vvG1zZ4abc"],
        "ticketer": "Ticketmaster",
        "category_ids": ["c1", "c2"],
        "venue": {"id": "KovZpZA7AAEA", "name": "Crypto.com Arena"},
    },
}

VALID_PROMOTER: dict[str, Any] = {
    "id": "65a1b2c3d4e5f60718293a4c",
    "name": "Live Nation",
    "privacyUrls": [
        {"locale": "en", "url": "https://www.livenation.com/privacy", "is_default": True},
        {"locale": "fr-CA", "url": "https://www.livenation.ca/fr/privacy"},
    ],
}


def with_changes(document: dict[str, Any], **paths: Any) -> dict[str, Any]:
    """A deep copy of `document` with each `a__b__c=value` set (or removed when value is `...`)."""
    changed = copy.deepcopy(document)
    for path, value in paths.items():
        *parents, leaf = path.split("__")
        target = changed
        for key in parents:
            target = target.setdefault(key, {})
        if value is ...:
            target.pop(leaf, None)
        else:
            target[leaf] = value
    return changed


def campaign(**paths: Any) -> Campaign:
    return msgspec.convert(with_changes(VALID_CAMPAIGN, **paths), Campaign)


def market(**paths: Any) -> Market:
    return msgspec.convert(with_changes(VALID_MARKET, **paths), Market)


def promoter(**paths: Any) -> Promoter:
    return msgspec.convert(with_changes(VALID_PROMOTER, **paths), Promoter)


def fields(errors: list[FieldError]) -> set[str]:
    return {error.field for error in errors}


def error_on(errors: list[FieldError], field: str) -> FieldError:
    matching = [error for error in errors if error.field == field]
    assert len(matching) == 1, errors
    return matching[0]


# --------------------------------------------------------------------------- campaign: whole documents


def test_a_complete_v2_campaign_is_valid() -> None:
    assert campaign_errors(campaign()) == []
    ensure_valid_campaign(campaign())


def test_a_bare_draft_is_valid() -> None:
    assert campaign_errors(Campaign(id="507f1f77bcf86cd799439011")) == []


def test_every_broken_rule_is_reported_at_once() -> None:
    broken = campaign(
        name=" ",
        domain__site="Bad_Site",
        locales=[{"id": "eng", "is_default": True}],
        date__close="2024-01-01T00:00:00Z",
        style__theme__primary="black",
        image__main__url="ftp://example.com/a.jpg",
    )

    with pytest.raises(ValidationFailed) as raised:
        ensure_valid_campaign(broken)

    assert fields(raised.value.errors) == {
        "name",
        "domain.site",
        "locales.0.id",
        "date.close",
        "style.theme.primary",
        "image.main.url",
    }
    assert raised.value.code == "INVALID_CAMPAIGN_SCHEMA"
    assert all(error.message for error in raised.value.errors)


# --------------------------------------------------------------------------- campaign: required fields


@pytest.mark.parametrize("field", ["name", "identifier", "tour.name", "artist.id", "domain.site"])
@pytest.mark.parametrize("blank", [None, "", "   "])
def test_v2_registration_requires_text_fields_outside_draft(field: str, blank: str | None) -> None:
    errors = campaign_errors(campaign(**{field.replace(".", "__"): blank}))

    error = error_on(errors, field)
    assert error.code == "INVALID_CAMPAIGN_SCHEMA"
    assert "Required" in error.message


def test_v2_draft_may_leave_required_fields_empty() -> None:
    draft = campaign(
        status="DRAFT", name="", identifier=None, tour=None, artist=None, domain__site=None, date__open=None
    )

    assert campaign_errors(draft) == []


def test_draft_scheduled_to_open_must_be_complete() -> None:
    draft = campaign(status="DRAFT", name="", identifier=None, tour=None, artist=None, domain__site=None)

    assert fields(campaign_errors(draft)) == {"name", "identifier", "tour.name", "artist.id", "domain.site"}


def test_inactive_campaign_needs_no_site_because_it_released_it() -> None:
    assert campaign_errors(campaign(status="INACTIVE", domain__site=None)) == []


def test_fanlist_requires_only_a_name() -> None:
    fanlist = campaign(type="fanlist", identifier=None, tour=None, artist=None, domain__site=None)
    assert campaign_errors(fanlist) == []

    assert fields(campaign_errors(campaign(type="fanlist", name=""))) == {"name"}
    assert campaign_errors(campaign(type="fanlist", status="DRAFT", name="", date__open=None)) == []


def test_v1_registration_requires_name_and_site() -> None:
    v1 = campaign(schema__version="1", name=None, identifier=None, tour=None, artist=None, domain__site=None)

    assert fields(campaign_errors(v1)) == {"name", "domain.site"}


def test_schema_version_is_one_or_two() -> None:
    assert fields(campaign_errors(campaign(schema__version="3"))) == {"schema.version"}


# --------------------------------------------------------------------------- campaign: host names


@pytest.mark.parametrize(
    "site",
    ["Example", "under_score", "-leading", "trailing-", "a..b", "tour.example.com.", "a" * 64, "tour example", ""],
)
def test_site_must_be_a_lowercase_host_name(site: str) -> None:
    assert fields(campaign_errors(campaign(domain__site=site))) == {"domain.site"}


def test_blank_required_site_is_reported_once() -> None:
    errors = campaign_errors(campaign(domain__site=" "))

    assert [error.field for error in errors] == ["domain.site"]


def test_preview_host_follows_the_same_rule() -> None:
    assert fields(campaign_errors(campaign(domain__preview="Preview.Example.com"))) == {"domain.preview"}


@pytest.mark.parametrize("name", ["a", "a-b", "0", "tour.example.com", "a" * 63, ".".join(["a" * 63] * 3 + ["a" * 61])])
def test_is_valid_host_accepts_labels_and_dotted_names(name: str) -> None:
    assert is_valid_host(name)


def test_is_valid_host_limits_the_total_length() -> None:
    assert not is_valid_host(".".join(["a" * 63] * 3 + ["a" * 62]))  # 254 characters


# --------------------------------------------------------------------------- campaign: locales


@pytest.mark.parametrize("locale_id", ["eng", "en-USA", "e", "", "en-US\n", "en US", "en--US", "e\u0301n", "en_"])
def test_locale_ids_are_language_or_language_region(locale_id: str) -> None:
    errors = campaign_errors(campaign(locales=[{"id": "en", "is_default": True}, {"id": locale_id}]))

    assert fields(errors) == {"locales.1.id"}


@pytest.mark.parametrize("locale_id", ["fr", "FR", "fr-CA", "fr-ca", "fr_CA", "FR-ca", "fr_ca"])
def test_locale_ids_may_be_written_in_any_case_with_a_dash_or_underscore(locale_id: str) -> None:
    assert campaign_errors(campaign(locales=[{"id": "en", "is_default": True}, {"id": locale_id}])) == []


@pytest.mark.parametrize("written", ["en", "EN", "En"])
def test_the_same_locale_in_two_forms_is_a_duplicate(written: str) -> None:
    locales = [{"id": "en-US", "is_default": True}, {"id": "fr"}, {"id": f"{written}_us"}]

    error = error_on(campaign_errors(campaign(locales=locales)), "locales.2.id")
    assert "Duplicate" in error.message


@pytest.mark.parametrize("defaults", [(False, False), (True, True)])
def test_exactly_one_locale_is_the_default(defaults: tuple[bool, bool]) -> None:
    locales = [{"id": "en", "is_default": defaults[0]}, {"id": "fr", "is_default": defaults[1]}]

    assert fields(campaign_errors(campaign(locales=locales))) == {"locales"}


def test_an_unscheduled_draft_needs_no_locale() -> None:
    assert campaign_errors(campaign(status="DRAFT", locales=[], date__open=..., date__close=...)) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "PREVIEW"},
        {"status": "OPEN"},
        {"status": "CLOSED"},
        {"status": "INACTIVE", "domain__site": None},
        {"status": "DRAFT", "date__close": ...},  # scheduled to open
        {"status": "DRAFT", "date__open": ...},  # scheduled to close
    ],
)
def test_a_campaign_past_draft_or_scheduled_needs_a_locale(changes: dict[str, Any]) -> None:
    errors = campaign_errors(campaign(locales=[], **changes))

    assert fields(errors) == {"locales"}
    assert "at least one locale" in error_on(errors, "locales").message


def test_cleared_schedules_do_not_make_a_draft_need_a_locale() -> None:
    assert campaign_errors(campaign(status="DRAFT", locales=[], date__open=None, date__close=None)) == []


def test_locale_ids_are_unique() -> None:
    locales = [{"id": "en", "is_default": True}, {"id": "fr"}, {"id": "en"}]

    error = error_on(campaign_errors(campaign(locales=locales)), "locales.2.id")
    assert "Duplicate" in error.message


# --------------------------------------------------------------------------- campaign: dates


@pytest.mark.parametrize("missing", ["presaleWindowEnd", "presaleWindowStart"])
def test_presale_window_dates_come_together(missing: str) -> None:
    half_window = campaign(categoryId=None, **{f"date__{missing}": ...})

    errors = campaign_errors(half_window)

    assert [(error.field, error.code) for error in errors] == [(f"date.{missing}", "MISSING_PRESALE_WINDOW_DATE")]
    with pytest.raises(ValidationFailed) as raised:
        ensure_valid_campaign(half_window)
    assert raised.value.code == "MISSING_PRESALE_WINDOW_DATE"


@pytest.mark.parametrize("end", ["2024-03-10T00:00:00Z", "2024-03-09T23:59:59Z", "2024-03-10T01:00:00+02:00"])
def test_presale_window_ends_after_it_starts(end: str) -> None:
    errors = campaign_errors(campaign(date__presaleWindowEnd=end))

    assert error_on(errors, "date.presaleWindowEnd").code == "INVALID_PRESALE_WINDOW_DATE_ORDER"


def test_category_id_needs_the_presale_window() -> None:
    errors = campaign_errors(campaign(date__presaleWindowStart=..., date__presaleWindowEnd=...))

    assert [(error.field, error.code) for error in errors] == [("categoryId", "MISSING_PRESALE_WINDOW_DATE")]


def test_category_id_with_half_a_window_reports_both_problems() -> None:
    errors = campaign_errors(campaign(date__presaleWindowEnd=...))

    assert fields(errors) == {"date.presaleWindowEnd", "categoryId"}
    assert {error.code for error in errors} == {"MISSING_PRESALE_WINDOW_DATE"}


@pytest.mark.parametrize("close", ["2024-02-01T00:00:00Z", "2024-01-31T00:00:00Z"])
def test_close_is_after_open(close: str) -> None:
    assert fields(campaign_errors(campaign(date__close=close))) == {"date.close"}


def test_close_alone_is_fine() -> None:
    assert campaign_errors(campaign(date__open=...)) == []


# --------------------------------------------------------------------------- campaign: references, styles, URLs


@pytest.mark.parametrize(
    ("placement", "field"),
    [
        ({"landing": {"open": ["nope"]}}, "faqs.landing.open.0"),
        ({"landing": {"closed": [FAQ_ID, "nope"]}}, "faqs.landing.closed.1"),
        ({"confirmation": {"open": ["nope"]}}, "faqs.confirmation.open.0"),
        ({"confirmation": {"closed": ["nope"]}}, "faqs.confirmation.closed.0"),
        ({"confirmation": {"activePresale": [FAQ_ID, FAQ_ID, "nope"]}}, "faqs.confirmation.activePresale.2"),
    ],
)
def test_faq_references_exist_in_content(placement: dict[str, Any], field: str) -> None:
    errors = campaign_errors(campaign(faqs=placement))

    assert fields(errors) == {field}
    assert "'nope'" in errors[0].message


def test_faq_defined_in_any_locale_is_enough() -> None:
    content = {"en": {}, "fr-CA": {"faqs": {FAQ_ID: {"question": "Quand ?", "answer": "Bientôt."}}}}

    assert campaign_errors(campaign(content=content)) == []


@pytest.mark.parametrize(
    "colour", ["black", "#12", "#12345", "#1234567", "#gggggg", "000000", "#000000 ", "rgb(0,0,0)"]
)
def test_colours_are_css_hex_colours(colour: str) -> None:
    assert fields(campaign_errors(campaign(style__text__secondary=colour))) == {"style.text.secondary"}


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/a.jpg", "//example.com/a.jpg", "/a.jpg", "example.com/a.jpg", "https://", "javascript:alert(1)",
     "https://exa mple.com/", "http://example.com:99999/", "http://[::1/", ""],
)  # fmt: skip
@pytest.mark.parametrize("field", ["image.main.url", "share.x.url", "artist.image_url", "artist.adpUrl"])
def test_urls_are_absolute_http(url: str, field: str) -> None:
    path = field.replace(".", "__")

    assert fields(campaign_errors(campaign(**{path: url}))) == {field}


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("preferences", "preferences.0.id"),
        ("preferences", "preferences.0.type"),
        ("trackers", "trackers.0.type"),
    ],
)
def test_list_items_need_non_empty_ids_and_types(path: str, field: str) -> None:
    item = copy.deepcopy(VALID_CAMPAIGN[path][0])
    item[field.rsplit(".", 1)[1]] = " "

    assert fields(campaign_errors(campaign(**{path: [item]}))) == {field}


# --------------------------------------------------------------------------- markets


def test_a_complete_market_is_valid() -> None:
    assert market_errors(market()) == []
    ensure_valid_market(market())
    assert market_errors(market(point=..., population=..., event=...)) == []


@pytest.mark.parametrize("field", ["name", "city", "state", "timezone"])
def test_market_text_fields_are_required(field: str) -> None:
    errors = market_errors(market(**{field: "  "}))

    assert [(error.field, error.code) for error in errors] == [(field, "INVALID_MARKET_SCHEMA")]


@pytest.mark.parametrize("campaign_id", ["507F1F77BCF86CD799439011", "507f1f77bcf86cd79943901", "x" * 24, ""])
def test_market_campaign_id_is_an_object_id(campaign_id: str) -> None:
    assert fields(market_errors(market(campaign_id=campaign_id))) == {"campaign_id"}


ZONE_FIELDS = {"market": "timezone", "campaign": "referenceTimezone"}
"""The one time zone rule, on a market's `timezone` and a campaign's `referenceTimezone`."""


def zone_errors(owner: str, zone: str, known: Collection[str] = ()) -> list[FieldError]:
    if owner == "market":
        return market_errors(market(timezone=zone), known_timezones=known)
    return campaign_errors(campaign(referenceTimezone=zone), known_timezones=known)


@pytest.mark.parametrize("owner", ZONE_FIELDS)
@pytest.mark.parametrize("timezone", ["UTC", "Etc/GMT+5", "America/Argentina/Buenos_Aires", "America/Port-au-Prince"])
def test_a_timezone_accepts_iana_names(owner: str, timezone: str) -> None:
    assert zone_errors(owner, timezone) == []


@pytest.mark.parametrize("owner", ZONE_FIELDS)
@pytest.mark.parametrize(
    "timezone", ["America", "New York", "America/New York", "/Paris", "Europe/", "Europe//Paris", "A/B/C/D", "utc"]
)
def test_a_timezone_looks_like_an_iana_name(owner: str, timezone: str) -> None:
    assert fields(zone_errors(owner, timezone)) == {ZONE_FIELDS[owner]}


def test_an_empty_reference_timezone_is_no_zone_and_null_is_none() -> None:
    assert fields(campaign_errors(campaign(referenceTimezone=""))) == {"referenceTimezone"}
    assert campaign_errors(campaign(referenceTimezone=None)) == []


@pytest.mark.parametrize(
    ("point", "field"),
    [
        ({"type": "Polygon", "coordinates": [0, 0]}, "point.type"),
        ({"type": "Point", "coordinates": [180.5, 0]}, "point.coordinates.0"),
        ({"type": "Point", "coordinates": [-181, 0]}, "point.coordinates.0"),
        ({"type": "Point", "coordinates": [0, 90.1]}, "point.coordinates.1"),
        ({"type": "Point", "coordinates": [0, -91]}, "point.coordinates.1"),
    ],
)
def test_market_point_is_a_geojson_point(point: dict[str, Any], field: str) -> None:
    assert fields(market_errors(market(point=point))) == {field}


def test_market_population_is_not_negative() -> None:
    assert fields(market_errors(market(population=-1))) == {"population"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"event__ids": []}, "event.ids"),
        ({"event__ids": ["a", ""]}, "event.ids.1"),
        ({"event__category_ids": ["c1", "c2", "c1"]}, "event.category_ids.2"),
        ({"event__ticketer": " "}, "event.ticketer"),
        ({"event__venue": {"name": ""}}, "event.venue.name"),
    ],
)
def test_market_event_rules(changes: dict[str, Any], field: str) -> None:
    assert fields(market_errors(market(**changes))) == {field}


def test_invalid_market_carries_the_market_code() -> None:
    with pytest.raises(InvalidMarket) as raised:
        ensure_valid_market(market(name="", population=-5, point={"type": "Point", "coordinates": [500, 500]}))

    assert fields(raised.value.errors) == {"name", "population", "point.coordinates.0", "point.coordinates.1"}
    assert raised.value.code == "INVALID_MARKET_SCHEMA"


@pytest.mark.parametrize("owner", ZONE_FIELDS)
def test_a_timezone_is_checked_against_the_names_given(owner: str) -> None:
    known = {"UTC", "America/Los_Angeles"}

    assert zone_errors(owner, "America/Los_Angeles", known) == []
    assert fields(zone_errors(owner, "Mars/Olympus_Mons", known)) == {ZONE_FIELDS[owner]}
    assert zone_errors(owner, "Mars/Olympus_Mons") == [], "without the names, the shape decides"
    shape_only = zone_errors(owner, "not a zone", known)
    assert [error.field for error in shape_only] == [ZONE_FIELDS[owner]], "one error per field"


@pytest.mark.parametrize(
    ("paths", "field"),
    [
        ({"share": {"a.b": 1}}, 'share["a.b"]'),
        ({"score": {"deep": [{"$gt": 1}]}}, 'score.deep.0["$gt"]'),
        ({"stores": [{"x": {"a\x00b": None}}]}, 'stores.0.x["a\\u0000b"]'),
        ({"content__en__landing": {"hero.title": "Hi"}}, 'content.en.landing["hero.title"]'),
        ({"style__text": {"$primary": "#fff"}}, 'style.text["$primary"]'),
        ({"image": {"main.jpg": {"url": "https://example.com/a.jpg"}}}, 'image["main.jpg"]'),
        (
            {"preferences": [{"id": "e", "type": "t", "is_optional": True, "label": {"e.n": "x"}}]},
            'preferences.0.label["e.n"]',
        ),
    ],
)
def test_a_key_mongodb_cannot_store_is_named_wherever_a_client_chose_it(paths: dict[str, Any], field: str) -> None:
    assert fields(campaign_errors(campaign(**paths))) == {field}


def test_keys_mongodb_can_store_pass_however_odd() -> None:
    odd = {"a$": 1, "": 2, "with space": 3, "Ünïcødé": 4, "a[0]": {'q"uote': 5}}
    assert campaign_errors(campaign(share=odd, gate=odd)) == []


def test_market_promoter_ids_are_object_ids() -> None:
    ids = ["507f1f77bcf86cd799439012", "p1", "507F1F77BCF86CD799439012"]

    assert fields(market_errors(market(promoterIds=ids))) == {"promoterIds.1", "promoterIds.2"}


# --------------------------------------------------------------------------- promoters


def test_a_complete_promoter_is_valid() -> None:
    assert promoter_errors(promoter()) == []
    ensure_valid_promoter(promoter())


def test_a_promoter_without_privacy_urls_has_no_default_one() -> None:
    with pytest.raises(InvalidPromoter) as raised:
        ensure_valid_promoter(promoter(privacyUrls=[]))

    assert fields(raised.value.errors) == {"privacyUrls"}


def test_promoter_name_is_required() -> None:
    assert fields(promoter_errors(promoter(name=" "))) == {"name"}


def test_promoter_privacy_urls_are_http() -> None:
    urls = [{"locale": "en", "url": "mailto:privacy@example.com", "is_default": True}]

    assert fields(promoter_errors(promoter(privacyUrls=urls))) == {"privacyUrls.0.url"}


def test_promoter_privacy_url_locales_are_locale_ids() -> None:
    urls = [
        {"locale": "en", "url": "https://a.example", "is_default": True},
        {"locale": "French", "url": "https://b.fr"},
    ]

    assert fields(promoter_errors(promoter(privacyUrls=urls))) == {"privacyUrls.1.locale"}


def test_promoter_privacy_url_locales_are_not_repeated() -> None:
    urls = [
        {"locale": "en", "url": "https://a.example", "is_default": True},
        {"locale": "fr", "url": "https://b.example"},
        {"locale": "en", "url": "https://c.example"},
    ]

    assert fields(promoter_errors(promoter(privacyUrls=urls))) == {"privacyUrls.2.locale"}


@pytest.mark.parametrize("defaults", [(None, False), (True, True)])
def test_promoter_has_exactly_one_default_privacy_url(defaults: tuple[bool | None, bool | None]) -> None:
    urls = [
        {"locale": "en", "url": "https://a.example", "is_default": defaults[0]},
        {"locale": "fr", "url": "https://b.example", "is_default": defaults[1]},
    ]

    with pytest.raises(InvalidPromoter) as raised:
        ensure_valid_promoter(promoter(privacyUrls=urls))

    assert fields(raised.value.errors) == {"privacyUrls"}
    assert raised.value.code == "INVALID_PROMOTER_SCHEMA"
