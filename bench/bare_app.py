"""Baselines for the lookup benchmark: a bare Litestar route, and one that only verifies an RS256 token."""

from __future__ import annotations

import os
from pathlib import Path

import jwt
from litestar import Litestar, Request, Response, get

DOCUMENT = Path(os.environ["BENCH_DOCUMENT"]).read_bytes()
PUBLIC_KEY = Path(os.environ["BENCH_PUBLIC_KEY"]).read_text()


@get("/bare", sync_to_thread=False)
def bare() -> Response[bytes]:
    return Response(DOCUMENT, media_type="application/json")


@get("/verified", sync_to_thread=False)
def verified(request: Request[object, object, object]) -> Response[bytes]:
    token = request.headers["authorization"].removeprefix("Bearer ")
    jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], options={"require": ["exp"]})
    return Response(DOCUMENT, media_type="application/json")


app = Litestar([bare, verified], openapi_config=None, logging_config=None)
