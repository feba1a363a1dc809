"""Heartbeat, metrics, correlation ids and the problem shape of framework-level errors."""

from __future__ import annotations

import pytest

from tests.integration.http.support import (
    CORRELATION_HEADER,
    PROBLEM_TYPE,
    Client,
)

pytestmark = pytest.mark.integration


async def test_heartbeat_answers_without_a_token(client: Client) -> None:
    response = await client.get("/heartbeat")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_deep_heartbeat_checks_the_store(client: Client) -> None:
    response = await client.get("/heartbeat", params={"deep": "true"})

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "store": "ok"}


async def test_metrics_are_prometheus_text_with_request_counts(client: Client) -> None:
    assert (await client.get("/heartbeat")).status_code == 200

    response = await client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "# TYPE http_requests_total counter" in response.text
    heartbeat_lines = [
        line
        for line in response.text.splitlines()
        if line.startswith("http_requests_total{") and 'route="/heartbeat"' in line
    ]
    assert heartbeat_lines, response.text
    assert 'method="GET"' in heartbeat_lines[0]
    assert 'status="200"' in heartbeat_lines[0]
    assert float(heartbeat_lines[0].rsplit(" ", 1)[1]) >= 1


async def test_a_sent_correlation_id_is_echoed(client: Client, supreme: dict[str, str]) -> None:
    for path, headers in (("/heartbeat", {}), ("/campaigns/list", supreme), ("/campaigns/list", {})):
        response = await client.get(path, headers={**headers, CORRELATION_HEADER: "corr-123"})
        assert response.headers[CORRELATION_HEADER] == "corr-123", (path, response.status_code)


@pytest.mark.parametrize("path", ["/metrics", "/schema", "/schema/openapi.json", "/heartbeat?deep=true"])
async def test_operational_answers_carry_the_correlation_id(client: Client, path: str) -> None:
    response = await client.get(path, headers={CORRELATION_HEADER: "corr-ops"})

    assert response.status_code == 200
    assert response.headers[CORRELATION_HEADER] == "corr-ops"


async def test_a_correlation_id_is_generated_when_none_is_sent(client: Client) -> None:
    first = await client.get("/heartbeat")
    second = await client.get("/heartbeat")

    assert first.headers[CORRELATION_HEADER]
    assert second.headers[CORRELATION_HEADER]
    assert first.headers[CORRELATION_HEADER] != second.headers[CORRELATION_HEADER]


async def test_unknown_route_is_a_404_problem(client: Client, supreme: dict[str, str]) -> None:
    response = await client.get("/no-such-thing", headers=supreme)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM_TYPE)
    assert response.json()["code"] == "NOT_FOUND"


async def test_a_wrong_method_is_a_405_problem(client: Client, supreme: dict[str, str]) -> None:
    response = await client.put("/heartbeat", headers=supreme)

    assert response.status_code == 405
    assert response.headers["content-type"].startswith(PROBLEM_TYPE)
    assert response.json()["status"] == 405


@pytest.mark.parametrize(("method", "path"), [("GET", "/no-such-thing"), ("PUT", "/heartbeat")])
async def test_unrouted_answers_carry_the_correlation_id(
    client: Client, supreme: dict[str, str], method: str, path: str
) -> None:
    response = await client.request(method, path, headers={**supreme, CORRELATION_HEADER: "corr-unrouted"})

    assert response.headers.get(CORRELATION_HEADER) == "corr-unrouted"


async def test_unrouted_answers_are_counted_under_one_route_label(client: Client, supreme: dict[str, str]) -> None:
    for path in ("/no-such-thing", "/wp-admin/setup.php"):
        assert (await client.get(path, headers=supreme)).status_code == 404

    counted = [
        line
        for line in (await client.get("/metrics")).text.splitlines()
        if line.startswith("http_requests_total{") and 'route="unmatched"' in line and 'status="404"' in line
    ]
    assert len(counted) == 1, "one label for every unrouted path, so probes cannot blow up the series"
    assert float(counted[0].rsplit(" ", 1)[1]) == 2


async def test_an_unrouted_path_without_a_token_is_401_so_routes_are_not_revealed(client: Client) -> None:
    response = await client.get("/no-such-thing")

    assert response.status_code == 401
    assert response.json()["code"] == "UNAUTHENTICATED"
