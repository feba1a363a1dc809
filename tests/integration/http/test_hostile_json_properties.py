"""Generated hostile JSON on every write route: only a 400 with the route's body code, and nothing written.

Each example starts from a body the route would accept and breaks it in one way (spec §3, §4):
a value of a JSON type its declared field does not take (read from the route's body type, at any
level: `"true"` for a boolean, an epoch for an instant, an object for a list...), nesting past any
sane depth, bytes that are not UTF-8, numbers no double or 64-bit integer holds, an instant whose
offset pushes it outside years 1-9999 in UTC, or a body that is no JSON document at all.
A second property adds a key MongoDB cannot store (a NUL character, a leading `$`, a `.`) to any
object of the body, opaque content included: a 400 naming that key.
One seeded app per store serves every example, so a refused request must leave the world as it was.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaigns.domain.errors import field_path
from tests.integration.http.conftest import STORES
from tests.integration.http.write_routes import WRITE_ROUTES, Seeded, World, WriteRoute, path_of, seeded_on_store

pytestmark = pytest.mark.integration

Path_ = tuple[str | int, ...]
JSON = {"content-type": "application/json"}
MARK = "\u2603hostile\u2603"
_MARK_TEXT = json.dumps(MARK, ensure_ascii=False).encode()

# --------------------------------------------------------------------------- what a declared type takes

_KINDS_OF: dict[type, frozenset[str]] = {
    msgspec.inspect.NoneType: frozenset({"null"}),
    msgspec.inspect.BoolType: frozenset({"bool"}),
    msgspec.inspect.IntType: frozenset({"int"}),
    msgspec.inspect.FloatType: frozenset({"int", "float"}),
    msgspec.inspect.StrType: frozenset({"str"}),
    msgspec.inspect.DateTimeType: frozenset({"str"}),
    msgspec.inspect.ListType: frozenset({"array"}),
    msgspec.inspect.TupleType: frozenset({"array"}),
    msgspec.inspect.VarTupleType: frozenset({"array"}),
    msgspec.inspect.DictType: frozenset({"object"}),
    msgspec.inspect.StructType: frozenset({"object"}),
}


def accepted_kinds(info: msgspec.inspect.Type) -> frozenset[str] | None:
    """The JSON kinds a declared type decodes from; None when it takes anything (or we cannot tell)."""
    if isinstance(info, msgspec.inspect.Metadata):
        return accepted_kinds(info.type)
    if isinstance(info, msgspec.inspect.UnionType):
        members = [accepted_kinds(member) for member in info.types]
        return None if any(kinds is None for kinds in members) else frozenset().union(*members)  # type: ignore[arg-type]
    if isinstance(info, msgspec.inspect.EnumType):
        return frozenset(_kind(member.value) for member in info.cls)
    return _KINDS_OF.get(type(info))


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    return "array" if isinstance(value, list) else "object"


def _member_for(info: msgspec.inspect.Type, value: Any) -> msgspec.inspect.Type | None:
    """The alternative of a declared type that describes `value`'s children (None: untyped below)."""
    if isinstance(info, msgspec.inspect.Metadata):
        return _member_for(info.type, value)
    if isinstance(info, msgspec.inspect.UnionType):
        kind = _kind(value)
        return next((m for m in info.types if kind in (accepted_kinds(m) or frozenset())), None)
    return info


def typed_nodes(value: Any, info: msgspec.inspect.Type | None, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every node of a valid body whose declared type is known, with that type."""
    if info is None or accepted_kinds(info) is None:
        return
    yield path, info
    member = _member_for(info, value)
    if isinstance(member, msgspec.inspect.StructType) and isinstance(value, dict):
        fields = {field.encode_name: field.type for field in member.fields}
        for key, item in value.items():
            yield from typed_nodes(item, fields.get(key), (*path, key))
    elif isinstance(member, msgspec.inspect.DictType) and isinstance(value, dict):
        for key, item in value.items():
            yield from typed_nodes(item, member.value_type, (*path, key))
    elif isinstance(member, msgspec.inspect.ListType) and isinstance(value, list):
        for index, item in enumerate(value):
            yield from typed_nodes(item, member.item_type, (*path, index))
    elif isinstance(member, msgspec.inspect.TupleType) and isinstance(value, list):
        for index, item in enumerate(value):
            yield from typed_nodes(item, member.item_types[index], (*path, index))


def every_node(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    yield path, value
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, item in children:
        yield from every_node(item, (*path, key))


def replaced(body: Any, path: Path_, value: Any) -> Any:
    if not path:
        return value
    copied = json.loads(json.dumps(body))
    target = copied
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return copied


def spliced(body: Any, path: Path_, raw: bytes) -> bytes:
    """`body` as JSON bytes with the node at `path` replaced by `raw`, which need not be JSON at all."""
    return json.dumps(replaced(body, path, MARK), ensure_ascii=False).encode().replace(_MARK_TEXT, raw)


# --------------------------------------------------------------------------- hostile values

_BY_KIND: dict[str, st.SearchStrategy[Any]] = {
    "null": st.none(),
    "bool": st.booleans(),
    "int": st.sampled_from([0, 1, -1, 5, 1_700_000_000, 2**63 - 1]),
    "float": st.sampled_from([0.5, -1.5, 1.7e9, 1e308]),
    "str": st.sampled_from(["true", "false", "5", "1700000000", "2030-01-15T12:00:00Z", "null", ""]),
    "array": st.sampled_from([[], ["true"], [1700000000], [{}]]),
    "object": st.sampled_from([{}, {"value": "5"}, {"0": True}]),
}


def outside(kinds: frozenset[str]) -> st.SearchStrategy[Any]:
    """A JSON value of a kind the declared type refuses."""
    return st.one_of(*(strategy for kind, strategy in _BY_KIND.items() if kind not in kinds))


def overflowing_instant() -> st.SearchStrategy[str]:
    """An ISO-8601 instant whose offset takes it before year 1 or after year 9999 once in UTC."""
    minutes = st.integers(0, 24 * 60 - 2)

    @st.composite
    def build(draw: st.DrawFn) -> str:
        at = draw(minutes)
        offset = draw(st.integers(at + 1, 24 * 60 - 1))  # an offset beyond the time of day crosses midnight
        clock, shift = f"{at // 60:02}:{at % 60:02}", f"{offset // 60:02}:{offset % 60:02}"
        if draw(st.booleans()):
            return f"0001-01-01T{clock}:00+{shift}"
        late = 24 * 60 - 1 - at  # 9999-12-31 counted back from its last minute
        return f"9999-12-31T{late // 60:02}:{late % 60:02}:59-{shift}"

    return build()


_BAD_UTF8 = [b"\xff", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80", b"caf\xe9"]
_NOT_NUMBERS = [b"NaN", b"Infinity", b"-Infinity", b"+1", b"0x10", b".5", b"01"]


@st.composite
def hostile_body(draw: st.DrawFn, route: WriteRoute, body: Any) -> bytes:
    """`body`, which the route would accept, broken in one hostile way."""
    typed = [(path, info) for path, info in typed_nodes(body, msgspec.inspect.type_info(route.declared))]
    nodes = [path for path, _ in every_node(body)]
    strings = [path for path, value in every_node(body) if isinstance(value, str)]
    how = draw(st.sampled_from(["wrong type", "deep", "encoding", "number", "instant", "document"]))
    if how == "wrong type":
        path, info = draw(st.sampled_from(typed))
        return json.dumps(replaced(body, path, draw(outside(accepted_kinds(info) or frozenset())))).encode()
    if how == "deep":
        depth = draw(st.integers(70, 10_000))
        opening, closing = draw(st.sampled_from([(b"[", b"]"), (b'{"a":', b"}")]))
        return spliced(body, draw(st.sampled_from(nodes)), opening * depth + b"0" + closing * depth)
    if how == "encoding" and strings:
        text = json.dumps(draw(st.text(max_size=8)))[1:-1].encode()
        return spliced(body, draw(st.sampled_from(strings)), b'"' + text + draw(st.sampled_from(_BAD_UTF8)) + b'"')
    if how == "number":
        digits = str(draw(st.integers(1, 9))) + "9" * draw(st.integers(309, 4400))  # no double, no 64 bits
        exponent = f"{draw(st.sampled_from(['', '-']))}1e{draw(st.integers(400, 999_999))}"
        raw = draw(st.sampled_from([digits.encode(), f"-{digits}".encode(), exponent.encode(), *_NOT_NUMBERS]))
        return spliced(body, draw(st.sampled_from(nodes)), raw)
    instants = [path for path, info in typed if _is_instant(info)]
    if how == "instant" and instants:
        return json.dumps(replaced(body, draw(st.sampled_from(instants)), draw(overflowing_instant()))).encode()
    valid = json.dumps(body).encode()
    return draw(
        st.sampled_from(
            [b"", b"null", b"true", b"42", b'"body"', valid[: len(valid) // 2], valid + b"}", b"\xef\xbb\xbf" + valid]
        )
    )


def _is_instant(info: msgspec.inspect.Type) -> bool:
    if isinstance(info, msgspec.inspect.UnionType):
        return any(isinstance(member, msgspec.inspect.DateTimeType) for member in info.types)
    return isinstance(info, msgspec.inspect.DateTimeType)


# --------------------------------------------------------------------------- the property


# --------------------------------------------------------------------------- keys no store can keep


def unstorable_key() -> st.SearchStrategy[str]:
    """A key with a NUL character, a leading `$` or a `.` somewhere."""
    text = st.text(st.characters(codec="utf-8"), max_size=5)
    return st.one_of(
        st.builds("{}\x00{}".format, text, text),
        st.builds("${}".format, text),
        st.builds("{}.{}".format, text, text),
    )


_ANY_VALUE: st.SearchStrategy[Any] = st.sampled_from([None, True, 1, 2.5, "x", [], {}, {"k": [1, {"deep": None}]}])


@st.composite
def with_unstorable_key(draw: st.DrawFn, route: WriteRoute, body: Any) -> tuple[Any, str]:
    """`body` with an unstorable key added to one of its objects, and the `field` a 400 must name.

    The value given to the key is one the object's declared type takes (a copy of a sibling in a
    typed map), so that the key is the only thing wrong. An object the body declares as a struct
    refuses the key as unknown while decoding, where a key of a typed map on the way is named
    `[...]`, as for any decoding error; a map, opaque content included, names its whole path.
    """
    typed = dict(typed_nodes(body, msgspec.inspect.type_info(route.declared)))
    objects = [(path, value) for path, value in every_node(body) if isinstance(value, dict)]
    path, target = draw(st.sampled_from(objects))
    declared = typed.get(path)
    member = None if declared is None else _member_for(declared, target)
    key = draw(unstorable_key())
    if isinstance(member, msgspec.inspect.DictType) and accepted_kinds(member.value_type) is not None:
        value = draw(st.sampled_from(list(target.values())))  # the bodies' typed maps are never empty
    else:
        value = draw(_ANY_VALUE)
    broken = replaced(body, path, {**target, key: value})
    if isinstance(member, msgspec.inspect.StructType):
        return broken, field_path(_as_decoding_names(path, typed, body), key)
    return broken, functools.reduce(field_path, (*path, key), "")


def _as_decoding_names(path: Path_, typed: dict[Path_, Any], body: Any) -> str:
    """`path` as a decoding error names it: a key of a typed map is `[...]`."""
    named, node = "", body
    for index, step in enumerate(path):
        declared = typed.get(path[:index])
        in_map = declared is not None and isinstance(_member_for(declared, node), msgspec.inspect.DictType)
        named = f"{named}[...]" if in_map else field_path(named, step)
        node = node[step]
    return named


@pytest.fixture(scope="module", params=STORES)
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    yield from seeded_on_store(request, Path(tmp_path_factory.mktemp("hostile-json")))


def test_hostile_json_on_any_write_route_is_a_400_that_writes_nothing(seeded: Seeded) -> None:
    world_before = seeded.snapshot()

    @given(data=st.data(), route=st.sampled_from(WRITE_ROUTES))
    def check(data: st.DataObject, route: WriteRoute) -> None:
        content = data.draw(hostile_body(route, route.valid_body(seeded.world)), label="body")

        response = seeded.client.post(path_of(route, seeded.world), content=content, headers={**seeded.supreme, **JSON})

        assert response.status_code == 400, (route.name, content[:300], response.text)
        assert response.json()["code"] == route.code, (route.name, response.text)
        assert seeded.snapshot() == world_before, (route.name, content[:300])

    check()


def test_a_key_no_store_can_keep_is_a_400_naming_it_on_any_write_route(seeded: Seeded) -> None:
    world_before = seeded.snapshot()

    @given(data=st.data(), route=st.sampled_from(WRITE_ROUTES))
    def check(data: st.DataObject, route: WriteRoute) -> None:
        body, field = data.draw(with_unstorable_key(route, route.valid_body(seeded.world)), label="body and field")

        response = seeded.client.post(path_of(route, seeded.world), json=body, headers=seeded.supreme)

        assert response.status_code == 400, (route.name, body, response.text)
        problem = response.json()
        assert problem["code"] == route.code, (route.name, response.text)
        assert field in [error["field"] for error in problem["errors"]], (route.name, field, response.text)
        assert seeded.snapshot() == world_before, (route.name, body)

    check()


def test_the_generator_knows_every_routes_typed_fields() -> None:
    """Guards the property's strength: every route's body has typed fields to break, and instants are found."""
    world = World(campaign_id="a" * 24, market_id="b" * 24, promoter_id="c" * 24)
    typed = {
        route.name: dict(typed_nodes(route.valid_body(world), msgspec.inspect.type_info(route.declared)))
        for route in WRITE_ROUTES
    }

    assert all(len(nodes) > 1 for nodes in typed.values()), typed
    assert _is_instant(typed["update campaign"]["date", "sendReminderEmails", 0])
    assert _is_instant(typed["create market"]["event", "date"])
    assert accepted_kinds(typed["create market"]["point", "coordinates", 0]) == frozenset({"int", "float"})
    assert accepted_kinds(typed["contacts"][(0,)]) == frozenset({"str", "object"})
    assert ("content", "en", "landing", "title") not in typed["create campaign"], "free-form content takes anything"
