"""Settings from `CAMPAIGNS_*` environment variables, validated once at start."""

from __future__ import annotations

import difflib
import os
import re
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from pymongo.errors import PyMongoError
from pymongo.uri_parser import parse_uri

PREFIX = "CAMPAIGNS_"

Port = Annotated[int, msgspec.Meta(ge=1, le=65535)]
PositiveSeconds = Annotated[float, msgspec.Meta(gt=0, le=86_400)]
HttpUrl = Annotated[str, msgspec.Meta(pattern=r"^https?://[^\s/]+")]

StoreKind = Literal["sqlite", "mongo"]
Profile = Literal["embedded", "production"]
PROFILES: dict[StoreKind, Profile] = {"sqlite": "embedded", "mongo": "production"}
"""The store decides the profile: SQLite is the embedded one, MongoDB the production one."""
DEFAULT_MONGO_DATABASE = "campaigns"
"""The database when a MongoDB URL names none."""


class ConfigurationError(Exception):
    """A bad setting; its message is one line naming the variable."""


class Settings(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    host: str = "127.0.0.1"
    port: Port = 8080
    workers: Annotated[int, msgspec.Meta(ge=1, le=64)] = 1
    """`campaigns serve` worker processes (`serve --workers` overrides)."""
    http_header_timeout_seconds: Annotated[float, msgspec.Meta(ge=0.1, le=10)] = 5.0
    """How long a client may take to send a request's headers, and how long an idle keep-alive
    connection is kept: granian runs one timer for both."""
    http_body_timeout_seconds: Annotated[float, msgspec.Meta(ge=0.1, le=60)] = 10.0
    """How long a request's body may take to arrive, from the request's start, before a 408."""
    data_dir: str = "var"
    store: str | None = None
    """`sqlite:///path`, `mongodb://…` or `mongodb+srv://…`; unset means `sqlite:///<data dir>/campaigns.db`."""
    mongo_timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=120)] = 5.0
    """How long to wait for a MongoDB server to be selected or connected before answering 503."""
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
    discovery_url: HttpUrl = "https://app.ticketmaster.com"
    discovery_connect_timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=60)] = 2.0
    discovery_read_timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=60)] = 5.0
    discovery_cache_ttl_seconds: Annotated[float, msgspec.Meta(ge=0, le=86_400)] = 300.0
    discovery_not_found_ttl_seconds: Annotated[float, msgspec.Meta(ge=0, le=86_400)] = 30.0
    """How long an id Discovery does not know is remembered (never longer than the cache TTL)."""
    # Accepted and validated now, used by the adapters of a later release (unset: the embedded stand-ins).
    redis_url: str | None = None
    redis_replica_url: str | None = None
    kinesis_stream: str | None = None
    """Each of the stream and the two queue URLs turns its sink on; unset: the local JSON-lines file."""
    data_pipeline_queue_url: str | None = None
    refresh_selections_queue_url: str | None = None
    aws_endpoint_url: str | None = None
    aws_region: str = "us-east-1"
    aws_connect_timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=60)] = 2.0
    aws_read_timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=120)] = 10.0
    """Per AWS call; the sinks' own bounded retries (and then the relay's backoff) handle what fails."""
    fastly_service_id: str | None = None
    fastly_api_key: str | None = None
    fastly_api_url: str = "https://api.fastly.com"

    @property
    def store_kind(self) -> StoreKind:
        """`sqlite` or `mongo`, from the store URL's scheme (validated by `load_settings`)."""
        return "mongo" if self.store is not None and self.store.startswith("mongodb") else "sqlite"

    @property
    def profile(self) -> Profile:
        return PROFILES[self.store_kind]

    @property
    def sqlite_path(self) -> Path:
        if self.store is None:
            return Path(self.data_dir) / "campaigns.db"
        return Path(self.store.removeprefix("sqlite:///"))

    @property
    def mongo_url(self) -> str:
        if self.store is None or self.store_kind != "mongo":
            raise ConfigurationError(f"{PREFIX}STORE: not a MongoDB URL")
        return self.store

    @property
    def mongo_database(self) -> str:
        """The database the URL names after its hosts (`mongodb://host/NAME`), else `campaigns`."""
        return str(_parse_mongo_url(self.mongo_url)["database"] or DEFAULT_MONGO_DATABASE)

    @property
    def store_description(self) -> str:
        """The store for messages and logs: hosts and database, never the credentials or options."""
        if self.store_kind == "sqlite":
            return f"the SQLite file {self.sqlite_path}"
        nodes = _parse_mongo_url(self.mongo_url)["nodelist"]
        hosts = ",".join(host if port is None else f"{host}:{port}" for host, port in nodes)
        return f"MongoDB at {hosts} (database {self.mongo_database})"

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
    given = {
        name.removeprefix(PREFIX).lower(): value
        for name, value in env.items()
        if name.startswith(PREFIX) and not name.startswith(f"{PREFIX}TEST_")
    }
    if problem := _check_empty(given):
        raise ConfigurationError(problem)
    raw: dict[str, object] = {name: value for name, value in given.items() if value != ""}
    raw.update({key: value for key, value in (overrides or {}).items() if value is not None})
    try:
        settings = msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as error:
        raise ConfigurationError(_explain(str(error))) from error
    for check in (_check_store, _check_forms, _check_pairs):
        if problem := check(settings):
            raise ConfigurationError(problem)
    return settings


_STORE_FORMS = (
    "sqlite:///relative/path, sqlite:////absolute/path, mongodb://host[:port][,host…]/database"
    " or mongodb+srv://host/database"
)
_HTTP = (r"^https?://[^\s/]+", "an http:// or https:// URL")
_REDIS = (r"^(rediss?://[^\s/?#]+(/\d*)?(\?\S*)?|unix:///\S+)$", "redis://host[:port][/db], rediss://… or unix:///path")
_SQS = (r"^https?://[^\s/]+/\S+$", "an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)")
_FORMS = {
    "redis_url": _REDIS,
    "redis_replica_url": _REDIS,
    "kinesis_stream": (r"^[A-Za-z0-9_.-]{1,128}$", "a Kinesis stream name (1-128 of A-Z a-z 0-9 _ . -)"),
    "data_pipeline_queue_url": _SQS,
    "refresh_selections_queue_url": _SQS,
    "aws_endpoint_url": _HTTP,
    "aws_region": (r"^[a-z]{2}(-[a-z]+)+-\d+$", "an AWS region such as us-east-1"),
    "fastly_service_id": (r"^[A-Za-z0-9]{1,64}$", "a Fastly service id (letters and digits)"),
    "fastly_api_key": (r"^\S+$", "a Fastly API token (no spaces)"),
    "fastly_api_url": _HTTP,
}
"""String settings of one form: (pattern, what is expected). Messages never echo the value: it may be a secret."""
_PAIRS = (
    ("redis_replica_url", "redis_url", "a read replica needs its primary"),
    ("fastly_service_id", "fastly_api_key", "purging needs the service and a key"),
    ("fastly_api_key", "fastly_service_id", "purging needs the service and a key"),
)
"""(set, needs, why): a variable that means nothing without another one."""


def _check_store(settings: Settings) -> str | None:
    store = settings.store
    if store is None:
        return None
    scheme = store.partition(":")[0] if ":" in store else ""
    if scheme == "sqlite":
        return _check_sqlite_url(store)
    if scheme in {"mongodb", "mongodb+srv"}:
        try:
            _parse_mongo_url(store)
        except (PyMongoError, ValueError) as error:
            return f"{PREFIX}STORE: not a usable MongoDB URL: {str(error).splitlines()[0]}"
        return None
    named = f"{scheme!r} is not a supported store" if scheme else "not a store URL"
    return f"{PREFIX}STORE: {named}; use {_STORE_FORMS}"


def _check_sqlite_url(store: str) -> str | None:
    if not store.startswith("sqlite:///"):
        return (
            f"{PREFIX}STORE: too few slashes: a SQLite URL has three before a relative path and four before"
            " an absolute one (sqlite:///var/campaigns.db, sqlite:////srv/campaigns.db)"
        )
    if store.endswith("/"):
        return f"{PREFIX}STORE: the SQLite URL names no file (sqlite:///var/campaigns.db)"
    return None


def _check_forms(settings: Settings) -> str | None:
    for name, (pattern, expected) in _FORMS.items():
        value = getattr(settings, name)
        if value is not None and not re.match(pattern, value):
            return f"{PREFIX}{name.upper()}: expected {expected}"
    return None


def _check_pairs(settings: Settings) -> str | None:
    for name, needs, why in _PAIRS:
        if getattr(settings, name) is not None and getattr(settings, needs) is None:
            return f"{PREFIX}{name.upper()}: set {PREFIX}{needs.upper()} too ({why})"
    return None


def _parse_mongo_url(url: str) -> dict[str, Any]:
    """Parse and validate a MongoDB URL without touching the network.

    PyMongo looks up an SRV URL's DNS records while parsing it, so a `mongodb+srv://` URL is checked
    in its plain `mongodb://` spelling (one host name, no port; options and database name as usual)
    and its records are left to the client.
    """
    if url.startswith("mongodb+srv://"):
        parsed = parse_uri("mongodb://" + url.removeprefix("mongodb+srv://"), default_port=None)
        if len(parsed["nodelist"]) != 1 or parsed["nodelist"][0][1] is not None:
            raise ValueError("a mongodb+srv:// URL names exactly one host name, without a port")
        return parsed
    return parse_uri(url)


def _check_empty(given: Mapping[str, str]) -> str | None:
    """Empty counts as unset where unset means something (an optional sink or key); elsewhere it is an error."""
    defaults = {field.name: field.default for field in msgspec.structs.fields(Settings)}
    for name, value in given.items():
        if value == "" and name in defaults and defaults[name] is not None:
            return f"{PREFIX}{name.upper()}: empty; give a value or unset it for the default ({defaults[name]})"
    return None


def _explain(message: str) -> str:
    if unknown := re.search(r"unknown field `(?P<name>[^`]+)`", message):
        name = unknown["name"]
        known = [field.name for field in msgspec.structs.fields(Settings)]
        closest = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"; did you mean {PREFIX}{closest[0].upper()}?" if closest else ""
        return f"{PREFIX}{name.upper()}: not a known setting{hint}"
    if located := re.search(r"^(?P<why>.*) - at `\$\.(?P<name>[^`]+)`$", message):
        name, why = located["name"], located["why"]
        if choices := _choices(name):
            why = f"expected one of {', '.join(choices)}"
        return f"{PREFIX}{name.upper()}: {why}"
    return message


def _choices(name: str) -> tuple[str, ...]:
    """The values a `Literal` setting takes, else nothing."""
    hints = typing.get_type_hints(Settings)
    annotation = hints.get(name)
    return typing.get_args(annotation) if typing.get_origin(annotation) is Literal else ()
