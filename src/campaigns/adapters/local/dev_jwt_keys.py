"""The embedded profile's RS256 key pair, created on first start, and tokens signed with it."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

PRIVATE_KEY_FILE = "dev-jwt-private.pem"
PUBLIC_KEY_FILE = "dev-jwt-public.pem"


class DevKeyPair:
    """A key pair kept as two PEM files; the private one is readable by its owner only."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory

    @property
    def private_path(self) -> Path:
        return self._directory / PRIVATE_KEY_FILE

    @property
    def public_path(self) -> Path:
        return self._directory / PUBLIC_KEY_FILE

    def ensure(self) -> str:
        """Create the pair unless it exists; returns the public key PEM."""
        if not self.private_path.exists():
            self._directory.mkdir(parents=True, exist_ok=True)
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            private = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            public = key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            self.private_path.touch(mode=0o600)
            self.private_path.write_bytes(private)
            self.public_path.write_bytes(public)
        return self.public_path.read_text()

    def mint(self, claims: dict[str, Any], *, ttl: dt.timedelta, now: dt.datetime) -> str:
        payload = {**claims, "iat": now, "nbf": now, "exp": now + ttl}
        return jwt.encode(payload, self._signing_key, algorithm="RS256")

    @functools.cached_property
    def _signing_key(self) -> rsa.RSAPrivateKey:
        """Parsed once: loading a PEM checks the key, which costs far more than signing with it."""
        self.ensure()
        key = serialization.load_pem_private_key(self.private_path.read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise TypeError(f"{self.private_path} does not hold an RSA private key.")
        return key


def read_public_key(value: str) -> str:
    """`CAMPAIGNS_JWT_PUBLIC_KEY` holds a PEM or the path of one."""
    if value.lstrip().startswith("-----BEGIN"):
        return value
    return Path(value).read_text()
