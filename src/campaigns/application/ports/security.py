"""Ports of the password check: hashing off the event loop and the attempt limit."""

from __future__ import annotations

from typing import Protocol


class PasswordVerifier(Protocol):
    """Checks a password against its stored salted hash (deliberately slow) without blocking the event loop."""

    async def matches(self, stored_hash: str, password: str) -> bool: ...


class AttemptLimiter(Protocol):
    """Attempts counted per caller and target (e.g. a user and a domain) over a moving window.

    An attempt is taken before its outcome is known, so concurrent attempts cannot outrun the limit;
    one that turns out not to be a failure is given back. A caller at the limit stays refused until
    enough of its attempts have left the window.
    """

    async def retry_after(self, caller: str, target: str) -> int | None:
        """None while `caller` may still try `target`; else whole seconds (at least 1) until it may. Counts nothing."""
        ...

    async def acquire(self, caller: str, target: str) -> int | None:
        """Count one attempt and answer None; or, at the limit, count nothing and answer `retry_after`'s seconds."""
        ...

    async def give_back(self, caller: str, target: str) -> None:
        """Uncount an attempt `acquire` counted that was no failure."""
        ...
