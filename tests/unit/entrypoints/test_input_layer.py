"""The shared input layer on a bare Litestar app: which parameters it reads, and how (ADR 0009)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from typing import Annotated, Any

import msgspec
import pytest
from litestar import Litestar, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.testing import TestClient

from campaigns.domain.errors import FieldError, InvalidQuery
from campaigns.entrypoints.http.errors import handle_exception
from campaigns.entrypoints.http.inputs import query_choice, query_flag, query_instant, screen_input

# `unmarked` below is declared in Litestar 2's inferred style on purpose: the layer must read it too.
pytestmark = pytest.mark.filterwarnings("ignore:.*'unmarked' declared using deprecated inferred style")


class Colour(enum.StrEnum):
    RED = "red"
    DARK_BLUE = "Dark-Blue"


class Body(msgspec.Struct, forbid_unknown_fields=True):
    flag: bool
    at: Annotated[dt.datetime, msgspec.Meta(tz=True)] | None = None


@get("/read/{item:int}", sync_to_thread=False)
def read(
    item: FromPath[int],
    answer: NamedDependency[int],
    unmarked: bool = False,
    colour: Annotated[Colour | None, QueryParameter(name="Colour")] = None,
    since: FromQuery[dt.datetime | None] = None,
    text: FromQuery[str] = "default",
) -> dict[str, Any]:
    return {
        "item": item,
        "answer": answer,
        "unmarked": unmarked,
        "colour": colour,
        "since": since.isoformat() if since else None,
        "text": text,
    }


@post("/write", sync_to_thread=False, opt={"body_error_code": "INVALID_MARKET_SCHEMA"})
def write(data: JSONBody[Body]) -> dict[str, Any]:
    return {"flag": data.flag}


@post("/decoded-once")
async def decoded_once(request: Request[Any, Any, Any], data: JSONBody[Body]) -> dict[str, Any]:
    return {"same": data is await request.json()}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient[Litestar]]:
    app = Litestar(
        route_handlers=[read, write, decoded_once],
        dependencies={"answer": Provide(lambda: 42, sync_to_thread=False)},
        before_request=screen_input,
        exception_handlers={Exception: handle_exception},
    )
    with TestClient(app=app) as test_client:
        yield test_client


def test_unmarked_query_parameters_are_read_too_but_not_paths_or_dependencies(client: TestClient[Litestar]) -> None:
    response = client.get("/read/7", params={"unmarked": "TRUE", "item": "", "answer": "", "Colour": "dark-blue"})

    assert response.status_code == 200, response.text
    assert response.json() == {
        "item": 7,
        "answer": 42,
        "unmarked": True,
        "colour": "Dark-Blue",
        "since": None,
        "text": "default",
    }


def test_query_values_are_read_by_their_declared_type(client: TestClient[Litestar]) -> None:
    response = client.get("/read/1", params={"since": "2030-01-15 01:00", "text": "", "unmarked": "0"})

    assert response.json()["since"] == "2030-01-15T01:00:00+00:00"
    assert response.json()["text"] == "default"
    assert response.json()["unmarked"] is False


def test_a_bad_query_value_names_the_parameter_as_sent(client: TestClient[Litestar]) -> None:
    response = client.get("/read/1", params={"Colour": "green", "unmarked": "yes"})

    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_QUERY"
    assert {e["field"] for e in response.json()["errors"]} == {"Colour", "unmarked"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"flag": "true"}', "flag"),
        (b'{"flag": true, "at": 1700000000}', "at"),
        (b'{"flag": true, "at": "0001-01-01T00:00:00+00:01"}', "at"),
        (b'{"flag": true, "other": 1}', "other"),
        (b"[" * 5000 + b"]" * 5000, "body"),
        (b'{"flag": "\xc0\xaf"}', "flag"),  # the wrong type is seen before the bad bytes
    ],
)
def test_a_body_is_strict_and_refused_with_the_route_code(
    client: TestClient[Litestar], body: bytes, field: str
) -> None:
    response = client.post("/write", content=body, headers={"content-type": "application/json"})

    assert response.status_code == 400, response.text
    assert response.json()["code"] == "INVALID_MARKET_SCHEMA"
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_a_valid_body_reaches_the_handler(client: TestClient[Litestar]) -> None:
    response = client.post("/write", json={"flag": True, "at": "2030-01-15T12:00:00+01:00"})

    assert response.status_code == 201, response.text
    assert response.json() == {"flag": True}


def test_the_handler_takes_the_body_the_layer_decoded_not_a_second_decoding(client: TestClient[Litestar]) -> None:
    response = client.post("/decoded-once", json={"flag": True})

    assert response.json() == {"same": True}


@pytest.mark.parametrize(("raw", "expected"), [("TRUE", True), ("1", True), (" false ", False), ("0", False)])
def test_query_flag(raw: str, expected: bool) -> None:
    assert query_flag("f", raw) is expected


def test_query_choice_matches_values_in_any_case() -> None:
    assert query_choice("c", "DARK-blue", Colour) is Colour.DARK_BLUE
    with pytest.raises(InvalidQuery) as refused:
        query_choice("c", "DARK_BLUE", Colour)
    assert refused.value.errors == [
        FieldError(field="c", message="Must be one of: red, Dark-Blue (any case).", code="INVALID_QUERY")
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2030-01-15", dt.datetime(2030, 1, 15, tzinfo=dt.UTC)),
        ("2030-01-15T12:00:00+02:00", dt.datetime(2030, 1, 15, 10, tzinfo=dt.UTC)),
        ("2030-01-15T12:00:00 02:00", dt.datetime(2030, 1, 15, 10, tzinfo=dt.UTC)),
        ("0001-01-01T00:00:00-14:00", dt.datetime(1, 1, 1, 14, tzinfo=dt.UTC)),
        ("", None),
    ],
)
def test_query_instant(raw: str, expected: dt.datetime | None) -> None:
    assert query_instant("i", raw) == expected


@pytest.mark.parametrize("raw", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1700000000", "soon"])
def test_query_instant_refuses_what_is_not_an_instant_in_range(raw: str) -> None:
    with pytest.raises(InvalidQuery):
        query_instant("i", raw)
