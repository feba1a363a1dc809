"""The one place where errors become HTTP responses."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import structlog
from litestar import Request, Response
from litestar.datastructures import State
from litestar.exceptions import HTTPException, ValidationException

from campaigns.application.errors import (
    CampaignNotFound,
    ConcurrentUpdate,
    DependencyUnavailable,
    MarketNotFound,
    NotFound,
    PromoterNotFound,
    VersionMismatch,
)
from campaigns.domain.errors import (
    AccessDenied,
    CampaignError,
    DomainAlreadyClaimed,
    InvalidCampaignPassword,
    InvalidStatusChange,
    MarketNameTaken,
    PromoterNameTaken,
    ValidationFailed,
)
from campaigns.entrypoints.http.problems import PROBLEM_CONTENT_TYPE, FieldProblem, Problem, problem

log = structlog.get_logger(__name__)

STATUS_BY_ERROR: Mapping[type[CampaignError], int] = {
    ValidationFailed: 400,
    InvalidCampaignPassword: 401,
    AccessDenied: 403,
    NotFound: 404,
    CampaignNotFound: 404,
    MarketNotFound: 404,
    PromoterNotFound: 404,
    DomainAlreadyClaimed: 409,
    MarketNameTaken: 409,
    PromoterNameTaken: 409,
    InvalidStatusChange: 409,
    ConcurrentUpdate: 412,
    VersionMismatch: 412,
    DependencyUnavailable: 503,
}
"""Most specific class first is not needed: lookup walks each error's MRO."""

CODE_BY_HTTP_STATUS: Mapping[int, str] = {
    400: "INVALID_QUERY",
    401: "UNAUTHENTICATED",
    404: "NOT_FOUND",
    405: "NOT_FOUND",
    413: "PAYLOAD_TOO_LARGE",
}

_UNKNOWN_FIELD = re.compile(r"unknown field `(?P<name>[^`]+)`")


def status_for(error: CampaignError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def problem_for(error: Exception, *, body_code: str = "INVALID_CAMPAIGN_SCHEMA") -> Problem:
    """Translate any exception into a problem; unknown ones become a bare 500 (logged, not leaked)."""
    match error:
        case ValidationFailed():
            fields = [FieldProblem(field=e.field, message=e.message) for e in error.errors]
            return problem(400, error.code, error.message, fields)
        case CampaignError():
            return problem(status_for(error), error.code, error.message)
        case ValidationException():
            return _framework_validation(error, body_code)
        case HTTPException() if error.status_code < 500 and str(error.detail).startswith("JSON is malformed"):
            return problem(
                400, body_code, "The body is not valid JSON.", [FieldProblem(field="body", message=str(error.detail))]
            )
        case HTTPException() if error.status_code < 500:
            code = CODE_BY_HTTP_STATUS.get(error.status_code, "INVALID_QUERY")
            return problem(error.status_code, code, str(error.detail))
    log.exception("unhandled_error", exc_info=error)
    return problem(500, "INTERNAL_ERROR", "The service failed to handle this request.")


def _framework_validation(error: ValidationException, body_code: str) -> Problem:
    """Litestar's decoding errors for bodies and query parameters, with the field named."""
    fields: list[FieldProblem] = []
    source = "query"
    for item in error.extra if isinstance(error.extra, list) else []:
        if not isinstance(item, Mapping):
            continue
        message = str(item.get("message", "Invalid value."))
        field = str(item.get("key", ""))
        source = str(item.get("source", source))
        if unknown := _UNKNOWN_FIELD.search(message):
            field = f"{field}.{unknown['name']}" if field not in {"", "data"} else unknown["name"]
            message = "Unknown field."
        fields.append(FieldProblem(field=field or "body", message=message))
    code = body_code if source == "body" else "INVALID_QUERY"
    if not fields:  # a malformed JSON body carries no field list
        fields.append(FieldProblem(field="body", message=str(error.detail)))
    return problem(400, code, "The request is invalid.", fields)


def problem_response(value: Problem, headers: Mapping[str, str] | None = None) -> Response[Problem]:
    return Response(value, status_code=value.status, media_type=PROBLEM_CONTENT_TYPE, headers=headers)


def handle_exception(request: Request[Any, Any, State], error: Exception) -> Response[Problem]:
    handler: Any = request.scope.get("route_handler")  # absent when no route matched
    body_code = (
        "INVALID_CAMPAIGN_SCHEMA" if handler is None else handler.opt.get("body_error_code", "INVALID_CAMPAIGN_SCHEMA")
    )
    return problem_response(problem_for(error, body_code=body_code))
