"""The one rule by which a setting switches an adapter on: set, the adapter; unset, its stand-in."""

from __future__ import annotations

from typing import Any, TypeVar

from dependency_injector import providers

T = TypeVar("T")

NOTHING: providers.Provider[None] = providers.Object(None)
"""The stand-in of an adapter that has none: the port is simply not served (a sink not delivered to)."""


def configured(setting: object) -> str:
    return "on" if setting else "off"


def when_set(
    setting: providers.Provider[Any], adapter: providers.Provider[T], otherwise: providers.Provider[Any] = NOTHING
) -> providers.Selector[Any]:
    """`adapter` while `setting` (which names its destination, or says it is wanted) is set, else `otherwise`.

    Only the chosen provider is ever called, so an unset destination opens and builds nothing.
    """
    return providers.Selector(providers.Callable(configured, setting), on=adapter, off=otherwise)
