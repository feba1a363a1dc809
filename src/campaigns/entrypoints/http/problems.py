"""RFC 9457 problem bodies: every error response of the API has this shape."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from litestar.types import Send

PROBLEM_CONTENT_TYPE = "application/problem+json"


class FieldProblem(msgspec.Struct, kw_only=True):
    field: str
    message: str


class Problem(msgspec.Struct, kw_only=True, omit_defaults=True):
    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldProblem] = []


def problem(status: int, code: str, detail: str, errors: list[FieldProblem] | None = None) -> Problem:
    return Problem(
        type=f"urn:campaigns:problem:{code.lower().replace('_', '-')}",
        title=code.replace("_", " ").capitalize(),
        status=status,
        detail=detail,
        code=code,
        errors=errors or [],
    )


def encode_problem(value: Problem) -> bytes:
    return msgspec.json.encode(value)


async def send_problem(send: Send, value: Problem, headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    """Answer with a problem straight from an ASGI middleware, before any route is involved."""
    body = encode_problem(value)
    await send(
        {
            "type": "http.response.start",
            "status": value.status,
            "headers": [
                (b"content-type", PROBLEM_CONTENT_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})
