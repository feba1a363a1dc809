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


@pytest.mark.parametrize("route", ["/campaigns/eventIds", "/campaigns/categoryIds"])
@pytest.mark.parametrize("instant", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
async def test_a_query_instant_outside_years_1_to_9999_in_utc_is_400_naming_it(
    api: Api, client: Client, route: str, instant: str
) -> None:
    response = await client.get(
        route,
        params={"presaleQueryStartDate": "2030-01-01T00:00:00Z", "presaleQueryEndDate": instant},
        headers=api.supreme,
    )

    assert_problem(response, 400, "INVALID_QUERY", field="presaleQueryEndDate")


async def test_a_date_only_query_value_means_midnight_utc(api: Api, client: Client) -> None:
    window = {"presaleWindowStart": "2030-02-01T00:00:00Z", "presaleWindowEnd": "2030-02-01T06:00:00Z"}
    await api.create(valid_campaign_body("date-only", eventIds=["ev-date"], date=window))

    response = await client.get(
        "/campaigns/eventIds",
        params={"presaleQueryStartDate": "2030-01-31", "presaleQueryEndDate": "2030-02-01"},
        headers=api.supreme,
    )

    assert response.status_code == 200, response.text
    assert response.json() == ["ev-date"]
