"""Turning client JSON into domain documents and back: deep merge, typed conversion."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any, TypeVar

import msgspec

from campaigns.domain.campaign import Campaign
from campaigns.domain.errors import DocumentTooLarge, FieldError, ValidationFailed, field_path

T = TypeVar("T")

MAX_DOCUMENT_BYTES = 1024 * 1024
"""The largest request body (1 MiB), and so the largest document a write may leave stored: whatever
is stored can be read and POSTed back (spec §3)."""

_PATH = re.compile(r" - at `\$\.?(?P<path>[^`]*)`$")
_UNKNOWN = re.compile(r"unknown field `(?P<name>.+)`$", re.DOTALL)  # a client's key may hold backticks
_MISSING = re.compile(r"missing required field `(?P<name>[^`]+)`")
_NAMED = re.compile(r"field `(?P<name>[^`]+)`: ")


def deep_merge(base: Mapping[str, Any], patch: Mapping[str, Any], *, replacing: Collection[str] = ()) -> dict[str, Any]:
    """Objects merge key by key; arrays, scalars and nulls in `patch` replace what `base` had.

    The top-level keys in `replacing` (opaque content) take `patch`'s value whole, objects too.
    """
    merged = dict(base)
    for key, value in patch.items():
        current = merged.get(key)
        if key not in replacing and isinstance(value, Mapping) and isinstance(current, Mapping):
            merged[key] = deep_merge(current, value)
        else:
            merged[key] = value
    return merged


def field_named_by_msgspec(path: str, message: str) -> tuple[str, str] | None:
    """The field an unknown- or missing-field error of msgspec names in its message, and the message clients get.

    Bodies decoded by the edge and documents converted by the domain report these the same way.
    """
    if unknown := _UNKNOWN.search(message):
        return field_path(path, unknown["name"]), "Unknown field."
    if missing := _MISSING.search(message):
        return field_path(path, missing["name"]), "Required."
    return None


def field_error_from(error: msgspec.ValidationError, code: str) -> FieldError:
    """Name the failing field (dotted path) of a msgspec conversion error."""
    text = str(error)
    path = ""
    if match := _PATH.search(text):
        path = re.sub(r"\[(\d+)\]", r".\1", match["path"]).lstrip(".")  # a top-level array's `$[0]` is `0`
        text = text[: match.start()]
    if named_by_msgspec := field_named_by_msgspec(path, text):
        path, text = named_by_msgspec
    elif named := _NAMED.match(text):  # a struct's own check (`__post_init__`) names its field
        path = field_path(path, named["name"])
        text = text[named.end() :]
    return FieldError(field=path or "$", message=text, code=code)


def convert_document(document: Mapping[str, Any], kind: type[T], *, error: type[ValidationFailed]) -> T:
    """Type-check a JSON-shaped mapping into a domain struct, naming the field on failure."""
    try:
        return msgspec.convert(document, kind)
    except msgspec.ValidationError as exc:
        raise error([field_error_from(exc, error.code)]) from exc


def ensure_within_body_limit(kind: str, encoded_size: int) -> None:
    """Refuse a write whose `kind` document, encoded as it is served, would exceed `MAX_DOCUMENT_BYTES`."""
    if encoded_size > MAX_DOCUMENT_BYTES:
        raise DocumentTooLarge(
            f"The {kind} would be {encoded_size} bytes as served, over the {MAX_DOCUMENT_BYTES}-byte (1 MiB) "
            "limit of a request body, so it could not be written back; nothing was written."
        )


def campaign_from_document(document: Mapping[str, Any]) -> Campaign:
    return convert_document(document, Campaign, error=ValidationFailed)


def campaign_document(campaign: Campaign) -> dict[str, Any]:
    """The JSON-shaped document of a campaign, as stored (the password hash included)."""
    document: dict[str, Any] = msgspec.to_builtins(campaign)
    return document
