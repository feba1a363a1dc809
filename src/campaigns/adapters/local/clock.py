"""The real clock and id source, and a stopped clock for runs that must not depend on the time of day."""

from __future__ import annotations

import datetime as dt
import secrets

from bson import ObjectId

from campaigns.application.ports.system import Clock, IdFactory


class SystemClock(Clock):
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FixedClock(Clock):
    """A clock that moves only when told to: tests, and benchmarks that replay one instant."""

    def __init__(self, now: dt.datetime) -> None:
        self._now = _utc(now)

    def now(self) -> dt.datetime:
        return self._now

    def set(self, instant: dt.datetime) -> None:
        self._now = _utc(instant)

    def advance(self, delta: dt.timedelta) -> None:
        self._now += delta


def _utc(instant: dt.datetime) -> dt.datetime:
    if instant.tzinfo is None:
        raise ValueError("A clock instant must be timezone-aware.")
    return instant.astimezone(dt.UTC)


class ObjectIdFactory(IdFactory):
    """MongoDB ObjectIds in every profile, so ids look the same whatever the store."""

    def new_id(self) -> str:
        return str(ObjectId())

    def new_salt(self) -> bytes:
        return secrets.token_bytes(16)
