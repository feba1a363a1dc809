"""A tiny Fastly purge API on 127.0.0.1: `POST /service/{id}/purge` with `Surrogate-Key`, recording requests.

It answers as Fastly documents a batch key purge: a JSON map from each key to a purge id. The
`statuses` queue makes the next requests answer other statuses (with a JSON `msg`), in order.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SERVICE_ID = "SU1Z0isxPaozGVKXdv0eY"
API_KEY = "fastly-test-token"


@dataclasses.dataclass(frozen=True)
class Purge:
    path: str
    headers: dict[str, str]
    """Lower-cased names."""

    @property
    def keys(self) -> list[str]:
        return self.headers.get("surrogate-key", "").split()


class FastlyStub:
    def __init__(self) -> None:
        self.purges: list[Purge] = []
        self.statuses: list[int] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                purge = Purge(self.path, {name.lower(): value for name, value in self.headers.items()})
                stub.purges.append(purge)
                status = stub.statuses.pop(0) if stub.statuses else 200
                if status != 200:
                    body = {"msg": f"stub answer {status}"}
                elif self.path != f"/service/{SERVICE_ID}/purge" or purge.headers.get("fastly-key") != API_KEY:
                    status, body = 401, {"msg": "Provided credentials are missing or invalid"}
                else:
                    body = {key: f"108-1391560174-{n}" for n, key in enumerate(purge.keys)}
                encoded = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

            def log_message(self, *_: object) -> None:
                return

        return Handler

    def serve(self) -> None:
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def fastly_stub() -> Iterator[FastlyStub]:
    stub = FastlyStub()
    stub.serve()
    try:
        yield stub
    finally:
        stub.stop()
