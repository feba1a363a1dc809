"""The one rule by which a setting switches an adapter on: set, the adapter; unset, its stand-in."""

from __future__ import annotations

from typing import Any

from dependency_injector import providers


def configured(setting: object) -> str:
    return "on" if setting else "off"


def when_set(
    setting: providers.Provider[Any], adapter: providers.Provider[Any], otherwise: providers.Provider[Any] | None = None
) -> providers.Selector[Any]:
    """`adapter` while `setting` (which names its destination, or says it is wanted) is set, else `otherwise`.

    Without `otherwise`, None: the port is not served (a sink not delivered to, no listener run).
    Only the chosen provider is ever called, so an unset destination opens and builds nothing.
    """
    stand_in = providers.Object(None) if otherwise is None else otherwise
    return providers.Selector(providers.Callable(configured, setting), on=adapter, off=stand_in)
