"""The one layer between what a client sends and the typed parameters handlers take (spec §3, §4).

Litestar converts query values and JSON bodies with msgspec in lenient mode (`strict=False`, in its
signature model): on its own, `"true"` would be a boolean in a body, `1700000000` an instant and
`"5"` an integer, while `?status=open` or a date alone in a query would be refused, and a body
nested 10,000 deep or badly encoded would escape as a 500. `screen_input` runs before every
handler (the app's `before_request` hook) and applies spec §3's rules instead, by the types the
handler declares, so handlers keep taking `bool`, enums, `datetime` and body structs, and the
OpenAPI document keeps showing those types (ADR 0009):

- **Query strings are lenient.** An empty parameter counts as absent; booleans are
  `true|false|1|0` in any case; enum values match in any case; an instant takes any offset (none,
  or a date alone, means UTC). Each value is handed on to Litestar in its canonical spelling; one
  that cannot be read is a 400 INVALID_QUERY naming the parameter as clients spell it.
- **Bodies are strict.** The bytes are decoded by msgspec's strict decoder straight into the
  declared `data` type, then screened: every instant within years 1-9999 once in UTC, every integer
  within 64 bits, nesting at most `MAX_BODY_DEPTH` levels. Anything else (malformed, truncated, not
  UTF-8, too deep, out of range, a wrong type) is a 400 with the route's body code naming the field.
  What this decode gives is what the handler takes: a body is decoded once.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import types
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar, Union, get_args, get_origin

import msgspec
from litestar import Request
from litestar.constants import RESERVED_KWARGS
from litestar.datastructures import State
from litestar.enums import ParamType
from litestar.params import DependencyKwarg, ParameterKwarg
from litestar.utils.scope.state import ScopeState

from campaigns.domain.documents import field_error_from
from campaigns.domain.errors import FieldError, InvalidQuery, ValidationFailed
from campaigns.entrypoints.http.errors import route_context

MAX_BODY_DEPTH = 64
"""Objects and arrays nested deeper than this are refused: far beyond any campaign document, and
shallow enough that no later decoding of what was stored can run out of stack."""

MAX_BODY_ERRORS = 20
"""A body with more failing values than this is reported by its first ones."""

_INT64 = 2**63
_INVALID_QUERY = "INVALID_QUERY"

E = TypeVar("E", bound=enum.Enum)

QueryParser = Callable[[str, str], str]
"""`(parameter name, raw value) -> the value in the spelling Litestar converts`; raises InvalidQuery."""


# --------------------------------------------------------------------------- query values


def _invalid_query(name: str, message: str) -> InvalidQuery:
    return InvalidQuery([FieldError(field=name, message=message, code=_INVALID_QUERY)])


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
        raise _invalid_query(name, message) from error


_FLAGS = {"true": True, "1": True, "false": False, "0": False}


def query_flag(name: str, raw: str | None, *, default: bool = False) -> bool:
    """A query-string boolean: `true|false|1|0` in any case; an empty or absent parameter is `default`.

    Anything else is a 400 INVALID_QUERY naming `name`.
    """
    if not raw:
        return default
    if (flag := _FLAGS.get(raw.strip().lower())) is None:
        raise _invalid_query(name, "Must be true, false, 1 or 0.")
    return flag


def query_choice(name: str, raw: str, kind: type[E]) -> E:
    """A query-string enum value, matched in any case; anything else is a 400 INVALID_QUERY naming `name`."""
    folded = raw.strip().casefold()
    for member in kind:
        if str(member.value).casefold() == folded:
            return member
    allowed = ", ".join(str(member.value) for member in kind)
    raise _invalid_query(name, f"Must be one of: {allowed} (any case).")


def _flag_text(name: str, raw: str) -> str:
    return "true" if query_flag(name, raw) else "false"


def _instant_text(name: str, raw: str) -> str:
    instant = query_instant(name, raw)
    return instant.isoformat() if instant is not None else raw


def _choice_parser(kind: type[enum.Enum]) -> QueryParser:
    def parse(name: str, raw: str) -> str:
        return str(query_choice(name, raw, kind).value)

    return parse


def _parser_for(annotation: Any) -> QueryParser | None:
    """How a query value of this declared type is read leniently; None: as Litestar reads it."""
    if get_origin(annotation) in {Union, types.UnionType}:
        inner = [arg for arg in get_args(annotation) if arg is not type(None)]
        annotation = inner[0] if len(inner) == 1 else None
    if annotation is bool:
        return _flag_text
    if annotation is dt.datetime:
        return _instant_text
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _choice_parser(annotation)
    return None


# --------------------------------------------------------------------------- what each route takes


class RouteInputs(msgspec.Struct, frozen=True, kw_only=True):
    """What `screen_input` needs to know about one route handler, worked out once."""

    query: Mapping[str, QueryParser | None] = {}
    """Query parameter name as clients spell it -> its lenient reader (None: Litestar's own)."""
    body: Any = None
    """The declared type of `data`, or None when the route takes no body."""
    body_required: bool = True
    body_code: str = "INVALID_CAMPAIGN_SCHEMA"


_PATH_PARAMETER = re.compile(r"{(?P<name>\w+)(?::\w+)?}")


def route_inputs(handler: Any) -> RouteInputs:
    """The query parameters and body of a route, from its parsed signature (cached on the handler)."""
    cached: RouteInputs | None = handler.opt.get("_route_inputs")
    if cached is not None:
        return cached
    path_names = {match["name"] for path in handler.paths for match in _PATH_PARAMETER.finditer(path)}
    injected = set(handler.resolve_dependencies())
    query: dict[str, QueryParser | None] = {}
    body: Any = None
    body_required = True
    for name, parameter in handler.parsed_fn_signature.parameters.items():
        kwarg = parameter.kwarg_definition
        if name == "data":
            body, body_required = parameter.annotation, not (parameter.is_optional or parameter.has_default)
        elif _is_query_parameter(name, kwarg, path_names | injected):
            alias = kwarg.name if isinstance(kwarg, ParameterKwarg) and kwarg.name else name
            query[alias] = _parser_for(parameter.annotation)
    inputs = RouteInputs(
        query=query, body=body, body_required=body_required, body_code=route_context(handler).body_code
    )
    handler.opt["_route_inputs"] = inputs
    return inputs


def _is_query_parameter(name: str, kwarg: Any, not_query: set[str]) -> bool:
    """Litestar's rule: marked as a query parameter, or unmarked and not reserved; never a path name or injected.

    A named dependency's parameter has a query parameter's kwarg too: its name says what it is.
    """
    if name in not_query:
        return False
    if isinstance(kwarg, ParameterKwarg):
        return kwarg.param_type is ParamType.QUERY
    return not isinstance(kwarg, DependencyKwarg) and name not in RESERVED_KWARGS


# --------------------------------------------------------------------------- the hook


async def screen_input(request: Request[Any, Any, State]) -> None:
    """Read the query leniently and check the body strictly before Litestar converts either (module docs)."""
    inputs = route_inputs(request.route_handler)
    if inputs.query and request.scope.get("query_string"):
        _read_query(request, inputs.query)
    if inputs.body is not None:
        await _check_body(request, inputs)


def _read_query(request: Request[Any, Any, State], readers: Mapping[str, QueryParser | None]) -> None:
    """Replace the parsed query pairs Litestar converts from by their canonical spelling."""
    sent = list(request.query_params.multi_items())  # parses once: Litestar reuses the pairs left on the request
    pairs: list[tuple[str, str]] = []
    errors: list[FieldError] = []
    for name, raw in sent:
        if name in readers and raw == "":
            continue  # an empty parameter counts as absent
        reader = readers.get(name)
        try:
            pairs.append((name, reader(name, raw) if reader is not None else raw))
        except InvalidQuery as error:
            errors.extend(error.errors)
    if errors:
        raise InvalidQuery(errors)
    if pairs == sent:
        return
    parsed = tuple(pairs)
    # Litestar's query extractor reads the request's parsed pairs; other Request objects on this
    # scope (the exception handler's) read them from the scope state.
    request._parsed_query = parsed
    ScopeState.from_scope(request.scope).parsed_query = parsed


async def _check_body(request: Request[Any, Any, State], inputs: RouteInputs) -> None:
    raw = await request.body()  # over the size limit: Litestar's 413
    if not raw and not inputs.body_required:
        return
    try:
        decoded = msgspec.json.decode(raw, type=inputs.body)  # strict: no "true" -> True, no epoch -> instant
    except msgspec.ValidationError as error:
        found = field_error_from(error, inputs.body_code)
        raise _invalid_body(inputs.body_code, [_named(found)]) from error
    except RecursionError as error:
        message = f"The body nests objects or arrays more than {MAX_BODY_DEPTH} levels deep."
        raise _invalid_body(inputs.body_code, [FieldError(field="body", message=message)]) from error
    except (msgspec.DecodeError, ValueError) as error:  # ValueError: UnicodeDecodeError on bytes that are not UTF-8
        message = f"The body is not valid UTF-8 JSON: {error}"
        raise _invalid_body(inputs.body_code, [FieldError(field="body", message=message)]) from error
    if problems := list(_out_of_range(decoded)):
        raise _invalid_body(inputs.body_code, problems)
    # Litestar takes the body from the scope's parsed JSON and converts it to the declared type,
    # which passes a value already of that type through: the handler gets this decoded command.
    ScopeState.from_scope(request.scope).json = decoded


def _invalid_body(code: str, errors: list[FieldError]) -> ValidationFailed:
    named = [msgspec.structs.replace(error, code=code) for error in errors]
    return ValidationFailed(named, code=code, message="The request body is invalid.")


def _named(error: FieldError) -> FieldError:
    """A failure of the body as a whole (`$`) is reported on the field `body`."""
    return msgspec.structs.replace(error, field="body") if error.field == "$" else error


def _out_of_range(body: Any) -> Iterator[FieldError]:
    """Values msgspec decodes but the service cannot keep.

    Instants that overflow UTC, integers over 64 bits, nesting over `MAX_BODY_DEPTH`. Iterative, so
    a deep body cannot exhaust the stack.
    """
    reported = 0
    pending: list[tuple[Any, str, int]] = [(body, "", 0)]
    while pending and reported < MAX_BODY_ERRORS:
        value, path, depth = pending.pop()
        if (message := _problem_with(value, depth)) is not None:
            reported += 1
            yield FieldError(field=path or "body", message=message)
            continue
        pending.extend((item, f"{path}.{key}" if path else key, depth + 1) for key, item in reversed(_children(value)))


def _problem_with(value: Any, depth: int) -> str | None:
    if depth > MAX_BODY_DEPTH:
        return f"Nested more than {MAX_BODY_DEPTH} levels deep."
    if isinstance(value, int) and not isinstance(value, bool) and not -_INT64 <= value < _INT64:
        return "The integer is out of range (64 bits)."
    if isinstance(value, dt.datetime):
        try:
            value.astimezone(dt.UTC)
        except OverflowError:
            return "The instant is outside years 1-9999 once in UTC."
    return None


def _children(value: Any) -> list[tuple[str, Any]]:
    """The named parts of a decoded value, as the client spelled their names (list items by index)."""
    if isinstance(value, msgspec.Struct):
        fields = zip(value.__struct_fields__, value.__struct_encode_fields__, strict=True)
        return [(encoded, item) for name, encoded in fields if (item := getattr(value, name)) is not msgspec.UNSET]
    if isinstance(value, dict):
        return [(str(key), item) for key, item in value.items()]
    if isinstance(value, list | tuple):
        return [(str(index), item) for index, item in enumerate(value)]
    return []
