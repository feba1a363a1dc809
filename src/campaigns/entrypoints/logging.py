"""Structured JSON logs; every line carries the request's correlation id when there is one."""

from __future__ import annotations

import logging
from contextvars import ContextVar

import structlog
from structlog.typing import EventDict, WrappedLogger

CORRELATION_ID: ContextVar[str | None] = ContextVar("correlation_id", default=None)
"""The current request's correlation id, added to every log line written while it is set."""


def _add_correlation_id(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    if (correlation_id := CORRELATION_ID.get()) is not None:
        event["correlationId"] = correlation_id
    return event


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
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, structlog.processors.JSONRenderer()],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        cache_logger_on_first_use=True,
    )
