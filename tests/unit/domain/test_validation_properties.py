"""Properties of the validation rules: generated valid documents pass, and one breaking change is named.

Each mutation takes a valid JSON-shaped document, breaks exactly one rule in place and returns the
field (and, where the rule has its own, the code) the validator must report for it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from typing import Any

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from campaigns.domain.campaign import Campaign
from campaigns.domain.campaign_validation import campaign_errors
from campaigns.domain.errors import FieldError
from campaigns.domain.locales import canonical_locale
from campaigns.domain.market import Market
from campaigns.domain.market_validation import market_errors
from campaigns.domain.promoter import Promoter
from campaigns.domain.promoter_validation import promoter_errors

Document = dict[str, Any]
Draw = Callable[[st.SearchStrategy[Any]], Any]
Expected = tuple[str, str | None]
"""The field the validator must name, and the code it must carry (None: any code)."""
Mutation = Callable[[Document, Draw], Expected]

# --------------------------------------------------------------------------- building blocks

non_blank = st.text(min_size=1, max_size=30).filter(lambda text: text.strip() != "")
blank = st.text(alphabet=" \t\r\n\u00a0\u2003\u3000", max_size=4)
keys = st.from_regex(r"[a-zA-Z][a-zA-Z0-9]{0,11}", fullmatch=True)

labels = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", fullmatch=True)
hosts = st.lists(labels, min_size=1, max_size=4).map(".".join).filter(lambda host: len(host) <= 253)

locale_ids = st.from_regex(r"[a-z]{2}(?:-[A-Z]{2})?", fullmatch=True)
written_locale_ids = st.from_regex(r"[a-zA-Z]{2}(?:[-_][a-zA-Z]{2})?", fullmatch=True)
"""Locale ids as callers may write them: any case, `-` or `_` (stored as `xx` or `xx-XX`)."""
bad_locale_ids = st.one_of(
    st.from_regex(r"[a-z]{2}-[A-Z]{3,4}", fullmatch=True),
    st.from_regex(r"[a-z]{2}[ .:/][A-Z]{2}", fullmatch=True),
    st.from_regex(r"[a-z]{3,5}", fullmatch=True),
    st.from_regex(r"[a-z]?", fullmatch=True),
    st.sampled_from(["en-", "-US", "en US", "en-US ", "\u00e9n"]),
)

colours = st.from_regex(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})", fullmatch=True)
bad_colours = st.one_of(
    st.from_regex(r"#(?:[0-9a-f]{1,2}|[0-9a-f]{5}|[0-9a-f]{7}|[0-9a-f]{9,12})", fullmatch=True),
    st.from_regex(r"[0-9a-f]{6}", fullmatch=True),
    st.from_regex(r"#[0-9a-f]{2}[g-z][0-9a-f]{3}", fullmatch=True),
    st.sampled_from(["", "red", "transparent", "rgb(0, 0, 0)", "#fff ", " #fff", "##fff"]),
)

urls = st.builds(
    "{}://{}/{}".format,
    st.sampled_from(["http", "https", "HTTPS"]),
    hosts,
    st.from_regex(r"[A-Za-z0-9._~/-]{0,20}", fullmatch=True),
)
bad_urls = st.one_of(
    st.builds("{}://{}/".format, st.sampled_from(["ftp", "file", "ws", "gopher"]), hosts),
    st.builds("{}:{}".format, st.sampled_from(["javascript", "mailto", "data"]), hosts),
    st.builds("//{}/a".format, hosts),
    st.builds("{}/a.jpg".format, hosts),
    st.sampled_from(["", "/a.jpg", "http://", "https:///a.jpg", "http://exa mple.com/", "http://[::1/"]),
)

instants = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2100, 1, 1),
    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-5)), dt.timezone(dt.timedelta(hours=9))]),
)
# Instants are kept to the millisecond (ADR 0008): a smaller gap would make the two instants equal.
gaps = st.timedeltas(min_value=dt.timedelta(milliseconds=1), max_value=dt.timedelta(days=400))
non_negative_gaps = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=400))
faq_ids = st.uuids().map(str)

emails = st.from_regex(r"[^@\s]+@[^@\s]+", fullmatch=True)


@st.composite
def bad_emails(draw: st.DrawFn) -> str:
    """Not an email: a space or a second `@` slipped in, or a side of the `@` left empty."""
    email: str = draw(emails)
    local, domain = email.split("@")
    at = draw(st.integers(0, len(email)))
    slipped = draw(st.sampled_from([" ", "\t", "\u00a0", "@"]))
    return draw(st.sampled_from([email[:at] + slipped + email[at:], f"@{domain}", f"{local}@", local, ""]))


keyword_lists = st.lists(st.text(max_size=10), max_size=3)
contacts = st.one_of(
    non_blank,  # a contact id
    st.fixed_dictionaries({"name": non_blank}, optional={"_id": non_blank, "email": emails, "keyword": keyword_lists}),
    st.fixed_dictionaries({"email": emails}, optional={"_id": non_blank, "name": st.text(max_size=10)}),
    st.fixed_dictionaries({"name": non_blank, "keywords": keyword_lists}),  # the alias alone
)
"""Contacts a campaign may carry: ids, and objects naming someone by a name or a well-formed email."""

FAQ_LISTS = (
    ("landing", "open"),
    ("landing", "closed"),
    ("confirmation", "open"),
    ("confirmation", "closed"),
    ("confirmation", "activePresale"),
)


def reported(errors: list[FieldError], expected: Expected) -> bool:
    field, code = expected
    return any(error.field == field and (code is None or error.code == code) for error in errors)


# --------------------------------------------------------------------------- valid campaigns


@st.composite
def locale_lists(draw: st.DrawFn, *, min_size: int = 0) -> list[Document]:
    """Distinct locales (once canonical), each written in any accepted form, exactly one default."""
    ids = draw(st.lists(written_locale_ids, unique_by=canonical_locale, min_size=min_size, max_size=4))
    default = draw(st.integers(0, len(ids) - 1)) if ids else None
    return [{"id": locale_id, "is_default": index == default} for index, locale_id in enumerate(ids)]


storable_keys = st.text(st.characters(exclude_characters="\x00."), max_size=8).filter(lambda key: key[:1] != "$")
"""Any key MongoDB can store: no NUL, no `.`, no leading `$`."""
opaque_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(storable_keys, children, max_size=3),
    max_leaves=8,
)
"""Any JSON value, for the legacy fields whose content the service does not interpret."""
opaque_objects = st.dictionaries(storable_keys, opaque_json, max_size=4)
unstorable_keys = st.one_of(
    st.builds("{}\x00{}".format, st.text(max_size=3), st.text(max_size=3)),
    st.builds("${}".format, st.text(max_size=3)),
    st.builds("{}.{}".format, st.text(max_size=3), st.text(max_size=3)),
)
LEGACY_OBJECTS = ("limit", "videos", "email", "gate", "extensions")
LEGACY_ARRAYS = ("stores", "groups")
LEGACY_TEXTS = ("linkedCampaignId", "fanIdentifier")


@st.composite
def ordered_pair(draw: st.DrawFn) -> tuple[dt.datetime, dt.datetime]:
    first = draw(instants)
    return first, first + draw(gaps)


@st.composite
def faq_sections(draw: st.DrawFn, content_locales: list[str]) -> tuple[Document, Document]:
    """`content` (FAQs spread over the locales) and a `faqs` placement that references only them."""
    ids = draw(st.lists(faq_ids, unique=True, max_size=5))
    faq = {"question": draw(non_blank), "answer": draw(non_blank)}
    content: Document = {locale: {"faqs": {}} for locale in content_locales}
    for faq_id in ids:
        content[draw(st.sampled_from(content_locales))]["faqs"][faq_id] = faq
    placement: Document = {"landing": {}, "confirmation": {}}
    for page, state in FAQ_LISTS:
        placement[page][state] = draw(st.lists(st.sampled_from(ids), max_size=3)) if ids else []
    return content, placement


@st.composite
def valid_campaigns(draw: st.DrawFn) -> Document:
    """JSON-shaped v2 registration campaigns, outside DRAFT, that break no rule."""
    locales = draw(locale_lists(min_size=1))
    content, placement = draw(faq_sections([locale["id"] for locale in locales] or ["en"]))
    dates: Document = {}
    open_close = draw(st.sampled_from(["none", "open", "close", "both"]))
    if open_close == "both":
        dates["open"], dates["close"] = draw(ordered_pair())
    elif open_close != "none":
        dates[open_close] = draw(instants)
    document: Document = {
        "id": "507f1f77bcf86cd799439011",
        "type": "registration",
        "status": draw(st.sampled_from(["PREVIEW", "OPEN", "CLOSED", "INACTIVE"])),
        "name": draw(non_blank),
        "identifier": draw(non_blank),
        "artist": {
            "id": draw(non_blank),
            "name": draw(st.none() | non_blank),
            "image_url": draw(st.none() | urls),
            "adpUrl": draw(st.none() | urls),
        },
        "domain": {"site": draw(hosts), "preview": draw(st.none() | hosts)},
        "tour": {"name": draw(non_blank)},
        "date": dates,
        "style": draw(st.dictionaries(keys, st.dictionaries(keys, colours, min_size=1, max_size=3), max_size=4)),
        "image": draw(st.dictionaries(keys, st.fixed_dictionaries({"url": urls}), max_size=3)),
        "share": draw(st.dictionaries(keys, st.fixed_dictionaries({"url": urls}), max_size=3)),
        "content": content,
        "faqs": placement,
        "preferences": draw(
            st.lists(st.fixed_dictionaries({"id": non_blank, "type": non_blank, "is_optional": st.booleans()}))
        ),
        "locales": locales,
        "trackers": draw(st.lists(st.fixed_dictionaries({"type": non_blank, "id": st.none() | non_blank}))),
        "contacts": draw(st.lists(contacts, max_size=3)),
        "schema": {"version": "2"},
    }
    if draw(st.booleans()):
        dates["presaleWindowStart"], dates["presaleWindowEnd"] = draw(ordered_pair())
        document["categoryId"] = draw(st.none() | non_blank)
    document["score"] = draw(opaque_objects)  # always an object: `{}` for none
    for name in LEGACY_OBJECTS:
        document[name] = draw(st.none() | opaque_objects)
    for name in LEGACY_ARRAYS:
        document[name] = draw(st.none() | st.lists(opaque_json, max_size=3))
    for name in LEGACY_TEXTS:
        document[name] = draw(st.none() | st.text(max_size=10))
    return document


def as_campaign(document: Document) -> Campaign:
    return msgspec.convert(document, Campaign)


# --------------------------------------------------------------------------- campaign mutations


def empty_name(document: Document, draw: Draw) -> Expected:
    document["name"] = draw(blank)
    return "name", None


@st.composite
def bad_hosts(draw: st.DrawFn) -> str:
    host: str = draw(hosts)
    at = draw(st.integers(0, len(host)))
    return draw(
        st.sampled_from(
            [
                host[:at] + draw(st.sampled_from("ABCXYZ")) + host[at:],  # uppercase
                host[:at] + "_" + host[at:],  # underscore
                host[:at] + draw(st.sampled_from([" ", "\u00e9", "/", ":", "*"])) + host[at:],
                "-" + host,  # leading dash
                host + "-",  # trailing dash
                host + ".",  # empty last label (fully qualified form)
                "." + host,
                host.replace(".", "..", 1) if "." in host else host + "..x",
                host + "." + "a" * 64,  # label too long
                ".".join(["a" * 63] * 4),  # 255 characters in all
                "",
            ]
        )
    )


def bad_site(document: Document, draw: Draw) -> Expected:
    document["domain"]["site"] = draw(bad_hosts())
    return "domain.site", None


def bad_locale_id(document: Document, draw: Draw) -> Expected:
    locales = document["locales"]
    if not locales:
        locales.append({"id": "en", "is_default": True})
    index = draw(st.integers(0, len(locales) - 1))
    locales[index]["id"] = draw(bad_locale_ids)
    return f"locales.{index}.id", None


def two_default_locales(document: Document, draw: Draw) -> Expected:
    locales = document["locales"]
    taken = {canonical_locale(locale["id"]) for locale in locales}
    needed = 1 if locales else 2  # a non-empty valid list already has its one default
    fresh = draw(st.lists(locale_ids.filter(lambda locale_id: locale_id not in taken), min_size=needed, unique=True))
    locales.extend({"id": locale_id, "is_default": True} for locale_id in fresh[:needed])
    return "locales", None


def duplicate_locale_id(document: Document, draw: Draw) -> Expected:
    """The same locale again, possibly written another way (`en-us` after `en_US`)."""
    locales = document["locales"]
    if not locales:
        locales.append({"id": draw(locale_ids), "is_default": True})
    copied = canonical_locale(draw(st.sampled_from(locales))["id"])
    locales.append({"id": draw(respellings(copied)), "is_default": False})
    return f"locales.{len(locales) - 1}.id", None


def respellings(locale_id: str) -> st.SearchStrategy[str]:
    """`locale_id` written any way a caller may: each letter in either case, `-` or `_` between."""
    cased = [st.sampled_from([char.lower(), char.upper()]) for char in locale_id.replace("-", "")]
    if "-" in locale_id:
        return st.tuples(*cased[:2], st.sampled_from("-_"), *cased[2:]).map("".join)
    return st.tuples(*cased).map("".join)


def no_locales(document: Document, _draw: Draw) -> Expected:
    document["locales"] = []
    return "locales", None


def missing_presale_date(document: Document, draw: Draw) -> Expected:
    present, missing = draw(st.permutations(["presaleWindowStart", "presaleWindowEnd"]))
    document["date"][present] = draw(instants)
    document["date"].pop(missing, None)
    return f"date.{missing}", "MISSING_PRESALE_WINDOW_DATE"


def presale_end_not_after_start(document: Document, draw: Draw) -> Expected:
    start = draw(instants)
    document["date"]["presaleWindowStart"] = start
    document["date"]["presaleWindowEnd"] = start - draw(non_negative_gaps)
    return "date.presaleWindowEnd", "INVALID_PRESALE_WINDOW_DATE_ORDER"


def category_without_window(document: Document, draw: Draw) -> Expected:
    for missing in draw(
        st.sampled_from([["presaleWindowStart"], ["presaleWindowEnd"], ["presaleWindowStart", "presaleWindowEnd"]])
    ):
        document["date"].pop(missing, None)
    document["categoryId"] = draw(st.text(max_size=10))
    return "categoryId", "MISSING_PRESALE_WINDOW_DATE"


def close_not_after_open(document: Document, draw: Draw) -> Expected:
    opens = draw(instants)
    document["date"]["open"] = opens
    document["date"]["close"] = opens - draw(non_negative_gaps)
    return "date.close", None


def dangling_faq(document: Document, draw: Draw) -> Expected:
    page, state = draw(st.sampled_from(FAQ_LISTS))
    known = {faq_id for content in document["content"].values() for faq_id in content.get("faqs", {})}
    ids = document["faqs"].setdefault(page, {}).setdefault(state, [])
    position = draw(st.integers(0, len(ids)))
    ids.insert(position, draw(faq_ids.filter(lambda faq_id: faq_id not in known)))
    return f"faqs.{page}.{state}.{position}", None


def bad_colour(document: Document, draw: Draw) -> Expected:
    existing = sorted(document["style"])
    group = draw(st.sampled_from(existing) | keys if existing else keys)
    name = draw(keys)
    document["style"].setdefault(group, {})[name] = draw(bad_colours)
    return f"style.{group}.{name}", None


def non_http_url(document: Document, draw: Draw) -> Expected:
    url = draw(bad_urls)
    target = draw(st.sampled_from(["image", "share", "artist.image_url", "artist.adpUrl"]))
    if target.startswith("artist."):
        document["artist"][target.removeprefix("artist.")] = url
        return target, None
    key = draw(keys)
    document[target][key] = {"url": url}
    return f"{target}.{key}.url", None


def blank_list_item_text(document: Document, draw: Draw) -> Expected:
    listed, field = draw(st.sampled_from([("preferences", "id"), ("preferences", "type"), ("trackers", "type")]))
    item: Document = {"type": "t"}
    if listed == "preferences":
        item.update(id="email", is_optional=False)
    item[field] = draw(blank)
    document[listed].append(item)
    return f"{listed}.{len(document[listed]) - 1}.{field}", None


def unstorable_key(document: Document, draw: Draw) -> Expected:
    """A key MongoDB cannot store, at some depth of an opaque field (inside its arrays too)."""
    name = draw(st.sampled_from(("score", *LEGACY_OBJECTS, *LEGACY_ARRAYS)))
    key = draw(unstorable_keys)
    nested = draw(st.sampled_from(["top", "object", "array"]))
    inner: Document = {key: draw(opaque_json)}
    if name in LEGACY_ARRAYS:
        document[name] = [*(document[name] or []), inner]
        return f"{name}.{len(document[name]) - 1}[{json.dumps(key)}]", None
    if nested == "top":
        document[name] = {**(document[name] or {}), **inner}
        return f"{name}[{json.dumps(key)}]", None
    wrapper: Any = inner if nested == "object" else [inner]
    document[name] = {"wrap": wrapper}
    return f"{name}.wrap{'.0' if nested == 'array' else ''}[{json.dumps(key)}]", None


def contact_naming_nobody(document: Document, draw: Draw) -> Expected:
    nameless: Document = draw(st.fixed_dictionaries({}, optional={"_id": non_blank, "name": blank}))
    document["contacts"].append(nameless)
    return f"contacts.{len(document['contacts']) - 1}", None


def bad_contact_email(document: Document, draw: Draw) -> Expected:
    document["contacts"].append({"name": draw(st.text(max_size=10)), "email": draw(bad_emails())})
    return f"contacts.{len(document['contacts']) - 1}.email", None


def keyword_under_both_names(document: Document, draw: Draw) -> Expected:
    document["contacts"].append({"name": draw(non_blank), "keyword": draw(keyword_lists), "keywords": []})
    return f"contacts.{len(document['contacts']) - 1}.keywords", None


CAMPAIGN_MUTATIONS: list[Mutation] = [
    empty_name,
    bad_site,
    bad_locale_id,
    two_default_locales,
    duplicate_locale_id,
    no_locales,
    missing_presale_date,
    presale_end_not_after_start,
    category_without_window,
    close_not_after_open,
    dangling_faq,
    bad_colour,
    non_http_url,
    blank_list_item_text,
    unstorable_key,
    contact_naming_nobody,
    bad_contact_email,
    keyword_under_both_names,
]


@given(valid_campaigns())
def test_generated_valid_campaigns_pass(document: Document) -> None:
    assert campaign_errors(as_campaign(document)) == []


@given(valid_campaigns(), st.sampled_from(CAMPAIGN_MUTATIONS), st.data())
def test_each_breaking_change_to_a_campaign_is_named(
    document: Document, mutation: Mutation, data: st.DataObject
) -> None:
    expected = mutation(document, data.draw)

    errors = campaign_errors(as_campaign(document))

    assert reported(errors, expected), (expected, errors)


# --------------------------------------------------------------------------- markets

timezones = st.one_of(
    st.sampled_from(["UTC", "America/New_York", "Europe/Paris", "America/Argentina/Buenos_Aires", "Etc/GMT+5"]),
    st.from_regex(r"[A-Z][a-z_]{1,12}/[A-Z][A-Za-z0-9_+-]{0,14}(?:/[A-Z][a-z_]{1,12})?", fullmatch=True),
)
venues = st.fixed_dictionaries({"name": non_blank}, optional={"id": non_blank})
events = st.fixed_dictionaries(
    {"ids": st.lists(non_blank, min_size=1, max_size=4)},
    optional={
        "name": non_blank,
        "presaleDateTime": instants,
        "ticketer": non_blank,
        "category_ids": st.lists(non_blank, unique=True, max_size=4),
        "venue": venues,
        "sharedCode": st.text(max_size=10),
    },
)
points = st.fixed_dictionaries(
    {
        "type": st.just("Point"),
        "coordinates": st.tuples(st.floats(-180, 180), st.floats(-90, 90)).map(list),
    }
)


@st.composite
def valid_markets(draw: st.DrawFn) -> Document:
    document: Document = {
        "id": "65a1b2c3d4e5f60718293a4b",
        "campaign_id": draw(st.from_regex(r"[0-9a-f]{24}", fullmatch=True)),
        "name": draw(non_blank),
        "city": draw(non_blank),
        "state": draw(non_blank),
        "timezone": draw(timezones),
    }
    optional = {"point": points, "population": st.integers(min_value=0), "event": events}
    for name, strategy in optional.items():
        if draw(st.booleans()):
            document[name] = draw(strategy)
    return document


def blank_market_text(document: Document, draw: Draw) -> Expected:
    field = draw(st.sampled_from(["name", "city", "state", "timezone"]))
    document[field] = draw(blank)
    return field, "INVALID_MARKET_SCHEMA"


def bad_campaign_id(document: Document, draw: Draw) -> Expected:
    document["campaign_id"] = draw(
        st.one_of(
            st.from_regex(r"[0-9a-f]{0,23}|[0-9a-f]{25,30}", fullmatch=True),
            st.from_regex(r"[0-9a-f]{10}[A-F][0-9a-f]{13}", fullmatch=True),
            st.from_regex(r"[0-9a-f]{23}[g-z ]", fullmatch=True),
        )
    )
    return "campaign_id", "INVALID_MARKET_SCHEMA"


def bad_timezone(document: Document, draw: Draw) -> Expected:
    document["timezone"] = draw(
        st.one_of(
            st.from_regex(r"[A-Za-z]{1,10}", fullmatch=True).filter(lambda name: name != "UTC"),
            st.sampled_from(["America/New York", "/Paris", "Europe/", "Europe//Paris", "A/B/C/D", "Europe/Paris\n"]),
            st.sampled_from(["Europe/Par\u00eds", "Europe\\Paris", "1Europe/Paris", "utc"]),
        )
    )
    return "timezone", "INVALID_MARKET_SCHEMA"


def not_a_point(document: Document, draw: Draw) -> Expected:
    document["point"] = {"type": draw(st.text(max_size=10).filter(lambda kind: kind != "Point")), "coordinates": [0, 0]}
    return "point.type", "INVALID_MARKET_SCHEMA"


def out_of_range_coordinate(document: Document, draw: Draw) -> Expected:
    axis, limit = draw(st.sampled_from([(0, 180.0), (1, 90.0)]))
    beyond = st.floats(min_value=limit, exclude_min=True) | st.sampled_from([math.nan, math.inf])
    value = draw(beyond) * draw(st.sampled_from([1, -1]))
    coordinates = [0.0, 0.0]
    coordinates[axis] = value
    document["point"] = {"type": "Point", "coordinates": coordinates}
    return f"point.coordinates.{axis}", "INVALID_MARKET_SCHEMA"


def negative_population(document: Document, draw: Draw) -> Expected:
    document["population"] = draw(st.integers(max_value=-1))
    return "population", "INVALID_MARKET_SCHEMA"


def no_event_ids(document: Document, _draw: Draw) -> Expected:
    document.setdefault("event", {})["ids"] = []
    return "event.ids", "INVALID_MARKET_SCHEMA"


def blank_event_id(document: Document, draw: Draw) -> Expected:
    ids = document.setdefault("event", {}).setdefault("ids", [])
    index = draw(st.integers(0, len(ids)))
    ids.insert(index, draw(blank))
    return f"event.ids.{index}", "INVALID_MARKET_SCHEMA"


def duplicate_category_id(document: Document, draw: Draw) -> Expected:
    event = document.setdefault("event", {"ids": ["e1"]})
    category_ids = event.setdefault("category_ids", [])
    if not category_ids:
        category_ids.append(draw(non_blank))
    category_ids.append(draw(st.sampled_from(category_ids)))
    return f"event.category_ids.{len(category_ids) - 1}", "INVALID_MARKET_SCHEMA"


def blank_ticketer(document: Document, draw: Draw) -> Expected:
    document.setdefault("event", {"ids": ["e1"]})["ticketer"] = draw(blank)
    return "event.ticketer", "INVALID_MARKET_SCHEMA"


def blank_venue_name(document: Document, draw: Draw) -> Expected:
    document.setdefault("event", {"ids": ["e1"]})["venue"] = {"name": draw(blank)}
    return "event.venue.name", "INVALID_MARKET_SCHEMA"


MARKET_MUTATIONS: list[Mutation] = [
    blank_market_text,
    bad_campaign_id,
    bad_timezone,
    not_a_point,
    out_of_range_coordinate,
    negative_population,
    no_event_ids,
    blank_event_id,
    duplicate_category_id,
    blank_ticketer,
    blank_venue_name,
]


@given(valid_markets())
def test_generated_valid_markets_pass(document: Document) -> None:
    assert market_errors(msgspec.convert(document, Market)) == []


@given(valid_markets(), st.sampled_from(MARKET_MUTATIONS), st.data())
def test_each_breaking_change_to_a_market_is_named(document: Document, mutation: Mutation, data: st.DataObject) -> None:
    expected = mutation(document, data.draw)

    errors = market_errors(msgspec.convert(document, Market))

    assert reported(errors, expected), (expected, errors)


# --------------------------------------------------------------------------- promoters


@st.composite
def valid_promoters(draw: st.DrawFn) -> Document:
    locales = draw(st.lists(written_locale_ids, min_size=1, max_size=4, unique_by=canonical_locale))
    default = draw(st.integers(0, len(locales) - 1))
    privacy_urls = [
        {
            "locale": locale,
            "url": draw(urls),
            "is_default": True if index == default else draw(st.sampled_from([None, False])),
        }
        for index, locale in enumerate(locales)
    ]
    return {"id": "65a1b2c3d4e5f60718293a4c", "name": draw(non_blank), "privacyUrls": privacy_urls}


def blank_promoter_name(document: Document, draw: Draw) -> Expected:
    document["name"] = draw(blank)
    return "name", "INVALID_PROMOTER_SCHEMA"


def bad_privacy_url(document: Document, draw: Draw) -> Expected:
    document["privacyUrls"].append({"locale": "en", "url": draw(bad_urls)})
    return f"privacyUrls.{len(document['privacyUrls']) - 1}.url", "INVALID_PROMOTER_SCHEMA"


def bad_privacy_locale(document: Document, draw: Draw) -> Expected:
    document["privacyUrls"].append({"locale": draw(bad_locale_ids), "url": "https://example.com/privacy"})
    return f"privacyUrls.{len(document['privacyUrls']) - 1}.locale", "INVALID_PROMOTER_SCHEMA"


def wrong_default_count(document: Document, draw: Draw) -> Expected:
    privacy_urls = document["privacyUrls"]
    extra = {"locale": "en", "url": "https://example.com/privacy"}
    if draw(st.booleans()):  # no default at all
        privacy_urls.append(extra)
        for privacy in privacy_urls:
            privacy["is_default"] = draw(st.sampled_from([None, False]))
    else:  # two defaults: a non-empty valid list already has one
        privacy_urls.extend({**extra, "is_default": True} for _ in range(1 if privacy_urls else 2))
    return "privacyUrls", "INVALID_PROMOTER_SCHEMA"


def repeated_privacy_locale(document: Document, draw: Draw) -> Expected:
    privacy_urls = document["privacyUrls"]
    repeated = draw(respellings(canonical_locale(draw(st.sampled_from(privacy_urls))["locale"])))
    privacy_urls.append({"locale": repeated, "url": "https://example.com/privacy", "is_default": False})
    return f"privacyUrls.{len(privacy_urls) - 1}.locale", "INVALID_PROMOTER_SCHEMA"


def no_privacy_urls(document: Document, _draw: Draw) -> Expected:
    document["privacyUrls"] = []
    return "privacyUrls", "INVALID_PROMOTER_SCHEMA"


PROMOTER_MUTATIONS: list[Mutation] = [
    blank_promoter_name,
    bad_privacy_url,
    bad_privacy_locale,
    wrong_default_count,
    repeated_privacy_locale,
    no_privacy_urls,
]


@given(valid_promoters())
def test_generated_valid_promoters_pass(document: Document) -> None:
    assert promoter_errors(msgspec.convert(document, Promoter)) == []


@given(valid_promoters(), st.sampled_from(PROMOTER_MUTATIONS), st.data())
def test_each_breaking_change_to_a_promoter_is_named(
    document: Document, mutation: Mutation, data: st.DataObject
) -> None:
    expected = mutation(document, data.draw)

    errors = promoter_errors(msgspec.convert(document, Promoter))

    assert reported(errors, expected), (expected, errors)
