"""Who may do what: JWT claims become a Principal, and one table decides each operation."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

import msgspec

from campaigns.domain.campaign import Campaign, CampaignDates, Status
from campaigns.domain.errors import AccessDenied, SupremeUserRequired


class Action(enum.StrEnum):
    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


class Operation(enum.StrEnum):
    """Kinds of campaign-scoped operation, each with the actions that grant it."""

    READ = "read"
    WRITE = "write"
    CHANGE_STATUS = "change_status"


GRANTING_ACTIONS: Mapping[Operation, frozenset[Action]] = {
    Operation.READ: frozenset({Action.READ, Action.WRITE, Action.ADMIN}),
    Operation.WRITE: frozenset({Action.WRITE, Action.ADMIN}),
    Operation.CHANGE_STATUS: frozenset({Action.ADMIN}),
}

PUBLIC_STATUSES = frozenset({Status.OPEN, Status.CLOSED})
"""Statuses in which the fan-facing lookup by domain shows a campaign to any authenticated caller."""


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    user_id: str | None = None
    supreme: bool = False
    grants: Mapping[str, frozenset[Action]] = {}

    @property
    def actor(self) -> str:
        return self.user_id or "unknown"

    def may(self, operation: Operation, campaign_id: str) -> bool:
        return self.supreme or bool(self.grants.get(campaign_id, frozenset()) & GRANTING_ACTIONS[operation])

    def readable_campaign_ids(self) -> frozenset[str] | None:
        """The ids this principal may read, or None for "all" (supreme)."""
        if self.supreme:
            return None
        return frozenset(cid for cid in self.grants if self.may(Operation.READ, cid))

    def ensure(self, operation: Operation, campaign_id: str) -> None:
        """Raise AccessDenied unless allowed; absent and ungranted campaigns answer alike."""
        if not self.may(operation, campaign_id):
            raise AccessDenied

    def ensure_supreme(self) -> None:
        if not self.supreme:
            raise SupremeUserRequired


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    """Read `userId`/`sub`, `supreme`/`isSupreme`, `campaignActions` and `campaignIds` (read+write)."""
    user_id = claims.get("userId", claims.get("sub"))
    supreme = claims.get("supreme") is True or claims.get("isSupreme") is True
    grants: dict[str, set[Action]] = {}
    actions = claims.get("campaignActions")
    if isinstance(actions, Mapping):
        for campaign_id, names in actions.items():
            if isinstance(campaign_id, str) and isinstance(names, list):
                grants.setdefault(campaign_id, set()).update(
                    Action(n) for n in names if n in Action.__members__.values()
                )
    ids = claims.get("campaignIds")
    if isinstance(ids, list):
        for campaign_id in ids:
            if isinstance(campaign_id, str):
                grants.setdefault(campaign_id, set()).update({Action.READ, Action.WRITE})
    return Principal(
        user_id=str(user_id) if user_id is not None else None,
        supreme=supreme,
        grants={cid: frozenset(acts) for cid, acts in grants.items()},
    )


def visible_by_domain(principal: Principal, campaign: Campaign) -> bool:
    """The fan-facing rule: OPEN and CLOSED for every caller, any other status only for readers.

    A campaign a caller may not see is, to that caller, no campaign at all: the lookups answer as
    for an unknown domain, so its existence does not leak.
    """
    return campaign.status in PUBLIC_STATUSES or principal.may(Operation.READ, campaign.id)


def password_hash_to_match(principal: Principal, campaign: Campaign) -> str | None:
    """The stored hash a caller's `password` must match, or None when no password is asked of them.

    Callers with read access need no password; nor does a campaign without one.
    """
    if not campaign.passwordHash or principal.may(Operation.READ, campaign.id):
        return None
    return campaign.passwordHash


def operation_for_schedule(before: CampaignDates, after: CampaignDates, now: dt.datetime) -> Operation:
    """What setting the schedule takes: a status change when it is due at once, else a write.

    Setting `date.open` or `date.close` to an instant at or before `now` is a status change (the
    next tick applies it), so it needs the right a manual one needs. A future instant, a date left
    as stored, or a cleared one is a plain write.
    """
    for new, old in ((after.opens_at, before.opens_at), (after.closes_at, before.closes_at)):
        if new is not None and new != old and new <= now:
            return Operation.CHANGE_STATUS
    return Operation.WRITE


_PBKDF2_ITERATIONS = 120_000


def hash_password(password: str, salt: bytes, iterations: int = _PBKDF2_ITERATIONS) -> str:
    """A salted PBKDF2-SHA256 hash, self-describing so the work factor can grow later."""
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def password_matches(stored: str, password: str) -> bool:
    """Whether `password` hashes to `stored`: deliberately slow, so callers run it off the event loop."""
    try:
        scheme, iterations, salt, _ = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    return hmac.compare_digest(hash_password(password, bytes.fromhex(salt), int(iterations)), stored)
