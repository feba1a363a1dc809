"""Ports for what the service takes from its host: the time and fresh ids."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, timezone-aware UTC."""
        ...


class IdFactory(Protocol):
    def new_id(self) -> str:
        """A new unique 24-hex-character id (MongoDB ObjectId format)."""
        ...

    def new_salt(self) -> bytes:
        """Fresh random bytes for salting a password hash."""
        ...
