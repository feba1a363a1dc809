"""The base of every command a client sends: decoded once, strictly, at the edge."""

from __future__ import annotations

import msgspec


class Input(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """Base of request bodies: unknown fields are rejected and absent ones stay absent."""
