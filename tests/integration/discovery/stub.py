"""A tiny Ticketmaster Discovery API on 127.0.0.1, speaking the documented shapes and recording requests.

Each path answers from a script: queued answers are given in order, and the last one keeps being
given. An unscripted path answers Discovery's own 404 (`errors[]` with `DIS1004`, naming the id when
the path reads one, as Discovery does for an unknown attraction or venue id). A `hang` answer
holds the request until the stub is stopped, so a client's read timeout fires without the test sleeping.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

ATTRACTIONS = "/discovery/v2/attractions.json"
VENUES = "/discovery/v2/venues.json"
_BY_ID = re.compile(r"/discovery/v2/(?:attractions|venues)/(?P<id>[^/]+)\.json")


def attraction_path(discovery_id: str) -> str:
    return f"/discovery/v2/attractions/{discovery_id}.json"


def venue_path(discovery_id: str) -> str:
    return f"/discovery/v2/venues/{discovery_id}.json"


BAD_KEY_FAULT = {"fault": {"faultstring": "Invalid ApiKey", "detail": {"errorcode": "oauth.v2.InvalidApiKey"}}}


def quota_fault(api_key: str) -> dict[str, Any]:
    """Apigee's 429 body; like the real one, it quotes the caller's key."""
    return {
        "fault": {
            "faultstring": f"Rate limit quota violation. Quota limit  exceeded. Identifier : {api_key}",
            "detail": {"errorcode": "policies.ratelimit.QuotaViolation"},
        }
    }


# Documents as Discovery returns them (abridged from its documentation's examples).
JONAS = {
    "name": "Jonas Brothers",
    "type": "attraction",
    "id": "K8vZ9175T17",
    "locale": "en-us",
    "images": [
        {"ratio": "3_2", "url": "https://img.test/jonas_3_2_wide.jpg", "width": 3000, "height": 2000},
        {"ratio": "16_9", "url": "https://img.test/jonas_16_9_small.jpg", "width": 640, "height": 360},
        {"ratio": "16_9", "url": "https://img.test/jonas_16_9_big.jpg", "width": 1136, "height": 639},
        {"ratio": "16_9", "url": "https://img.test/fallback.jpg", "width": 2048, "height": 1152, "fallback": True},
    ],
    "classifications": [{"primary": True, "segment": {"id": "KZFzniwnSyZfZ7v7nJ", "name": "Music"}}],
    "upcomingEvents": {"_total": 83},
    "_links": {"self": {"href": "/discovery/v2/attractions/K8vZ9175T17?locale=en-us"}},
}
NO_IMAGES = {"name": "!!!", "type": "attraction", "id": "K8vZ9175BhV", "images": []}
MORRISBURG = {
    "name": "Crysler Park Marina",
    "type": "venue",
    "id": "KovZpZAFnIEA",
    "timezone": "America/Toronto",
    "city": {"name": "Morrisburg"},
    "state": {"name": "Ontario", "stateCode": "ON"},
    "country": {"name": "Canada", "countryCode": "CA"},
    "location": {"longitude": "-75.18702730", "latitude": "44.94535340"},
}
LONDON = {
    "name": "The O2",
    "type": "venue",
    "id": "KovZ9177Arf",
    "city": {"name": "London"},
    "country": {"name": "Great Britain", "countryCode": "GB"},
    "timezone": "Europe/London",
}


def not_found_body(detail: str) -> dict[str, Any]:
    return {
        "errors": [
            {
                "code": "DIS1004",
                "detail": detail,
                "status": "404",
                "_links": {"about": {"href": "/discovery/v2/errors.html#DIS1004"}},
            }
        ]
    }


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b"{}"
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    hang: bool = False

    @classmethod
    def json(cls, document: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Answer:
        return cls(status=status, body=json.dumps(document).encode(), headers=dict(headers or {}))


HANG = Answer(hang=True)


@dataclasses.dataclass(frozen=True)
class Recorded:
    path: str
    query: dict[str, str]


def search_envelope(kind: str, items: list[dict[str, Any]], *, total: int, page: int = 0, size: int = 20) -> Any:
    """A search answer as Discovery gives it; no `_embedded` at all when there are no items."""
    document: dict[str, Any] = {
        "_links": {"self": {"href": f"/discovery/v2/{kind}.json?page={page}&size={size}", "templated": True}},
        "page": {"size": size, "totalElements": total, "totalPages": -(-total // size), "number": page},
    }
    if items:
        document["_embedded"] = {kind: items}
    return document


class StubDiscovery:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.released = threading.Event()
        self._scripts: dict[str, list[Answer]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.stub = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, name="stub-discovery", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, path: str, *answers: Answer) -> None:
        with self._lock:
            self._scripts[path] = list(answers)

    def requests_to(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def next_answer(self, recorded: Recorded) -> Answer:
        with self._lock:
            self.requests.append(recorded)
            script = self._scripts.get(recorded.path)
            if not script:
                return Answer.json(not_found_body(_criteria(recorded.path)), status=404)
            return script.pop(0) if len(script) > 1 else script[0]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def _criteria(path: str) -> str:
    """What Discovery's 404 says it looked for: the locale, and the id of a by-id path."""
    by_id = _BY_ID.fullmatch(path)
    found_for = f"locale=en-us, id={unquote(by_id['id'])}" if by_id else "locale=en-us"
    return f"Resource not found with provided criteria ({found_for})"


class _Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def do_GET(self) -> None:
        stub: StubDiscovery = self.server.stub  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        answer = stub.next_answer(Recorded(path=parts.path, query=dict(parse_qsl(parts.query))))
        if answer.hang:
            stub.released.wait(timeout=60)
            return
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client gave up first

    def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002 - quiet: the base class writes to stderr
        return


@contextmanager
def running_stub() -> Iterator[StubDiscovery]:
    stub = StubDiscovery()
    stub.start()
    try:
        yield stub
    finally:
        stub.stop()
