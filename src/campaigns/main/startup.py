"""What a command checks before it starts (data dir, keys, listener, store), each failure one line saying what to do."""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from campaigns.adapters.local.dev_jwt_keys import DevKeyPair, read_public_key
from campaigns.adapters.mongo.replica_set import replica_set_mismatch
from campaigns.application.errors import DependencyUnavailable
from campaigns.config import PREFIX, Settings
from campaigns.main.wiring.stores import StoreDatabase

SHOWN_MISSING = 5
"""How many missing index names the start-up line shows."""


class NotReady(Exception):
    """The store cannot serve: one line naming what is wrong and what to do about it."""


async def check_store(database: StoreDatabase, settings: Settings, *, in_service: bool = True) -> None:
    """The store answers; `in_service` (every command but `db init`): it has its indexes and runs transactions.

    Indexes come first: they tell an empty database (run `campaigns db init`) from a working one.

    Raises:
        NotReady: the first check that failed.
    """
    try:
        await database.ping()
    except DependencyUnavailable as error:
        if settings.store_kind == "mongo" and (
            mismatch := await replica_set_mismatch(settings.mongo_url, timeout_seconds=settings.mongo_timeout_seconds)
        ):
            raise NotReady(f"store misconfigured: {settings.store_description}: {mismatch}") from error
        raise unavailable(settings, error) from error
    if not in_service:
        return
    if missing := await database.check_indexes():
        shown = ", ".join(missing[:SHOWN_MISSING]) + (", …" if len(missing) > SHOWN_MISSING else "")
        raise NotReady(
            f"store not initialised: {settings.store_description} lacks {len(missing)} collection(s) or index(es)"
            f" ({shown}); run `campaigns db init`"
        )
    if not await database.supports_transactions():
        raise NotReady(
            f"store without transactions: {settings.store_description} is a standalone server; a change and its"
            " events must commit together, so run a replica set (one member is enough: mongod --replSet rs0,"
            " then rs.initiate())"
        )


def unavailable(settings: Settings, error: DependencyUnavailable) -> NotReady:
    """The line for a store that does not answer (at start, or while opening it)."""
    reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
    waited = f" within {settings.mongo_timeout_seconds:g} s (CAMPAIGNS_MONGO_TIMEOUT_SECONDS)"
    return NotReady(
        f"store unavailable: {settings.store_description} did not answer"
        f"{waited if settings.store_kind == 'mongo' else ''}: {reason}"
    )


def prepare_data_dir(settings: Settings) -> None:
    """The data dir exists (created if missing) and this user may write in it.

    Raises:
        NotReady: it cannot be created, is not a directory, or is not writable.
    """
    path = Path(settings.data_dir)
    named = f"data dir unusable: {path} ({PREFIX}DATA_DIR)"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError as error:
        raise NotReady(f"{named} is a file, not a directory") from error
    except OSError as error:
        raise NotReady(f"{named} cannot be created: {error.strerror or error}") from error
    if not os.access(path, os.W_OK | os.X_OK):
        raise NotReady(f"{named} is not writable by this user")


def require_existing_store(settings: Settings) -> None:
    """A read-only command's SQLite file exists already: opening a missing one would create it (and its dirs).

    Raises:
        NotReady: no such file, most often a wrong data dir.
    """
    if settings.store_kind == "sqlite" and not settings.sqlite_path.is_file():
        where = f"{PREFIX}STORE" if settings.store is not None else f"{PREFIX}DATA_DIR={settings.data_dir}"
        raise NotReady(
            f"no store: {settings.store_description} does not exist; check {where}"
            " (a read-only command creates nothing; `campaigns db init` creates the store)"
        )


def check_jwt_key(settings: Settings) -> bool:
    """The token verification key is an RSA public key; the embedded dev pair is created if none is configured.

    Returns:
        Whether the dev key pair was created just now.

    Raises:
        NotReady: the configured key is missing, unreadable, private, or not an RSA public key.
    """
    if not settings.jwt_public_key:
        keys = DevKeyPair(settings.dev_key_dir)
        created = not keys.private_path.exists()
        try:
            keys.ensure()
        except OSError as error:
            raise NotReady(
                f"data dir unusable: cannot write the dev key pair in {settings.dev_key_dir}: {error.strerror}"
            ) from error
        return created
    named = f"{PREFIX}JWT_PUBLIC_KEY"
    try:
        pem = read_public_key(settings.jwt_public_key).encode()
    except OSError as error:
        raise NotReady(f"{named}: neither a PEM nor a readable file ({error.strerror})") from error
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError as error:
        if _is_private_key(pem):
            raise NotReady(
                f"{named}: holds a private key; give its public half (openssl pkey -in KEY.pem -pubout)"
            ) from error
        raise NotReady(f"{named}: not a PEM public key (-----BEGIN PUBLIC KEY-----)") from error
    if not isinstance(key, rsa.RSAPublicKey):
        raise NotReady(f"{named}: not an RSA key; tokens are signed RS256")
    return False


def _is_private_key(pem: bytes) -> bool:
    try:
        serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        return b"PRIVATE KEY-----" in pem  # encrypted (TypeError) or of a kind this build cannot load
    return True


def listen_address(settings: Settings) -> str:
    """The IP address `CAMPAIGNS_HOST` names, once `CAMPAIGNS_PORT` is known to be free there.

    granian binds IP literals only, and shares its port with any other socket that allows it
    (SO_REUSEPORT): a second `campaigns serve` on a taken port would start and split the traffic.
    So the port is probed here with a plain socket, which such a listener refuses.

    Raises:
        NotReady: the host does not resolve, or the port is taken or not ours to use.
    """
    try:
        family, kind, _, _, sockaddr = socket.getaddrinfo(settings.host, settings.port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as error:
        raise NotReady(
            f"cannot listen: {PREFIX}HOST={settings.host} does not resolve ({error.strerror});"
            " use an IP address such as 127.0.0.1, or 0.0.0.0 for every interface"
        ) from error
    address = str(sockaddr[0])
    with socket.socket(family, kind) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a closed socket's TIME_WAIT is no obstacle
        try:
            probe.bind(sockaddr)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise NotReady(
                    f"cannot listen: port {settings.port} on {address} is in use; stop what holds it or choose"
                    f" another with `campaigns serve --port N` ({PREFIX}PORT)"
                ) from error
            raise NotReady(f"cannot listen on {address}:{settings.port}: {error.strerror}") from error
    return address
