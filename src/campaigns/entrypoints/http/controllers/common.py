"""What every controller shares: the authenticated request type, error documentation, headers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, TypeVar

import msgspec
from litestar import Request
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec

from campaigns.application.errors import VersionMismatch
from campaigns.application.read_models import CampaignView
from campaigns.domain.documents import convert_document
from campaigns.domain.errors import FieldError, InvalidQuery, ValidationFailed
from campaigns.domain.permissions import Principal
from campaigns.entrypoints.http.problems import error_responses
from campaigns.entrypoints.http.rendering import RenderedCampaigns

AuthedRequest = Request[Principal, Any, State]
T = TypeVar("T")

READ_ERRORS = error_responses(400, 401, 403, 404)
QUERY_ERRORS = error_responses(400, 401)
SUPREME_ERRORS = error_responses(400, 401, 403)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 412, 413)
CAMPAIGN_OK = {200: ResponseSpec(data_container=CampaignView, generate_examples=False, description="The campaign.")}


class Pagination(msgspec.Struct, kw_only=True):
    page: int
    pageSize: int  # noqa: N815 - legacy field name
    total: int


def document(data: msgspec.Struct) -> dict[str, Any]:
    """A decoded body as the JSON-shaped mapping the use cases take (absent fields stay absent)."""
    built: dict[str, Any] = msgspec.to_builtins(data)
    return built


async def sent_document(request: AuthedRequest) -> dict[str, Any]:
    """The JSON object exactly as sent, for the domain's strict conversion.

    Litestar decodes a `data` body leniently (`"5"` becomes 5, `"true"` becomes true); its decoded
    struct still rejects unknown fields and bad shapes, and documents the body, but the use case
    gets what the client wrote so spec §3's strict types hold.
    """
    sent: dict[str, Any] = await request.json()
    return sent


async def strict_body(request: AuthedRequest, kind: type[T], *, error: type[ValidationFailed] = ValidationFailed) -> T:
    """The body as sent, converted strictly into `kind` (`sent_document`'s reason), naming a failing field."""
    return convert_document(await sent_document(request), kind, error=error)


def rendered(request: AuthedRequest) -> RenderedCampaigns:
    """App state rather than a second dependency: Litestar resolves two or more concurrently, in a task group."""
    prepared: RenderedCampaigns = request.app.state.rendered_campaigns
    return prepared


_SPACED_OFFSET = re.compile(r"(?P<time>T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (?P<offset>\d{2}:?\d{2})$")
"""A `+hh:mm` offset whose `+` an unencoded query string turned into a space."""


def query_instant(name: str, raw: str | None) -> dt.datetime | None:
    """A query-string instant in UTC: ISO-8601 with any offset; without one (or a bare date) it means UTC.

    An empty parameter counts as absent. Anything else, or an instant outside years 1-9999 once in
    UTC, is a 400 INVALID_QUERY naming `name`.
    """
    if not raw:
        return None
    text = _SPACED_OFFSET.sub(r"\g<time>+\g<offset>", raw.strip())
    try:
        value = dt.datetime.fromisoformat(text)
        return (value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    except (ValueError, OverflowError) as error:
        message = "Must be an ISO-8601 instant (e.g. 2030-01-15T12:00:00Z) or date (2030-01-15), years 1-9999 in UTC."
        raise InvalidQuery([FieldError(field=name, message=message, code="INVALID_QUERY")]) from error


_FLAGS = {"true": True, "1": True, "false": False, "0": False}


def query_flag(name: str, raw: str | None, *, default: bool = False) -> bool:
    """A query-string boolean: `true|false|1|0` in any case; an empty or absent parameter is `default`.

    Anything else is a 400 INVALID_QUERY naming `name`.
    """
    if not raw:
        return default
    if (flag := _FLAGS.get(raw.strip().lower())) is None:
        message = "Must be true, false, 1 or 0."
        raise InvalidQuery([FieldError(field=name, message=message, code="INVALID_QUERY")])
    return flag


def if_match(request: AuthedRequest) -> int | None:
    """The version named by `If-Match` (`"3"`, `W/"3"` or `3`); `*` or no header means any."""
    raw = request.headers.get("if-match")
    if raw is None or raw.strip() == "*":
        return None
    try:
        return int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError as error:
        raise VersionMismatch("If-Match must name a campaign version, as the ETag gives it.") from error
