"""Concurrent claims of one domain and concurrent writes of one version: exactly one winner, nothing else written."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping
from typing import Any, cast

import httpx
import pytest
from litestar.types import ASGIApp

from tests.integration.http.support import Api, Client, assert_problem, event_types, valid_campaign_body

pytestmark = pytest.mark.integration

CONTENDERS = 50


def _outcome(responses: list[httpx.Response]) -> Counter[int]:
    return Counter(response.status_code for response in responses)


async def _assert_one_campaign_won(api: Api, responses: list[httpx.Response]) -> None:
    assert _outcome(responses) == {201: 1, 409: CONTENDERS - 1}, [r.text for r in responses if r.status_code >= 500]
    for response in responses:
        if response.status_code == 409:
            assert_problem(response, 409, "CAMPAIGN_WITH_DOMAIN_EXISTS")
    (winner,) = [response.json() for response in responses if response.status_code == 201]
    assert await api.total() == 1
    created = [entry for entry in api.pending() if event_types([entry]) == ["campaign.created"]]
    assert len(created) == 1
    assert created[0].event.aggregate_id == winner["id"]


async def test_fifty_concurrent_creates_of_one_domain_through_the_test_client(api: Api, client: Client) -> None:
    body = valid_campaign_body("contested")

    responses = await asyncio.gather(
        *(client.post("/campaigns", json=body, headers=api.supreme) for _ in range(CONTENDERS))
    )

    await _assert_one_campaign_won(api, list(responses))


Requests = list[tuple[str, Mapping[str, Any], Mapping[str, str]]]
"""(url, JSON body, headers) of POST requests."""


async def _burst(app: ASGIApp, requests: Requests) -> list[httpx.Response]:
    """Send every request at once on the app's own event loop, so their awaits really interleave."""
    transport = httpx.ASGITransport(app=cast(Any, app))  # ASGIApp's ASGI types are narrower than httpx's
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        return list(
            await asyncio.gather(*(http.post(url, json=body, headers=dict(headers)) for url, body, headers in requests))
        )


async def test_fifty_interleaved_creates_of_one_domain(api: Api, client: Client, app: ASGIApp) -> None:
    """The test client serialises requests; this burst runs them concurrently inside the app's loop."""
    body = valid_campaign_body("contested")

    requests: Requests = [("/campaigns", body, api.supreme)] * CONTENDERS

    responses = client.blocking_portal.call(_burst, app, requests)

    await _assert_one_campaign_won(api, responses)


async def test_interleaved_creates_and_renames_onto_one_domain(api: Api, client: Client, app: ASGIApp) -> None:
    others = [await api.create(valid_campaign_body(f"other-{n}")) for n in range(5)]
    requests: Requests = [("/campaigns", valid_campaign_body("prized"), api.supreme) for _ in range(10)]
    requests += [(f"/campaigns/{other['id']}", {"domain": {"site": "prized"}}, api.supreme) for other in others]

    responses = client.blocking_portal.call(_burst, app, requests)

    assert sum(1 for r in responses if r.status_code in {200, 201}) == 1, [r.text for r in responses]
    for response in responses:
        if response.status_code not in {200, 201}:
            assert_problem(response, 409, "CAMPAIGN_WITH_DOMAIN_EXISTS")
    holder = await client.get("/campaigns", params={"domain": "prized"}, headers=api.supreme)
    assert holder.status_code == 200
    assert await api.total() == 5 + sum(1 for r in responses if r.status_code == 201)


async def test_interleaved_updates_of_one_version_have_one_winner(api: Api, client: Client, app: ASGIApp) -> None:
    created = await api.create(valid_campaign_body("optimistic"))
    headers = {**api.supreme, "If-Match": '"1"'}
    requests: Requests = [(f"/campaigns/{created['id']}", {"name": f"Writer {n}"}, headers) for n in range(20)]

    responses = client.blocking_portal.call(_burst, app, requests)

    assert _outcome(responses) == {200: 1, 412: 19}
    for response in responses:
        if response.status_code == 412:
            assert_problem(response, 412, "VERSION_MISMATCH")
    (winner,) = [r.json() for r in responses if r.status_code == 200]
    stored = await api.campaign(created["id"])
    assert stored["version"] == 2
    assert stored["name"] == winner["name"]
    assert event_types(api.pending()) == [
        "campaign.created",
        "campaign.event-mapping",
        "campaign.updated",
        "campaign.event-mapping",
    ]
