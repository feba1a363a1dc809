"""The embedded profile's event sink: CloudEvents appended to a local JSON-lines file."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import msgspec

from campaigns.adapters.cloud_events import cloud_event
from campaigns.application.errors import DependencyUnavailable
from campaigns.application.ports import EventSink, OutboxEntry


class JsonLinesEventSink(EventSink):
    """One line per event, written and flushed in a worker thread so the event loop never waits on disk."""

    name = "json-lines"

    def __init__(self, path: Path) -> None:
        self._path = path
        self._encoder = msgspec.json.Encoder()

    async def deliver(self, entries: Sequence[OutboxEntry]) -> None:
        lines = b"".join(self._encoder.encode(cloud_event(entry)) + b"\n" for entry in entries)
        try:
            await asyncio.to_thread(self._append, lines)
        except OSError as error:
            raise DependencyUnavailable(f"Cannot append to {self._path}: {error}") from error

    def _append(self, lines: bytes) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with self._path.open("ab") as sink:
            sink.write(lines)
            sink.flush()
