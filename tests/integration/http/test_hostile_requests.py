"""Requests no client should send: absurd token claims and bodies that are not JSON."""

from __future__ import annotations

import json
import time

import pytest

from tests.integration.http.support import Api, Client, Tokens, assert_problem, bearer, valid_campaign_body

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"exp": 10**400}, id="exp-beyond-a-float"),
        pytest.param({"exp": float("inf")}, id="exp-infinity"),
        pytest.param({"nbf": float("inf")}, id="nbf-infinity"),
        pytest.param({"iat": float("inf")}, id="iat-infinity"),
        pytest.param({"exp": "tomorrow"}, id="exp-a-string"),
    ],
)
async def test_a_validly_signed_token_with_absurd_instants_is_401(
    client: Client, tokens: Tokens, claims: dict[str, object]
) -> None:
    token = tokens.sign({"userId": "u1", "supreme": True, "exp": int(time.time()) + 3600, **claims})

    response = await client.get("/campaigns/list", headers=bearer(token))

    body = assert_problem(response, 401, "UNAUTHENTICATED")
    assert "x-titan-correlation-id" in response.headers
    assert body["detail"]


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"],
)
async def test_a_body_that_is_not_json_is_415_and_writes_nothing(api: Api, client: Client, content_type: str) -> None:
    response = await client.post(
        "/campaigns", content=b'{"name": "x"}', headers={**api.supreme, "Content-Type": content_type}
    )

    assert_problem(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert await api.total() == 0


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "application/merge-patch+json"]
)
async def test_json_and_plus_json_bodies_are_accepted(api: Api, client: Client, content_type: str) -> None:
    response = await client.post(
        "/campaigns",
        content=json.dumps(valid_campaign_body("plus-json")).encode(),
        headers={**api.supreme, "Content-Type": content_type},
    )

    assert response.status_code == 201, response.text


async def test_a_body_without_a_content_type_is_415(api: Api, client: Client) -> None:
    response = await client.post("/campaigns", content=b"{}", headers={**api.supreme, "Content-Type": ""})

    assert_problem(response, 415, "UNSUPPORTED_MEDIA_TYPE")
