"""The OpenAPI 3.1 document: every campaign operation, named, with its problem responses documented."""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import re
import subprocess
import sys
from importlib.metadata import version
from typing import Any

import pytest
from litestar.handlers import HTTPRouteHandler

import campaigns
from campaigns.application.use_case_errors import ERRORS_BY_USE_CASE
from campaigns.entrypoints.http.documentation import DocumentedProblem, route_problems
from campaigns.entrypoints.http.errors import status_of
from campaigns.entrypoints.http.examples import PROMOTER
from tests.integration.http.support import Api, Client, Json, Tokens, bearer
from tests.integration.http.support import valid_campaign_body as campaign_body
from tests.raised_errors import raised_by_function

pytestmark = pytest.mark.integration


EXPECTED_ERRORS: dict[tuple[str, str], set[int]] = {
    ("GET", "/campaigns"): {400, 401, 404, 429},
    ("GET", "/campaigns/status"): {400, 401, 404, 429},
    ("POST", "/campaigns"): {400, 401, 403, 409, 413},
    ("POST", "/campaigns/refresh"): {400, 401, 403},
    ("GET", "/campaigns/schedule"): {400, 401, 403},
    ("GET", "/campaigns/list"): {400, 401},
    ("GET", "/campaigns/events"): {400, 401},
    ("GET", "/campaigns/eventIds"): {400, 401},
    ("GET", "/campaigns/categoryIds"): {400, 401},
    ("GET", "/campaigns/ids"): {400, 401},
    ("GET", "/campaigns/{id}"): {401, 403, 404},
    ("POST", "/campaigns/{id}"): {400, 401, 403, 404, 409, 412, 413},
    ("GET", "/campaigns/{id}/status"): {401, 403, 404},
    ("GET", "/campaigns/{id}/faqs"): {400, 401, 403, 404},
    ("POST", "/campaigns/{id}/faqs"): {400, 401, 403, 404, 413},
    ("GET", "/campaigns/{id}/terms"): {400, 401, 403, 404},
    ("POST", "/campaigns/{id}/terms"): {400, 401, 403, 404, 413},
    ("GET", "/campaigns/{id}/contacts"): {401, 403, 404},
    ("POST", "/campaigns/{id}/contacts"): {400, 401, 403, 404, 412, 413},
    ("GET", "/campaigns/{id}/markets"): {400, 401, 403, 404},
    ("POST", "/campaigns/{id}/markets"): {400, 401, 403, 404, 409, 413},
    ("POST", "/campaigns/{id}/markets/clones"): {400, 401, 403, 404, 409, 413},
    ("GET", "/campaigns/{id}/markets/{id}"): {401, 403, 404},
    ("POST", "/campaigns/{id}/markets/{id}"): {400, 401, 403, 404, 409, 413},
    ("DELETE", "/campaigns/{id}/markets/{id}"): {401, 403, 404},
    ("GET", "/promoters"): {401, 403},
    ("POST", "/promoters"): {400, 401, 403, 409, 413},
    ("POST", "/promoters/{id}"): {400, 401, 403, 404, 409, 413},
    ("DELETE", "/promoters/{id}"): {401, 403, 404},
    ("GET", "/contacts"): {400, 401, 403},
    ("GET", "/markets/upcoming"): {401, 403},
    ("POST", "/markets/notifyDate"): {400, 401, 403, 404, 413},
    ("GET", "/markets/notifiable"): {401, 403},
    ("POST", "/markets/notified"): {400, 401, 403, 404, 413},
    ("GET", "/events"): {400, 401, 403},
    ("POST", "/events/{id}"): {400, 401, 403, 413},
    ("GET", "/artists"): {400, 401, 502, 503},
    ("GET", "/venues"): {400, 401, 502, 503},
    ("GET", "/artists/{id}"): {400, 401, 404, 502, 503},
    ("GET", "/venues/{id}"): {400, 401, 404, 502, 503},
}
"""The error statuses each campaign operation can answer (spec §3-§4), which its documentation must list."""


def _normalise(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{id}", path)


def _operations(document: Json) -> dict[tuple[str, str], Json]:
    return {
        (method.upper(), _normalise(path)): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }


async def _document(client: Client) -> Json:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200, response.text
    document: Json = response.json()
    return document


async def test_the_document_is_openapi_3_1_and_public(client: Client) -> None:
    document = await _document(client)

    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] == "campaigns"


async def test_every_campaign_operation_is_listed_with_a_unique_operation_id(client: Client) -> None:
    operations = _operations(await _document(client))

    assert set(EXPECTED_ERRORS) <= set(operations), sorted(set(EXPECTED_ERRORS) - set(operations))
    ids = [operation.get("operationId") for operation in operations.values()]
    assert all(isinstance(operation_id, str) and operation_id for operation_id in ids), ids
    assert len(ids) == len(set(ids)), ids
    assert {"heartbeat", "metrics"} <= set(ids)


OPERATION_KEYS = [pytest.param(key, id=f"{key[0]} {key[1]}") for key in EXPECTED_ERRORS]


@pytest.mark.parametrize("key", OPERATION_KEYS)
async def test_every_error_an_operation_can_answer_is_documented(client: Client, key: tuple[str, str]) -> None:
    operation = _operations(await _document(client))[key]

    documented = {int(status) for status in operation["responses"] if status.isdigit()}
    assert EXPECTED_ERRORS[key] <= documented, sorted(EXPECTED_ERRORS[key] - documented)


@pytest.mark.parametrize("key", OPERATION_KEYS)
async def test_documented_errors_are_problem_json(client: Client, key: tuple[str, str]) -> None:
    document = await _document(client)
    operation = _operations(document)[key]

    for status, response in operation["responses"].items():
        if int(status) < 400:
            continue
        content = response.get("content", {})
        assert list(content) == ["application/problem+json"], (status, content)
        reference = content["application/problem+json"]["schema"]["$ref"]
        assert reference == "#/components/schemas/Problem", (status, reference)
        assert response["description"], status
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "code"} <= set(problem["required"])


async def test_the_heartbeat_documents_its_errors_as_problem_json(client: Client) -> None:
    operation = _operations(await _document(client))[("GET", "/heartbeat")]

    for status, response in operation["responses"].items():
        if int(status) >= 400:
            assert list(response["content"]) == ["application/problem+json"], (status, response)


async def test_the_schema_ui_is_html(client: Client) -> None:
    response = await client.get("/schema")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text.lower()


PUBLIC_OPERATIONS = {("GET", "/heartbeat"), ("GET", "/metrics")}
"""Operations anyone may call: every other one needs a bearer token."""


async def test_every_operation_has_a_summary_of_its_own(client: Client) -> None:
    operations = _operations(await _document(client))

    for key, operation in operations.items():
        summary = operation.get("summary", "")
        assert " " in summary.strip(), (key, summary)  # a phrase, not the handler's name title-cased
    summaries = [operation["summary"] for operation in operations.values()]
    assert len(summaries) == len(set(summaries)), sorted(summaries)


async def test_the_bearer_scheme_is_declared_and_every_protected_operation_requires_it(client: Client) -> None:
    document = await _document(client)

    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    for key, operation in _operations(document).items():
        if key in PUBLIC_OPERATIONS:
            assert "security" not in operation, key
        else:
            assert operation.get("security") == [{"bearer": []}], key


async def test_path_parameters_and_required_queries_are_marked_required(client: Client) -> None:
    operations = _operations(await _document(client))

    for key, operation in operations.items():
        parameters = {p["name"]: p for p in operation.get("parameters", [])}
        for name, parameter in parameters.items():
            if parameter["in"] == "path":
                assert parameter.get("required") is True, (key, name)
    assert parameters_named(operations[("GET", "/campaigns")])["domain"]["required"] is True
    assert parameters_named(operations[("GET", "/campaigns/events")])["eventId"]["required"] is True
    assert parameters_named(operations[("GET", "/artists")])["q"]["required"] is True


def parameters_named(operation: Json) -> dict[str, Json]:
    return {parameter["name"]: parameter for parameter in operation.get("parameters", [])}


async def test_every_request_body_has_an_example(client: Client) -> None:
    operations = _operations(await _document(client))
    with_bodies = {key: op["requestBody"] for key, op in operations.items() if "requestBody" in op}

    assert len(with_bodies) >= 13, sorted(with_bodies)
    for key, body in with_bodies.items():
        assert body["required"] is True, key
        examples = body["content"]["application/json"]["schema"].get("examples")
        assert examples, key


async def test_the_examples_of_the_create_bodies_are_accepted(client: Client, tokens: Tokens) -> None:
    operations = _operations(await _document(client))
    headers = bearer(tokens.supreme())

    for path in ("/campaigns", "/promoters"):
        (example,) = operations[("POST", path)]["requestBody"]["content"]["application/json"]["schema"]["examples"]
        response = await client.post(path, json=example, headers=headers)
        assert response.status_code == 201, (path, response.text)


async def test_the_schema_page_loads_its_assets_from_the_service(client: Client) -> None:
    page = await client.get("/schema")

    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    assert len(urls) >= 4, urls  # the two scripts, the style sheet and the icon
    expected = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
    for url in urls:
        assert url.startswith("/schema/"), f"{url} is not served by the service"
        asset = await client.get(url)
        assert asset.status_code == 200, url
        suffix = url[url.rfind(".") :]
        assert asset.headers["content-type"].split(";")[0] == expected[suffix], (url, asset.headers["content-type"])
        assert len(asset.content) > 0
    assert "cdn" not in page.text.lower()
    assert (await client.get("/schema/swagger-ui/index.html")).status_code == 404, "only the files the page needs"


async def test_the_page_embeds_the_document_in_the_openapi_version_its_ui_reads(client: Client) -> None:
    page = await client.get("/schema")

    assert '"openapi":"3.0.3"' in page.text
    assert '{"type":"null"}' not in page.text, "3.1 null branches are written as nullable for Swagger UI 4"
    assert (await _document(client))["openapi"].startswith("3.1"), "the served document stays 3.1"


@pytest.mark.parametrize("key", [("POST", "/campaigns/{id}/markets"), ("POST", "/campaigns/{id}/markets/{id}")])
async def test_the_fields_a_market_body_ignores_are_documented_read_only(client: Client, key: tuple[str, str]) -> None:
    document = await _document(client)
    schema = _operations(document)[key]["requestBody"]["content"]["application/json"]["schema"]
    (reference,) = schema["allOf"]
    properties = document["components"]["schemas"][reference["$ref"].rsplit("/", 1)[-1]]["properties"]

    read_only = {name for name, field in properties.items() if field.get("readOnly") is True}

    assert read_only == {"id", "campaign_id", "date", "notification"}, properties
    assert "/markets/notifyDate" in properties["notification"]["description"]


def _documented_codes(operation: Json) -> dict[int, set[str]]:
    """Status -> the codes its response lists (`- `CODE`: ...` lines), checked against its examples."""
    found: dict[int, set[str]] = {}
    for status, response in operation["responses"].items():
        if int(status) < 400:
            continue
        listed = set(re.findall(r"^- `([A-Z_]+)`", response["description"], re.MULTILINE))
        examples = response["content"]["application/problem+json"]["examples"]
        assert {example["value"]["code"] for example in examples.values()} == listed, (status, listed)
        assert all(example["value"]["status"] == int(status) for example in examples.values()), status
        found[int(status)] = listed
    return found


async def test_each_error_response_lists_its_codes_with_an_example_of_each(client: Client) -> None:
    operations = _operations(await _document(client))

    for key, operation in operations.items():
        codes = _documented_codes(operation)
        assert codes.get(500) == {"INTERNAL_ERROR"}, key
        if key not in PUBLIC_OPERATIONS:
            assert "UNAUTHENTICATED" in codes.get(401, set()), key


HONEST_CODES: dict[tuple[str, str], tuple[set[str], set[str]]] = {
    ("POST", "/campaigns"): (
        {"CAMPAIGN_WITH_DOMAIN_EXISTS", "INVALID_CAMPAIGN_STATUS_CHANGE", "SUPREME_USER_REQUIRED", "PAYLOAD_TOO_LARGE"},
        {"MARKET_NAME_EXISTS", "PROMOTER_NAME_EXISTS", "CAMPAIGN_NOT_FOUND", "INVALID_CAMPAIGN_PERMISSIONS"},
    ),
    ("GET", "/campaigns"): (
        {"CAMPAIGN_NOT_FOUND", "INVALID_CAMPAIGN_PASSWORD", "TOO_MANY_ATTEMPTS", "INVALID_QUERY"},
        {"INVALID_CAMPAIGN_PERMISSIONS", "VERSION_MISMATCH", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"},
    ),
    ("POST", "/campaigns/{id}/markets"): (
        {"MARKET_NAME_EXISTS", "INVALID_MARKET_SCHEMA", "CAMPAIGN_NOT_FOUND", "UNSUPPORTED_MEDIA_TYPE"},
        {"PROMOTER_NAME_EXISTS", "CAMPAIGN_WITH_DOMAIN_EXISTS", "INVALID_CAMPAIGN_SCHEMA", "MARKET_NOT_FOUND"},
    ),
    ("POST", "/promoters"): (
        {"PROMOTER_NAME_EXISTS", "INVALID_PROMOTER_SCHEMA", "SUPREME_USER_REQUIRED"},
        {"MARKET_NAME_EXISTS", "CAMPAIGN_WITH_DOMAIN_EXISTS", "PROMOTER_NOT_FOUND", "INVALID_CAMPAIGN_SCHEMA"},
    ),
    ("GET", "/campaigns/{id}/markets/{id}"): (
        {"MARKET_NOT_FOUND", "CAMPAIGN_NOT_FOUND", "INVALID_CAMPAIGN_PERMISSIONS"},
        {"INVALID_QUERY", "MARKET_NAME_EXISTS", "PAYLOAD_TOO_LARGE"},
    ),
    ("GET", "/artists"): (
        {"DEPENDENCY_UNAVAILABLE", "INVALID_QUERY"},
        {"CAMPAIGN_NOT_FOUND", "INVALID_CAMPAIGN_PERMISSIONS", "SUPREME_USER_REQUIRED"},
    ),
    ("POST", "/campaigns/refresh"): ({"SUPREME_USER_REQUIRED"}, {"INVALID_CAMPAIGN_SCHEMA", "CAMPAIGN_NOT_FOUND"}),
    ("GET", "/metrics"): (set(), {"UNAUTHENTICATED", "INVALID_QUERY"}),
}
"""Per operation: codes it must list, and codes of other routes it must not."""


@pytest.mark.parametrize("key", [pytest.param(key, id=f"{key[0]} {key[1]}") for key in HONEST_CODES])
async def test_an_operation_lists_the_codes_its_route_gives_and_no_others(client: Client, key: tuple[str, str]) -> None:
    codes = set().union(*_documented_codes(_operations(await _document(client))[key]).values())
    must, must_not = HONEST_CODES[key]

    assert must <= codes, sorted(must - codes)
    assert not codes & must_not, sorted(codes & must_not)


def _route_handlers(app: Any) -> list[HTTPRouteHandler]:
    """The documented handlers of the Litestar app inside the service's middlewares (each keeps it as `_app`)."""
    while not hasattr(app, "routes"):
        app = app._app
    return [
        handler
        for route in app.routes
        for handler in getattr(route, "route_handlers", ())
        if isinstance(handler, HTTPRouteHandler) and handler.resolve_include_in_schema()
    ]


async def test_what_a_handler_raises_itself_is_documented_on_its_route(app: Any) -> None:
    """Errors raised in a handler's own code, outside the use cases it takes (a permission check, say)."""
    handlers = _route_handlers(app)

    assert len(handlers) >= 40
    for handler in handlers:
        problems = route_problems(handler)
        for error in raised_by_function(handler.fn):
            expected = {
                DocumentedProblem(status_of(error), code, error.default_message) for code in error.possible_codes()
            }
            assert expected <= set(problems), (handler, error)


async def test_every_use_case_a_handler_takes_is_in_the_table(app: Any) -> None:
    for handler in _route_handlers(app):
        for name, parameter in handler.parsed_fn_signature.parameters.items():
            if name in handler.resolve_dependencies() and name != "metrics":
                assert parameter.annotation in ERRORS_BY_USE_CASE, (handler, name)


CAMPAIGN_READS_AND_WRITES = [("GET", "/campaigns"), ("GET", "/campaigns/{id}"), ("POST", "/campaigns/{id}")]
IF_MATCH_WRITES = [
    ("POST", "/campaigns/{id}"),
    ("POST", "/campaigns/{id}/faqs"),
    ("POST", "/campaigns/{id}/terms"),
    ("POST", "/campaigns/{id}/contacts"),
]
CREATES = [("POST", "/campaigns"), ("POST", "/campaigns/{id}/markets"), ("POST", "/promoters")]


async def test_campaign_answers_declare_their_etag(client: Client) -> None:
    operations = _operations(await _document(client))

    for key in [*CAMPAIGN_READS_AND_WRITES, ("POST", "/campaigns")]:
        success = next(
            response for status, response in operations[key]["responses"].items() if status in {"200", "201"}
        )
        assert success["headers"]["ETag"]["required"] is True, key
        assert success["headers"]["ETag"]["schema"] == {"type": "string"}, key


async def test_writes_that_take_if_match_declare_it_and_its_412(client: Client) -> None:
    operations = _operations(await _document(client))

    for key in IF_MATCH_WRITES:
        headers = [p for p in operations[key]["parameters"] if p["in"] == "header"]
        assert [p["name"] for p in headers] == ["If-Match"], key
        assert headers[0]["required"] is False, key
        assert "VERSION_MISMATCH" in _documented_codes(operations[key])[412], key
    for key, operation in operations.items():
        if key not in IF_MATCH_WRITES:
            assert all(p["name"] != "If-Match" for p in operation.get("parameters", [])), key


async def test_creates_declare_a_201_with_its_location(client: Client) -> None:
    operations = _operations(await _document(client))

    for key in CREATES:
        created = operations[key]["responses"]["201"]
        assert created["headers"]["Location"]["required"] is True, key
        assert created["headers"]["Location"]["schema"] == {"type": "string"}, key
        assert "Location" in created["description"], key
    assert {key for key, op in operations.items() if "201" in op["responses"]} == set(CREATES)


async def test_creates_send_the_location_of_what_they_created(client: Client, tokens: Tokens) -> None:
    headers = bearer(tokens.supreme())
    created = await client.post("/campaigns", json=campaign_body("location-test"), headers=headers)
    assert created.status_code == 201, created.text
    campaign_id = created.json()["id"]
    assert created.headers["location"] == f"/campaigns/{campaign_id}"
    assert (await client.get(created.headers["location"], headers=headers)).json()["id"] == campaign_id

    market = await client.post(
        f"/campaigns/{campaign_id}/markets",
        json={"name": "Paris", "city": "Paris", "state": "IDF", "timezone": "Europe/Paris", "event": {"ids": ["e1"]}},
        headers=headers,
    )
    assert market.status_code == 201, market.text
    assert market.headers["location"] == f"/campaigns/{campaign_id}/markets/{market.json()['id']}"
    assert (await client.get(market.headers["location"], headers=headers)).json() == market.json()

    promoter = await client.post("/promoters", json=PROMOTER, headers=headers)
    assert promoter.status_code == 201, promoter.text
    assert promoter.headers["location"] == f"/promoters/{promoter.json()['id']}"


async def test_info_version_is_the_package_version(client: Client) -> None:
    document = await _document(client)

    assert document["info"]["version"] == version("campaigns")


INTERNAL_VOCABULARY = [
    r"\bports?\b",
    r"\badapters?\b",
    r"\bADRs?\b",
    r"fast lane",
    r"unit of work",
    r"use case",
    r"\boutbox",
    r"\bspec\b",
    r"\bmodules?\b",
    r"\.py\b",
    r"entrypoints",
    r"\bprotocol\b",
    r"event loop",
    r"compare-and-set",
    r"\btransactions?\b",
    r"unique index",
    r"litestar",
    r"msgspec",
    r"\bmemo\b",
    r"\bhandler\b",
    r"\btick\b",
    r"\bCDN\b",
]
"""Words of the code and its design, which an API caller has no use for."""


def _texts(node: Any, where: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [
            pair
            for key, value in node.items()
            for pair in (
                [(f"{where}/{key}", value)]
                if key in {"description", "summary"} and isinstance(value, str)
                else _texts(value, f"{where}/{key}")
            )
        ]
    if isinstance(node, list):
        return [pair for index, value in enumerate(node) for pair in _texts(value, f"{where}/{index}")]
    return []


async def test_no_description_speaks_of_the_code(client: Client) -> None:
    document = await _document(client)
    class_names = _code_class_names()

    texts = _texts(document)
    assert len(texts) > 100
    for where, text in texts:
        words = [word for word in INTERNAL_VOCABULARY if re.search(word, text, re.IGNORECASE)]
        names = [name for name in class_names if re.search(rf"\b{name}\b", text)]
        assert not words, (where, words, text)
        assert not names, (where, names, text)


def _code_class_names() -> set[str]:
    """Names of the service's classes spelled in CamelCase (`UpdateCampaign`, `PasswordVerifier`...)."""
    names = set()
    for info in pkgutil.walk_packages(campaigns.__path__, "campaigns."):
        module = importlib.import_module(info.name)
        names |= {
            name
            for name, value in vars(module).items()
            if inspect.isclass(value)
            and value.__module__ == module.__name__
            and re.fullmatch(r"(?:[A-Z][a-z0-9]+){2,}", name)
        }
    assert "UpdateCampaign" in names
    return names


async def test_the_markets_list_documents_both_of_its_shapes(client: Client, api: Api) -> None:
    created = await api.create(campaign_body("geo-shapes"))
    document = await _document(client)
    ok = _operations(document)[("GET", "/campaigns/{id}/markets")]["responses"]["200"]
    shapes = {ref["$ref"].rsplit("/", 1)[1] for ref in ok["content"]["application/json"]["schema"]["oneOf"]}

    as_geojson = await client.get(
        f"/campaigns/{created['id']}/markets", params={"useGeoJson": "true"}, headers=api.supreme
    )

    assert shapes == {"MarketListView", "MarketFeatureCollection"}
    assert as_geojson.json() == {"type": "FeatureCollection", "features": []}
    assert set(document["components"]["schemas"]["MarketFeatureCollection"]["required"]) == set(as_geojson.json())


_DUMP_DOCUMENT = """
import sys, tempfile
from litestar.testing import TestClient
from campaigns.config import load_settings
from campaigns.main.app import create_app_from_container
from campaigns.main.container import build_container
settings = load_settings({"CAMPAIGNS_DATA_DIR": tempfile.mkdtemp(), "CAMPAIGNS_LOG_LEVEL": "ERROR"})
with TestClient(create_app_from_container(build_container(settings))) as client:
    sys.stdout.buffer.write(client.get("/schema/openapi.json").content)
"""


def test_the_document_is_the_same_bytes_in_every_process() -> None:
    """Sets iterate in an order that differs between processes; the document must not show it."""
    documents = {
        subprocess.run(  # noqa: S603 - this interpreter, the script above
            [sys.executable, "-c", _DUMP_DOCUMENT],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            check=True,
        ).stdout
        for seed in (1, 2, 3)
    }

    assert len(documents) == 1
