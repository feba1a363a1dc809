"""The one place where errors become HTTP responses."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import msgspec
import structlog
from litestar import Request, Response
from litestar.datastructures import State
from litestar.exceptions import HTTPException, ValidationException

from campaigns.application.errors import (
    ConcurrentUpdate,
    DependencyFailed,
    DependencyUnavailable,
    NotFound,
    TooManyAttempts,
    VersionMismatch,
)
from campaigns.domain.documents import MAX_DOCUMENT_BYTES, field_named_by_msgspec
from campaigns.domain.errors import (
    AccessDenied,
    CampaignError,
    DocumentTooLarge,
    DomainAlreadyClaimed,
    InvalidCampaignPassword,
    InvalidStatusChange,
    MarketNameTaken,
    PromoterNameTaken,
    ValidationFailed,
)
from campaigns.entrypoints.http.body_deadline import ClientClosedRequest, RequestTimedOut
from campaigns.entrypoints.http.problems import PROBLEM_CONTENT_TYPE, FieldProblem, Problem, problem

log = structlog.get_logger(__name__)

STATUS_BY_ERROR: Mapping[type[CampaignError], int] = {
    ValidationFailed: 400,
    InvalidCampaignPassword: 401,
    AccessDenied: 403,
    NotFound: 404,
    DomainAlreadyClaimed: 409,
    MarketNameTaken: 409,
    PromoterNameTaken: 409,
    InvalidStatusChange: 409,
    ConcurrentUpdate: 412,
    VersionMismatch: 412,
    DocumentTooLarge: 413,
    RequestTimedOut: 408,
    ClientClosedRequest: 499,
    TooManyAttempts: 429,
    DependencyUnavailable: 503,
    DependencyFailed: 502,
}
"""Keyed by base class where a family shares a status: lookup walks each error's MRO."""

CODE_BY_HTTP_STATUS: Mapping[int, str] = {
    400: "INVALID_QUERY",
    401: "UNAUTHENTICATED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
}

DETAIL_BY_HTTP_STATUS: Mapping[int, str] = {
    413: f"The body is over the {MAX_DOCUMENT_BYTES}-byte (1 MiB) limit.",
}
"""Litestar's own wording where it says less than a client needs."""

_MISSING_PARAMETER = re.compile(r"Missing required \w+ parameter '(?P<name>[^']+)'")


def status_for(error: CampaignError) -> int:
    return status_of(type(error))


def status_of(error_class: type[CampaignError]) -> int:
    """The status errors of this class answer with (the API documentation's too)."""
    for cls in error_class.__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


class RouteContext(msgspec.Struct, frozen=True, kw_only=True):
    """What error mapping needs to know about the matched route, if any."""

    body_code: str = "INVALID_CAMPAIGN_SCHEMA"
    takes_body: bool = False
    public_names: Mapping[str, str] = {}
    """Handler argument name -> the query, path or body name clients use."""


NO_ROUTE = RouteContext()


def problem_for(error: Exception, route: RouteContext = NO_ROUTE) -> Problem:
    """Translate any exception into a problem; unknown ones become a bare 500 (logged, not leaked)."""
    match error:
        case ValidationFailed():
            fields = [FieldProblem(field=e.field, message=e.message) for e in error.errors]
            return problem(400, error.code, error.message, fields)
        case CampaignError():
            return problem(status_for(error), error.code, error.message)
        case ValidationException():
            return _framework_validation(error, route)
        case HTTPException() if error.status_code == 400 and route.takes_body:
            # Litestar's own 400s on a route with a body are failures to decode it (malformed, truncated).
            detail = str(error.detail)
            return problem(
                400, route.body_code, "The body is not valid JSON.", [FieldProblem(field="body", message=detail)]
            )
        case HTTPException() if error.status_code < 500:
            code = CODE_BY_HTTP_STATUS.get(error.status_code, "INVALID_QUERY")
            return problem(error.status_code, code, DETAIL_BY_HTTP_STATUS.get(error.status_code, str(error.detail)))
    log.exception("unhandled_error", exc_info=error)
    return problem(500, "INTERNAL_ERROR", "The service failed to handle this request.")


def _framework_validation(error: ValidationException, route: RouteContext) -> Problem:
    """Litestar's decoding errors for bodies and parameters, naming fields as clients spell them."""
    if missing := _MISSING_PARAMETER.search(str(error.detail)):
        return problem(
            400, "INVALID_QUERY", str(error.detail), [FieldProblem(field=missing["name"], message="Required.")]
        )
    fields: list[FieldProblem] = []
    from_body = False
    for item in error.extra if isinstance(error.extra, list) else []:
        if not isinstance(item, Mapping):
            continue
        message = str(item.get("message", "Invalid value."))
        key = str(item.get("key", ""))
        from_body = from_body or item.get("source") == "body"
        field = "" if key == "data" else route.public_names.get(key, key)
        field, message = field_named_by_msgspec(field, message) or (field, message)
        fields.append(FieldProblem(field=field or "body", message=message))
    if not fields:
        fields.append(FieldProblem(field="body", message=str(error.detail)))
        from_body = True
    code = route.body_code if from_body else "INVALID_QUERY"
    return problem(400, code, "The request is invalid.", fields)


def route_context(handler: Any) -> RouteContext:
    """Read the route's parameter aliases and body from its parsed signature (once per route)."""
    if handler is None:
        return NO_ROUTE
    cached: RouteContext | None = handler.opt.get("_route_context")
    if cached is not None:
        return cached
    names: dict[str, str] = {}
    for name, parameter in handler.parsed_fn_signature.parameters.items():
        alias = getattr(parameter.kwarg_definition, "name", None)
        if isinstance(alias, str) and alias:
            names[name] = alias
    context = RouteContext(
        body_code=handler.opt.get("body_error_code", "INVALID_CAMPAIGN_SCHEMA"),
        takes_body="data" in handler.parsed_fn_signature.parameters,
        public_names=names,
    )
    handler.opt["_route_context"] = context
    return context


def problem_response(value: Problem, headers: Mapping[str, str] | None = None) -> Response[Problem]:
    return Response(value, status_code=value.status, media_type=PROBLEM_CONTENT_TYPE, headers=headers)


def headers_for(error: Exception) -> dict[str, str] | None:
    """Headers an error's answer carries besides its problem body: `Retry-After` on a 429."""
    if isinstance(error, TooManyAttempts):
        return {"Retry-After": str(error.retry_after)}
    return None


def handle_exception(request: Request[Any, Any, State], error: Exception) -> Response[Problem]:
    handler: Any = request.scope.get("route_handler")  # absent when no route matched
    return problem_response(problem_for(error, route_context(handler)), headers_for(error))
