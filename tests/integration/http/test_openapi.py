"""The OpenAPI 3.1 document: every campaign operation, named, with its problem responses documented."""

from __future__ import annotations

import re

import pytest

from tests.integration.http.support import Client, Json, Tokens, bearer

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
