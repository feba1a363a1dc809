"""What each operation of the OpenAPI document says it can answer, worked out from its route.

The problems an operation lists are those its route can give, by their stable `code`:

- the errors of the use cases its handler takes (`ERRORS_BY_USE_CASE`, the one table) and of its
  guards, at the status the error mapping (errors.py) gives them;
- what the HTTP edge adds by the route's shape: 401 to a caller without a valid token (routes
  that need one), 400 for a query or path value that cannot be read (routes with query parameters or
  constrained path parameters), 400 with
  the route's body code, 413, 415 and 408 (routes that take a body), and 500 to every route.

Success responses also list the headers the route declares (`ETag`, `Location`), even where the
body is documented apart from the handler's return type (a prepared campaign response).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import msgspec
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example, OpenAPIHeader, OpenAPIResponse, OpenAPIType, Operation, Schema
from litestar.params import HeaderParameter, PathParameter

from campaigns.application.errors import VersionMismatch
from campaigns.application.use_case_errors import ERRORS_BY_USE_CASE
from campaigns.domain.errors import CampaignError, DocumentTooLarge, SupremeUserRequired
from campaigns.entrypoints.http.body_deadline import RequestTimedOut
from campaigns.entrypoints.http.controllers.common import IF_MATCH, supreme_only
from campaigns.entrypoints.http.errors import status_of
from campaigns.entrypoints.http.inputs import route_inputs
from campaigns.entrypoints.http.problems import PROBLEM_CONTENT_TYPE, Problem, problem


class DocumentedProblem(msgspec.Struct, frozen=True, order=True):
    status: int
    code: str
    detail: str


UNAUTHENTICATED = DocumentedProblem(
    401, "UNAUTHENTICATED", "The bearer token is missing, malformed, expired or not signed by a trusted key."
)
INVALID_QUERY = DocumentedProblem(400, "INVALID_QUERY", "A query parameter cannot be read; `errors` names it.")
UNSUPPORTED_MEDIA_TYPE = DocumentedProblem(
    415, "UNSUPPORTED_MEDIA_TYPE", "Bodies must be application/json (or a +json type)."
)
INTERNAL_ERROR = DocumentedProblem(500, "INTERNAL_ERROR", "The service failed to handle this request.")

ERRORS_BY_GUARD: Mapping[Callable[..., Any], frozenset[type[CampaignError]]] = {
    supreme_only: frozenset({SupremeUserRequired}),
}
"""Route guard -> what it raises."""


def documented(error: type[CampaignError]) -> list[DocumentedProblem]:
    return [DocumentedProblem(status_of(error), code, error.default_message) for code in error.possible_codes()]


def handler_errors(handler: HTTPRouteHandler) -> frozenset[type[CampaignError]]:
    """The errors of the use cases `handler` takes, of its guards, and of the `If-Match` it reads."""
    errors: set[type[CampaignError]] = set()
    for parameter in handler.parsed_fn_signature.parameters.values():
        errors |= ERRORS_BY_USE_CASE.get(parameter.annotation, frozenset())
        kwarg = parameter.kwarg_definition
        if isinstance(kwarg, HeaderParameter) and kwarg.name == IF_MATCH:
            errors.add(VersionMismatch)
    for layer in handler.ownership_layers:
        for guard in layer.guards or ():
            errors |= ERRORS_BY_GUARD[guard]
    return frozenset(errors)


def route_problems(handler: HTTPRouteHandler) -> list[DocumentedProblem]:
    """Every problem `handler`'s route can answer, in status and code order."""
    found = {problem for error in handler_errors(handler) for problem in documented(error)}
    found.add(INTERNAL_ERROR)
    if handler.resolve_security():
        found.add(UNAUTHENTICATED)
    inputs = route_inputs(handler)
    if inputs.query or _constrains_its_path(handler):
        found.add(INVALID_QUERY)
    if inputs.body is not None:
        found |= {
            DocumentedProblem(400, inputs.body_code, "The body is not valid; `errors` names each failing field."),
            UNSUPPORTED_MEDIA_TYPE,
            *documented(DocumentTooLarge),
            *documented(RequestTimedOut),
        }
    return sorted(found)


_CONSTRAINTS = ("min_length", "max_length", "pattern", "gt", "ge", "lt", "le")


def _constrains_its_path(handler: HTTPRouteHandler) -> bool:
    """Whether a path parameter has a constraint a request may break (a bare `str` one takes anything)."""
    return any(
        isinstance(kwarg := parameter.kwarg_definition, PathParameter)
        and any(getattr(kwarg, name) is not None for name in _CONSTRAINTS)
        for parameter in handler.parsed_fn_signature.parameters.values()
    )


def problem_responses(problems: Iterable[DocumentedProblem]) -> dict[int, ResponseSpec]:
    """One problem+json response per status: its description lists the codes, with an example of each."""
    details: dict[int, dict[str, list[str]]] = {}
    for item in problems:
        details.setdefault(item.status, {}).setdefault(item.code, []).append(item.detail)
    return {
        status: ResponseSpec(
            data_container=Problem,
            generate_examples=False,
            media_type=PROBLEM_CONTENT_TYPE,
            description="\n".join(f"- `{code}`: {' Or: '.join(texts)}" for code, texts in codes.items()),
            examples=[
                Example(id=code, summary=code, value=msgspec.to_builtins(problem(status, code, texts[0])))
                for code, texts in codes.items()
            ],
        )
        for status, codes in details.items()
    }


def document_operations(app: Litestar) -> None:
    """Give every route of `app` its problem responses and success headers (before the document is built)."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if not isinstance(handler, HTTPRouteHandler) or not handler.resolve_include_in_schema():
                continue
            handler.responses = {**(handler.responses or {}), **problem_responses(route_problems(handler))}
            handler.operation_class = _operation_class(handler)


def _operation_class(handler: HTTPRouteHandler) -> type[Operation]:
    """An Operation that keeps only problem+json error responses and gives the success one its headers.

    Litestar adds its own 400 (of its own shape) to any route with parameters, and a 200 documented
    apart from the return type (`ResponseSpec`) loses the route's declared response headers.
    """
    success = str(handler.status_code)
    headers = {
        header.name: OpenAPIHeader(
            schema=Schema(type=OpenAPIType.STRING), description=header.description, required=header.required
        )
        # Litestar keeps them in a set: sorted, the document is the same bytes in every process
        for header in sorted(handler.resolve_response_headers(), key=lambda header: header.name)
    }

    class DocumentedOperation(Operation):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            responses = self.responses or {}
            for status in [status for status, response in responses.items() if _undocumented(status, response)]:
                del responses[status]
            if headers and isinstance(answer := responses.get(success), OpenAPIResponse):
                answer.headers = {**headers, **(answer.headers or {})}

    return DocumentedOperation


def _undocumented(status: str, response: Any) -> bool:
    content = getattr(response, "content", None) or {}
    return status.isdigit() and int(status) >= 400 and PROBLEM_CONTENT_TYPE not in content
