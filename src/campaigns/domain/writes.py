"""What every domain write shares: the change it makes, and how a command's fields are read.

A command (`commands.Input`) is decoded once, strictly, at the edge: a field the client left out
stays `UNSET`, told apart from an explicit `null`. The domain turns it into a document and the
events of that change.
"""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec
from msgspec import UnsetType

from campaigns.domain.errors import FieldError, ValidationFailed
from campaigns.domain.events import AnyEvent

T = TypeVar("T")
D = TypeVar("D")


class Change(msgspec.Struct, Generic[D], frozen=True):
    """A document as a write leaves it, with the events to publish; no events: nothing changed."""

    document: D
    events: list[AnyEvent]

    @property
    def changed(self) -> bool:
        return bool(self.events)


def sent_or(value: T | UnsetType, current: T) -> T:
    """The value a command sent for a field, else what the field holds now."""
    return current if isinstance(value, UnsetType) else value


def required(value: T | UnsetType, field: str, error: type[ValidationFailed]) -> T:
    """A field a document cannot do without, sent or kept.

    Missing, it is the one error reported, as a type check of the whole document would report it.
    """
    if isinstance(value, UnsetType):
        raise error([FieldError(field=field, message="Required.", code=error.code)])
    return value
