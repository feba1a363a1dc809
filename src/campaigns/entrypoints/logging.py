"""Structured JSON logs; every line carries the request's correlation id when there is one."""

from __future__ import annotations

import datetime as dt
import enum
import json
import logging
import sys
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import PurePath
from typing import Any, TextIO, cast

import msgspec
import structlog
from structlog.typing import EventDict, WrappedLogger

CORRELATION_ID: ContextVar[str | None] = ContextVar("correlation_id", default=None)
"""The current request's correlation id, added to every log line written while it is set."""


def _add_correlation_id(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    if (correlation_id := CORRELATION_ID.get()) is not None:
        event["correlationId"] = correlation_id
    return event


QUIET_LOGGERS = ("botocore.credentials", "aiosqlite")
"""Libraries whose INFO or DEBUG lines say nothing an operator acts on: botocore's "Found credentials in …",
aiosqlite's repr of every statement it runs."""


def _utc_iso(instant: dt.datetime) -> str:
    utc = instant.astimezone(dt.UTC) if instant.tzinfo is not None else instant
    return utc.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


_NATIVE: tuple[tuple[type | tuple[type, ...], Callable[[Any], object]], ...] = (
    (dt.datetime, _utc_iso),
    ((dt.date, dt.time), lambda value: value.isoformat()),
    (dt.timedelta, lambda value: value.total_seconds()),
    (enum.Enum, lambda value: value.value),
    ((set, frozenset), lambda value: sorted(value, key=str)),
    ((PurePath, BaseException), str),
)
"""(types, conversion), in order: a datetime is also a date."""


def json_native(value: object) -> object:
    """A JSON value for what `json` cannot encode: instants as ISO-8601 `Z`, anything else as data, never a repr."""
    for kinds, convert in _NATIVE:
        if isinstance(value, kinds):
            return convert(value)
    try:
        return msgspec.to_builtins(value)
    except TypeError:
        return str(value)


def render_json(event: EventDict, **_: object) -> str:
    return json.dumps(event, default=json_native)


class _CurrentStderr:
    """Whatever `sys.stderr` is at each write, so stdout stays for what a command prints.

    Resolved per write: a runner that swaps stderr (a test's CLI runner) never leaves the loggers
    writing to a closed stream.
    """

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(level: str) -> None:
    """JSON lines on stderr, for the service's own logs and for libraries' (granian) alike."""
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        _add_correlation_id,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    handler = logging.StreamHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(serializer=render_json),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    structlog.configure(
        processors=[
            *shared,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(serializer=render_json),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(cast(TextIO, _CurrentStderr())),
        cache_logger_on_first_use=True,
    )
