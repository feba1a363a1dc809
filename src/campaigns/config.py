"""Settings from `CAMPAIGNS_*` environment variables, validated once at start."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

import msgspec

PREFIX = "CAMPAIGNS_"

Port = Annotated[int, msgspec.Meta(ge=1, le=65535)]
PositiveSeconds = Annotated[float, msgspec.Meta(gt=0, le=86_400)]


class ConfigurationError(Exception):
    """A bad setting; its message is one line naming the variable."""


class Settings(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    host: str = "127.0.0.1"
    port: Port = 8080
    data_dir: str = "var"
    store: str | None = None
    """`sqlite:///path`; unset means `<data dir>/campaigns.db`."""
    jwt_public_key: str | None = None
    """A PEM or a path to one; unset means the embedded dev key under the data dir."""
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    tick_seconds: PositiveSeconds = 15.0
    relay_seconds: PositiveSeconds = 1.0
    cache_ttl_seconds: Annotated[float, msgspec.Meta(ge=0, le=3600)] = 2.0
    outbox_retention_hours: Annotated[float, msgspec.Meta(gt=0, le=24 * 366)] = 168.0
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    discovery_api_key: str | None = None
    """Unset means `/artists` and `/venues` answer 503 saying how to configure them."""
    discovery_url: Annotated[str, msgspec.Meta(pattern=r"^https?://[^\s/]+")] = "https://app.ticketmaster.com"
    discovery_connect_timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=60)] = 2.0
    discovery_read_timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=60)] = 5.0
    discovery_cache_ttl_seconds: Annotated[float, msgspec.Meta(ge=0, le=86_400)] = 300.0

    @property
    def sqlite_path(self) -> Path:
        if self.store is None:
            return Path(self.data_dir) / "campaigns.db"
        return Path(self.store.removeprefix("sqlite:///"))

    @property
    def events_path(self) -> Path:
        return Path(self.data_dir) / "events.jsonl"

    @property
    def dev_key_dir(self) -> Path:
        return Path(self.data_dir) / "keys"


def load_settings(environ: Mapping[str, str] | None = None, overrides: Mapping[str, object] | None = None) -> Settings:
    """Read the environment (unknown `CAMPAIGNS_*` names are an error: they are usually typos).

    Raises:
        ConfigurationError: one line naming the variable and what is wrong with it.
    """
    env = os.environ if environ is None else environ
    raw: dict[str, object] = {
        name.removeprefix(PREFIX).lower(): value
        for name, value in env.items()
        if name.startswith(PREFIX) and not name.startswith(f"{PREFIX}TEST_") and value != ""
    }
    raw.update({key: value for key, value in (overrides or {}).items() if value is not None})
    try:
        settings = msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as error:
        raise ConfigurationError(_explain(str(error))) from error
    if settings.store is not None and not settings.store.startswith("sqlite:///"):
        raise ConfigurationError(
            f"{PREFIX}STORE: {settings.store.split(':', 1)[0]!r} stores are not supported by this build; use sqlite:///path"
        )
    return settings


def _explain(message: str) -> str:
    if unknown := re.search(r"unknown field `(?P<name>[^`]+)`", message):
        return f"{PREFIX}{unknown['name'].upper()}: not a known setting"
    if located := re.search(r"^(?P<why>.*) - at `\$\.(?P<name>[^`]+)`$", message):
        return f"{PREFIX}{located['name'].upper()}: {located['why']}"
    return message
