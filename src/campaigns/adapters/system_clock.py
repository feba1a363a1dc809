"""The real clock and id source."""

from __future__ import annotations

import datetime as dt
import secrets

from bson import ObjectId

from campaigns.application.ports import Clock, IdFactory


class SystemClock(Clock):
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class ObjectIdFactory(IdFactory):
    """MongoDB ObjectIds in every profile, so ids look the same whatever the store."""

    def new_id(self) -> str:
        return str(ObjectId())

    def new_salt(self) -> bytes:
        return secrets.token_bytes(16)
