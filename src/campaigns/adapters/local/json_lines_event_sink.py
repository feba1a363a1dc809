"""The embedded profile's event sink: every CloudEvent appended to one local JSON-lines file."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from campaigns.application.errors import DependencyUnavailable
from campaigns.application.event_catalogue import encode
from campaigns.application.outbox import OutboxEntry, Rejection, SinkRoute
from campaigns.application.ports.outbox import EventSink


class JsonLinesEventSink(EventSink):
    """One line per event, written and flushed in a worker thread so the event loop never waits on disk.

    A relay killed while writing leaves a torn last line; it belongs to a batch that was never
    acknowledged, so the next append cuts it off before writing that batch again.
    """

    def __init__(self, path: Path, *, route: SinkRoute) -> None:
        self.route = route
        self._path = path

    async def deliver(self, entries: Sequence[OutboxEntry]) -> list[Rejection]:
        lines = b"".join(encode(entry) + b"\n" for entry in entries)
        try:
            await asyncio.to_thread(self._append, lines)
        except OSError as error:
            raise DependencyUnavailable(f"Cannot append to {self._path}: {error}") from error
        return []

    def _append(self, lines: bytes) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with self._path.open("a+b") as sink:
            _cut_torn_line(sink)
            sink.write(lines)
            sink.flush()


def _cut_torn_line(sink: BinaryIO) -> None:
    size = sink.seek(0, os.SEEK_END)
    if size == 0:
        return
    sink.seek(size - 1)
    if sink.read(1) == b"\n":
        return
    start = max(size - TORN_LINE_SEARCH, 0)
    sink.seek(start)
    tail = sink.read()
    sink.truncate(start + tail.rfind(b"\n") + 1 if b"\n" in tail else 0)


TORN_LINE_SEARCH = 16 << 20
"""How far back to look for the end of the last whole line (far more than one batch)."""
