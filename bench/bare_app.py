"""Baselines for the lookup benchmark, served by the same server as the service (bench/lookup.py).

- `/bare`: a Litestar route returning the service's own campaign document as constant bytes.
- `/verified`: the same route behind a plain ASGI middleware that verifies the RS256 bearer token
  of every request with PyJWT, the key parsed once at start, the header read from the ASGI scope
  (no Litestar guard, dependency or header parsing on its path): the cheapest way to verify with it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from litestar import Litestar, Response, get

DOCUMENT = Path(os.environ["BENCH_DOCUMENT"]).read_bytes()
PUBLIC_KEY = load_pem_public_key(Path(os.environ["BENCH_PUBLIC_KEY"]).read_bytes())
UNAUTHORIZED = b'{"status":401}'


@get(["/bare", "/verified"], sync_to_thread=False)
def document() -> Response[bytes]:
    return Response(DOCUMENT, media_type="application/json")


class VerifyRs256:
    """Answer 401 unless `/verified` requests carry a valid RS256 token; anything else passes through."""

    def __init__(self, app: Any) -> None:
        self._app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/verified":
            token = next((value for name, value in scope["headers"] if name == b"authorization"), b"")
            try:
                jwt.decode(token[7:], PUBLIC_KEY, algorithms=["RS256"], options={"require": ["exp"]})  # type: ignore[arg-type]
            except jwt.PyJWTError:
                await send({"type": "http.response.start", "status": 401, "headers": []})
                await send({"type": "http.response.body", "body": UNAUTHORIZED})
                return
        await self._app(scope, receive, send)


app = VerifyRs256(Litestar([document], openapi_config=None, logging_config=None))
