"""`campaigns serve` as a real process: HTTP over TCP, the in-process relay, slow clients cut, and a clean SIGTERM."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.http.support import CORRELATION_HEADER, PROBLEM_TYPE, bearer, valid_campaign_body
from tests.integration.processes import (
    Process,
    campaigns_environment,
    free_port,
    read_events,
    run_campaigns,
    started,
)

pytestmark = [pytest.mark.integration, pytest.mark.serve]


EVENTS_WITHIN = 15.0
EXIT_WITHIN = 15.0


def _wait_for_events(path: Path, subject: str, wanted: set[str]) -> list[dict[str, Any]]:
    """Poll the JSON-lines sink (the relay runs every second) until the wanted event types for `subject` landed."""
    deadline = time.monotonic() + EVENTS_WITHIN
    while True:
        events = read_events(path)
        if wanted <= {event.get("type") for event in events if event.get("subject") == subject}:
            return events
        if time.monotonic() > deadline:
            pytest.fail(f"events {sorted(wanted)} for {subject} not in {path} within {EVENTS_WITHIN}s: {events}")
        time.sleep(0.2)


class Server:
    def __init__(self, handle: Process, data_dir: Path) -> None:
        self.base_url = str(handle.base_url)
        self.data_dir = data_dir
        self.process = handle.process
        self.output = handle.output


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    data_dir = tmp_path / "data"
    env = campaigns_environment(data_dir)
    with started("serve", "--port", str(port), env=env, log=tmp_path / "serve.log", port=port) as handle:
        yield Server(handle, data_dir)


def _mint_supreme_token(data_dir: Path, user: str = "dev") -> str:
    result = run_campaigns("token", "--supreme", "--user", user, env=campaigns_environment(data_dir), timeout=30)
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert token.count(".") == 2, token
    return token


def test_serve_answers_over_http_relays_events_and_stops_cleanly_on_sigterm(server: Server) -> None:
    base_url, data_dir, process = server.base_url, server.data_dir, server.process
    headers = bearer(_mint_supreme_token(data_dir))

    with httpx.Client(base_url=base_url, timeout=5.0) as http:
        assert http.get("/heartbeat", params={"deep": "true"}).json() == {"status": "ok", "store": "ok"}
        assert http.get("/campaigns/list").status_code == 401
        created = http.post("/campaigns", json=valid_campaign_body("served"), headers=headers)
        assert created.status_code == 201, created.text
        campaign_id = created.json()["id"]
        found = http.get(
            "/campaigns", params={"domain": "served"}, headers={**headers, "x-titan-correlation-id": "e2e"}
        )
        assert found.status_code == 200, found.text
        assert found.json()["id"] == campaign_id
        assert found.headers["x-titan-correlation-id"] == "e2e"
        assert found.headers["etag"] == '"1"'
        updated = http.post(f"/campaigns/{campaign_id}", json={"status": "PREVIEW"}, headers=headers)
        assert updated.status_code == 200, updated.text
        metrics = http.get("/metrics")
        assert "http_requests_total" in metrics.text

    wanted = {"campaign.created", "campaign.event-mapping", "campaign.status-changed"}
    events = _wait_for_events(data_dir / "events.jsonl", campaign_id, wanted)

    assert (data_dir / "campaigns.db-wal").exists()  # the store is open (WAL mode) while serving
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=EXIT_WITHIN)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`campaigns serve` ignored SIGTERM for {EXIT_WITHIN}s:\n{server.output()}")
    assert code in {0, -signal.SIGTERM}, server.output()
    assert not (data_dir / "campaigns.db-wal").exists(), "the store was not closed: the shutdown was not graceful"

    mine = [event for event in events if event["subject"] == campaign_id]
    for event in mine:
        assert event["specversion"] == "1.0"
        assert event["id"]
        assert event["source"]
        assert event["time"].endswith("Z")
        assert isinstance(event["data"], dict)
    assert [event["type"] for event in mine][:3] == [
        "campaign.created",
        "campaign.event-mapping",
        "campaign.status-changed",
    ]
    assert len({event["id"] for event in mine}) == len(mine)
    assert mine[0]["data"]["campaignId"] == campaign_id
    assert mine[1]["data"] == {"campaignId": campaign_id, "eventIds": []}
    assert mine[2]["data"]["toStatus"] == "PREVIEW"


def test_serve_exits_0_on_sigterm(server: Server) -> None:
    server.process.send_signal(signal.SIGTERM)
    try:
        code = server.process.wait(timeout=EXIT_WITHIN)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`campaigns serve` ignored SIGTERM for {EXIT_WITHIN}s:\n{server.output()}")

    assert code == 0, server.output()


HEADER_TIMEOUT = "0.5"
"""A short header read timeout for these tests, so a cut connection is seen within a test's time."""
CLOSED_WITHIN = 30.0
"""A generous socket timeout: the server should close long before; reaching it means it never did."""


@pytest.fixture
def quick_server(tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    data_dir = tmp_path / "data"
    env = campaigns_environment(data_dir, http_header_timeout_seconds=HEADER_TIMEOUT)
    with started("serve", "--port", str(port), env=env, log=tmp_path / "serve.log", port=port) as handle:
        yield Server(handle, data_dir)


def _connect(server: Server) -> socket.socket:
    url = httpx.URL(server.base_url)
    connection = socket.create_connection((str(url.host), int(url.port or 80)), timeout=CLOSED_WITHIN)
    connection.settimeout(CLOSED_WITHIN)
    return connection


def _closed_by_server(connection: socket.socket) -> bool:
    """Whether the server ends the connection (EOF or reset) before the generous socket timeout."""
    try:
        return connection.recv(4096) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_a_client_whose_headers_never_finish_is_disconnected(quick_server: Server) -> None:
    with _connect(quick_server) as connection:
        connection.sendall(b"GET /heartbeat HTTP/1.1\r\nHost: campaigns\r\nX-Slow: ")

        assert _closed_by_server(connection), "a request whose headers never finish kept its connection"


def test_a_connection_that_never_sends_a_byte_is_closed(quick_server: Server) -> None:
    with _connect(quick_server) as connection:
        assert _closed_by_server(connection), "a connection that sent nothing was kept open"


def test_an_idle_keep_alive_connection_is_closed(quick_server: Server) -> None:
    with _connect(quick_server) as connection:
        connection.sendall(b"GET /heartbeat HTTP/1.1\r\nHost: campaigns\r\n\r\n")
        answer = b""
        while b'"status":"ok"' not in answer:
            chunk = connection.recv(4096)
            assert chunk, f"closed before answering: {answer!r}"
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 200")

        assert _closed_by_server(connection), "an idle keep-alive connection was kept open"


def _refuses_connections(server: Server) -> bool:
    """Poll (bounded) until the listener is closed: the server has begun its shutdown."""
    deadline = time.monotonic() + EXIT_WITHIN
    while time.monotonic() < deadline:
        try:
            _connect(server).close()
        except ConnectionRefusedError:
            return True
        time.sleep(0.05)
    return False


def test_sigterm_lets_an_in_flight_request_finish_then_exits_0(server: Server) -> None:
    body = json.dumps(valid_campaign_body("in-flight")).encode()
    token = _mint_supreme_token(server.data_dir)
    with _connect(server) as connection:
        connection.sendall(
            b"POST /campaigns HTTP/1.1\r\nHost: campaigns\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n".encode()
            + b"Expect: 100-continue\r\n\r\n"
        )
        # "100 Continue" comes once the handler reads the body: the request is in flight.
        assert connection.recv(4096).startswith(b"HTTP/1.1 100"), server.output()
        server.process.send_signal(signal.SIGTERM)
        assert _refuses_connections(server), f"still accepting connections after SIGTERM:\n{server.output()}"
        connection.sendall(body)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk

    assert answer.startswith(b"HTTP/1.1 201"), answer[:200]
    assert b'"in-flight"' in answer
    try:
        code = server.process.wait(timeout=EXIT_WITHIN)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`campaigns serve` ignored SIGTERM for {EXIT_WITHIN}s:\n{server.output()}")
    assert code == 0, server.output()
    assert not (server.data_dir / "campaigns.db-wal").exists(), (
        "the store was not closed: the shutdown was not graceful"
    )


def test_a_second_serve_on_a_taken_port_is_refused_with_a_hint(server: Server) -> None:
    port = str(httpx.URL(server.base_url).port)

    result = run_campaigns("serve", "--port", port, env=campaigns_environment(server.data_dir.parent / "other"))

    assert result.returncode == 2, result.stdout + result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert f"port {port} on 127.0.0.1 is in use" in line
    assert "--port" in line
    assert not (server.data_dir.parent / "other").exists(), "a refused start left a data dir behind"


def _wait_for_log(handle: Server, text: str, count: int) -> str:
    deadline = time.monotonic() + EVENTS_WITHIN
    while (log := handle.output()).count(text) < count:
        if time.monotonic() > deadline or handle.process.poll() is not None:
            pytest.fail(f"{text!r} not logged {count} times within {EVENTS_WITHIN}s:\n{log}")
        time.sleep(0.1)
    return log


def test_two_workers_serve_with_one_scheduler_between_them(tmp_path: Path) -> None:
    port = free_port()
    env = campaigns_environment(tmp_path / "data", log_level="DEBUG")
    with started("serve", "--port", str(port), "--workers", "2", env=env, log=tmp_path / "serve.log", port=port) as raw:
        handle = Server(raw, tmp_path / "data")
        _wait_for_log(handle, "Started worker-", 2)  # each worker logs it once its app has started
        assert handle.output().count('"scheduler_started"') == 1, handle.output()
        with httpx.Client(base_url=handle.base_url, timeout=5.0) as http:
            assert http.get("/heartbeat", params={"deep": "true"}).json() == {"status": "ok", "store": "ok"}

        handle.process.send_signal(signal.SIGTERM)
        code = handle.process.wait(timeout=EXIT_WITHIN)
        log = handle.output()

    assert code == 0, log
    assert log.count('"scheduler_stopped"') == 1, log
    (starting,) = [json.loads(line) for line in log.splitlines() if '"service_starting"' in line]
    assert starting["profile"] == "embedded"
    assert starting["store"] == f"the SQLite file {tmp_path / 'data' / 'campaigns.db'}"
    assert starting["data_dir"] == str(tmp_path / "data")
    assert starting["dev_keys"] == "created"
    assert (starting["tick_seconds"], starting["relay_seconds"], starting["workers"]) == (1.0, 1.0, 2)


def test_a_header_past_granians_buffer_gets_granians_bare_431_and_serve_keeps_serving(server: Server) -> None:
    """The server (hyper, inside granian) answers a header block past its buffer before the app is called (README)."""
    with httpx.Client(base_url=server.base_url, timeout=5.0) as http:
        too_large = http.get("/campaigns/list", headers={"Authorization": "Bearer " + "a" * 1_000_000})
        within_the_buffer = http.get("/campaigns/list", headers={"Authorization": "Bearer " + "a" * 300_000})
        afterwards = http.get("/heartbeat")

    assert too_large.status_code == 431
    assert too_large.content == b""
    assert too_large.headers["connection"] == "close"
    assert CORRELATION_HEADER not in too_large.headers, "the app never saw the request"
    assert within_the_buffer.status_code == 401, within_the_buffer.text
    assert within_the_buffer.headers["content-type"].startswith(PROBLEM_TYPE)
    assert afterwards.status_code == 200


STALLED_BODIES = 1200
"""More requests with a stalled body than granian's default backpressure (1024 connections per worker)."""
ANSWERED_WITHIN = 15.0


def _stalled_post(token: str) -> bytes:
    """A complete request head announcing a body that is never sent."""
    return (
        b"POST /campaigns HTTP/1.1\r\nHost: campaigns\r\nContent-Type: application/json\r\n"
        + f"Authorization: Bearer {token}\r\nContent-Length: 100\r\n\r\n".encode()
    )


def _serving(tmp_path: Path, **variables: str) -> Any:
    port = free_port()
    env = campaigns_environment(tmp_path / "data", **variables)
    return started("serve", "--port", str(port), env=env, log=tmp_path / "serve.log", port=port)


def test_a_body_that_never_arrives_is_answered_408_and_the_connection_closed(tmp_path: Path) -> None:
    with _serving(tmp_path, http_body_timeout_seconds="1") as raw:
        server = Server(raw, tmp_path / "data")
        token = _mint_supreme_token(server.data_dir)
        with _connect(server) as connection:
            connection.sendall(_stalled_post(token))
            answer = b""
            while chunk := connection.recv(65536):  # the server closes it after answering
                answer += chunk

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408"), answer[:300]
    assert b"content-type: application/problem+json" in head.lower()
    problem = json.loads(body)
    assert (problem["status"], problem["code"]) == (408, "REQUEST_TIMEOUT")


def test_a_client_that_leaves_mid_body_is_counted_499_and_logged_as_no_error(tmp_path: Path) -> None:
    with _serving(tmp_path, http_body_timeout_seconds="30") as raw:
        server = Server(raw, tmp_path / "data")
        token = _mint_supreme_token(server.data_dir)
        with _connect(server) as connection:
            connection.sendall(_stalled_post(token) + b'{"name": "half')
        with httpx.Client(base_url=server.base_url, timeout=ANSWERED_WITHIN) as http:
            deadline = time.monotonic() + ANSWERED_WITHIN
            while 'route="/campaigns",status="499"' not in (scraped := http.get("/metrics").text):
                assert time.monotonic() < deadline, "the abandoned request was never counted"
                time.sleep(0.05)
            campaigns = http.get("/campaigns/list", headers=bearer(token)).json()

    assert 'route="/campaigns",status="500"' not in scraped
    assert campaigns["pagination"]["total"] == 0
    assert "unhandled_error" not in (tmp_path / "serve.log").read_text()


def _still_unanswered(connection: socket.socket) -> bool:
    """Whether the server has sent nothing on `connection` yet (nor closed it); nothing is consumed."""
    connection.setblocking(False)
    try:
        connection.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return True
    return False


def test_stalled_bodies_held_open_leave_other_callers_lookups_answering(tmp_path: Path) -> None:
    with _serving(tmp_path, http_body_timeout_seconds="30") as raw:
        server = Server(raw, tmp_path / "data")
        stalling, other = (_mint_supreme_token(server.data_dir, user) for user in ("stalling", "other"))
        with httpx.Client(base_url=server.base_url, timeout=ANSWERED_WITHIN) as http:
            created = http.post("/campaigns", json=valid_campaign_body("held"), headers=bearer(other))
            assert created.status_code == 201, created.text
        held: list[socket.socket] = []
        try:
            for _ in range(STALLED_BODIES):
                held.append(connection := _connect(server))
                connection.sendall(_stalled_post(stalling))

            # a new connection: it has to be accepted while the stalled ones are held
            with httpx.Client(base_url=server.base_url, timeout=ANSWERED_WITHIN) as http:
                found = http.get("/campaigns", params={"domain": "held"}, headers=bearer(other))

            unanswered = sum(_still_unanswered(connection) for connection in held)
        finally:
            for connection in held:
                connection.close()

    assert found.status_code == 200, found.text
    assert found.json()["domain"]["site"] == "held"
    assert unanswered == STALLED_BODIES, "some stalled requests were answered before the lookup: not held at once"
