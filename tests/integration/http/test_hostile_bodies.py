"""Bodies on every write route: decoded strictly, and any malformed shape is a 400 that writes nothing.

Spec §3 "Identifiers, time, JSON" (strict types; instants within years 1-9999 once in UTC) and §4
(any malformed body, however deep or badly encoded, is a 400, never a 500). One seeded app serves
the whole module: each refused request is checked to leave the world exactly as it found it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.http.support import assert_problem
from tests.integration.http.write_routes import (
    WRITE_ROUTES,
    Seeded,
    WriteRoute,
    path_of,
    route_named,
    seeded_world,
    with_value,
)

pytestmark = pytest.mark.integration

JSON = {"content-type": "application/json"}
EPOCH = 1_700_000_000
OVERFLOWING_INSTANTS = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    yield from seeded_world(Path(tmp_path_factory.mktemp("hostile-bodies")))


def _post(seeded: Seeded, route: WriteRoute, content: bytes) -> httpx.Response:
    return seeded.client.post(path_of(route, seeded.world), content=content, headers={**seeded.supreme, **JSON})


def _refused(seeded: Seeded, route: WriteRoute, content: bytes, *, field: str | None = None) -> None:
    """The body is a 400 with the route's body code (naming `field`), and nothing anywhere changed."""
    before = seeded.snapshot()

    response = _post(seeded, route, content)

    assert_problem(response, 400, route.code, field=field)
    assert seeded.snapshot() == before


def _mutated(route: WriteRoute, seeded: Seeded, dotted: str, value: Any) -> bytes:
    return json.dumps(with_value(route.valid_body(seeded.world), dotted, value)).encode()


# --------------------------------------------------------------------------- strict types

_STRICT: list[tuple[str, str, Any]] = [
    ("create campaign", "options.showAccessCode", "true"),
    ("create campaign", "slack.noAlert", "false"),
    ("create campaign", "locales.0.is_default", "true"),
    ("create campaign", "preferences.0.is_optional", 0),
    ("create campaign", "date.open", EPOCH),
    ("create campaign", "date.sendReminderEmails.0", EPOCH),
    ("create campaign", "version", "5"),
    ("update campaign", "options.useGenericBranding", "true"),
    ("update campaign", "date.close", EPOCH),
    ("update campaign", "date.presaleWindowStart", float(EPOCH)),
    ("update campaign", "date.sendReminderEmails.0", EPOCH),
    ("update campaign", "version", "5"),
    ("faqs", "landing.open.0", 5),
    ("terms", "terms", True),
    ("contacts", "0", 5),
    ("contacts", "1.keyword", "vip"),
    ("create market", "population", "5"),
    ("create market", "event.date", EPOCH),
    ("create market", "notification.date", EPOCH),
    ("create market", "point.coordinates.0", "-118.2437"),
    ("update market", "population", "5"),
    ("update market", "event.presaleDateTime", EPOCH),
    ("clone markets", "fromCampaignId", 5),
    ("schedule notifications", "notificationDate", EPOCH),
    ("schedule notifications", "marketIds.0", 5),
    ("mark notified", "marketIds.0", True),
    ("create promoter", "privacyUrls.0.is_default", "true"),
    ("update promoter", "privacyUrls.0.is_default", 1),
    ("upsert event status", "date.end", EPOCH),
    ("upsert event status", "status", 5),
]


@pytest.mark.parametrize(
    ("route_name", "field", "value"),
    [pytest.param(name, field, value, id=f"{name}: {field}={value!r}") for name, field, value in _STRICT],
)
def test_a_value_of_the_wrong_json_type_is_400_naming_the_field(
    seeded: Seeded, route_name: str, field: str, value: Any
) -> None:
    """`"true"` is not a boolean, `1700000000` is not an instant, `"5"` is not a number (spec §3)."""
    route = route_named(route_name)

    _refused(seeded, route, _mutated(route, seeded, field, value), field=field)


def test_the_strict_cases_cover_every_write_route() -> None:
    assert {name for name, _, _ in _STRICT} == {route.name for route in WRITE_ROUTES}


# --------------------------------------------------------------------------- instants that overflow UTC

_INSTANT_FIELDS: list[tuple[str, str]] = [
    ("create campaign", "date.open"),
    ("create campaign", "date.presaleWindowStart"),
    ("create campaign", "date.sendReminderEmails.0"),
    ("update campaign", "date.close"),
    ("update campaign", "date.presaleWindowEnd"),
    ("update campaign", "date.sendReminderEmails.0"),
    ("create market", "event.date"),
    ("create market", "notification.date"),
    ("update market", "event.presaleDateTime"),
    ("schedule notifications", "notificationDate"),
    ("upsert event status", "date.end"),
]


@pytest.mark.parametrize("instant", OVERFLOWING_INSTANTS)
@pytest.mark.parametrize(
    ("route_name", "field"), [pytest.param(name, field, id=f"{name}: {field}") for name, field in _INSTANT_FIELDS]
)
def test_an_instant_outside_years_1_to_9999_in_utc_is_400_naming_the_field(
    seeded: Seeded, route_name: str, field: str, instant: str
) -> None:
    route = route_named(route_name)

    _refused(seeded, route, _mutated(route, seeded, field, instant), field=field)


@pytest.mark.parametrize("route_name", ["create market", "update market"])
def test_an_integer_beyond_64_bits_is_400_naming_the_field(seeded: Seeded, route_name: str) -> None:
    route = route_named(route_name)
    body = json.dumps(route.valid_body(seeded.world)).replace("3979576", "9" * 400).encode()

    _refused(seeded, route, body, field="population")


# --------------------------------------------------------------------------- malformed shapes

MARK = "\u2603hostile\u2603"


def _at_first_leaf(raw: bytes) -> Callable[[bytes], bytes]:
    """Put `raw` (JSON text, or not) where the first string of the valid body was."""

    def build(valid: bytes) -> bytes:
        document = json.loads(valid)
        marked = _mark_first_string(document)
        return (
            json.dumps(marked, ensure_ascii=False).encode().replace(json.dumps(MARK, ensure_ascii=False).encode(), raw)
        )

    return build


def _mark_first_string(value: Any) -> Any:
    pending = [value]
    while pending:
        current = pending.pop(0)
        items = list(current.items()) if isinstance(current, dict) else list(enumerate(current))
        for key, item in items:
            if isinstance(item, str):
                current[key] = MARK
                return value
            if isinstance(item, dict | list):
                pending.append(item)
    raise AssertionError(f"no string in {value!r}")


def _nested(depth: int, *, objects: bool) -> bytes:
    if objects:
        return b'{"a":' * depth + b"1" + b"}" * depth
    return b"[" * depth + b"]" * depth


_SHAPES: list[tuple[str, Callable[[bytes], bytes]]] = [
    ("arrays nested 10,000 deep", lambda _: _nested(10_000, objects=False)),
    ("objects nested 10,000 deep", lambda _: _nested(10_000, objects=True)),
    ("a value nested 10,000 deep", _at_first_leaf(_nested(10_000, objects=False))),
    ("a value nested 100 deep", _at_first_leaf(_nested(100, objects=True))),
    ("invalid UTF-8", _at_first_leaf(b'"caf\xff"')),
    ("overlong UTF-8 encoding", _at_first_leaf(b'"\xc0\xaf"')),
    ("UTF-8 encoded surrogate", _at_first_leaf(b'"\xed\xa0\x80"')),
    ("five-byte UTF-8 sequence", _at_first_leaf(b'"\xf8\x88\x80\x80\x80"')),
    ("lone surrogate escape", _at_first_leaf(b'"\\ud800"')),
    ("invalid byte outside strings", _at_first_leaf(b"\xff")),
    ("number beyond a double", _at_first_leaf(b"1e999999")),
    ("negative number beyond a double", _at_first_leaf(b"-1e999999")),
    ("400-digit integer", _at_first_leaf(b"9" * 400)),
    ("5000-digit integer", _at_first_leaf(b"9" * 5000)),
    ("NaN literal", _at_first_leaf(b"NaN")),
    ("Infinity literal", _at_first_leaf(b"Infinity")),
    ("-Infinity literal", _at_first_leaf(b"-Infinity")),
    ("truncated", lambda valid: valid[: len(valid) // 2]),
    ("trailing garbage", lambda valid: valid + b" trailing"),
    ("two documents", lambda valid: valid + valid),
    ("byte order mark", lambda valid: b"\xef\xbb\xbf" + valid),
    ("UTF-16", lambda valid: valid.decode().encode("utf-16")),
    ("empty", lambda _: b""),
    ("null", lambda _: b"null"),
    ("a bare number", lambda _: b"42"),
    ("a bare string", lambda _: b'"body"'),
    ("whitespace only", lambda _: b" \n\t "),
]


@pytest.mark.parametrize(("shape", "build"), [pytest.param(name, build, id=name) for name, build in _SHAPES])
@pytest.mark.parametrize("route", [pytest.param(route, id=route.name) for route in WRITE_ROUTES])
def test_a_malformed_body_is_400_and_writes_nothing(
    seeded: Seeded, route: WriteRoute, shape: str, build: Callable[[bytes], bytes]
) -> None:
    valid = json.dumps(route.valid_body(seeded.world)).encode()
    content = build(valid)
    assert content != valid, shape

    _refused(seeded, route, content)


def test_a_body_nested_past_the_limit_names_where(seeded: Seeded) -> None:
    route = route_named("create campaign")
    deep: Any = "bottom"
    for _ in range(70):
        deep = {"inner": deep}
    body = _mutated(route, seeded, "content.en.landing", {"blocks": deep})

    before = seeded.snapshot()
    response = _post(seeded, route, body)

    problem = assert_problem(response, 400, "INVALID_CAMPAIGN_SCHEMA")
    assert problem["errors"][0]["field"].startswith("content.en.landing.blocks.inner"), problem
    assert seeded.snapshot() == before


def test_content_nested_within_the_limit_is_kept(seeded: Seeded) -> None:
    """The depth limit is far above what a campaign's free-form content needs."""
    route = route_named("create campaign")
    deep: Any = "bottom"
    for _ in range(25):
        deep = {"inner": [deep]}
    body = with_value(route.valid_body(seeded.world), "content.en.landing", {"blocks": deep})
    body["domain"] = {"site": "nested-ok", "preview": "preview-nested-ok"}

    response = seeded.client.post("/campaigns", json=body, headers=seeded.supreme)

    assert response.status_code == 201, response.text
    stored = seeded.client.get(f"/campaigns/{response.json()['id']}", headers=seeded.supreme).json()
    assert stored["content"]["en"]["landing"] == {"blocks": deep}


def test_every_route_taking_a_body_is_covered(seeded: Seeded) -> None:
    document = seeded.client.get("/schema/openapi.json").json()
    with_body = {
        _normalised(path)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method == "post" and "requestBody" in operation
    }

    assert with_body == {_normalised(route.template) for route in WRITE_ROUTES}


def _normalised(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{id}", path)
