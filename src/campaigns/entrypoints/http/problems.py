"""RFC 9457 problem bodies: every error response of the API has this shape."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from litestar.openapi.datastructures import ResponseSpec
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


_MEANINGS = {
    400: "Invalid body or query: INVALID_CAMPAIGN_SCHEMA, INVALID_MARKET_SCHEMA, INVALID_PROMOTER_SCHEMA, "
    "MISSING_PRESALE_WINDOW_DATE, INVALID_PRESALE_WINDOW_DATE_ORDER or INVALID_QUERY, with the failing fields "
    "in `errors`.",
    401: "UNAUTHENTICATED (missing or invalid bearer token) or INVALID_CAMPAIGN_PASSWORD.",
    403: "INVALID_CAMPAIGN_PERMISSIONS (also for ungranted ids, existing or not) or SUPREME_USER_REQUIRED.",
    404: "CAMPAIGN_NOT_FOUND (campaign routes), MARKET_NOT_FOUND (also a market of another campaign; "
    "on /markets/* `detail` lists the unknown ids), PROMOTER_NOT_FOUND (promoter routes) or NOT_FOUND.",
    409: "CAMPAIGN_WITH_DOMAIN_EXISTS, MARKET_NAME_EXISTS, PROMOTER_NAME_EXISTS or INVALID_CAMPAIGN_STATUS_CHANGE.",
    412: "VERSION_MISMATCH: If-Match names a version that is no longer current.",
    413: "PAYLOAD_TOO_LARGE: the body, or the document the write would store, is over 1 MiB.",
    415: "UNSUPPORTED_MEDIA_TYPE: the body is not application/json (or a +json type).",
    429: "TOO_MANY_ATTEMPTS: 10 wrong campaign passwords from this caller for this domain within 60 s; "
    "`Retry-After` gives the seconds to wait.",
    502: "DEPENDENCY_UNAVAILABLE: a dependency (e.g. Discovery) answered badly; `detail` says which and why.",
    503: "DEPENDENCY_UNAVAILABLE: a dependency is unreachable, timed out or not configured; `detail` says which.",
}


def error_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI documentation of the problem responses an operation can give.

    Whatever takes a body (and so can be too large, 413) can also be of the wrong media type, 415.
    """
    if 413 in statuses:
        statuses = (*statuses, 415)
    return {
        status: ResponseSpec(
            data_container=Problem,
            generate_examples=False,
            description=_MEANINGS[status],
            media_type=PROBLEM_CONTENT_TYPE,
        )
        for status in statuses
    }
