"""Errors the use cases raise about stored state (the domain's errors cover the rules)."""

from __future__ import annotations

from campaigns.domain.errors import CampaignError


class NotFound(CampaignError):
    code = "NOT_FOUND"
    default_message = "Nothing was found here."


class CampaignNotFound(NotFound):
    code = "CAMPAIGN_NOT_FOUND"
    default_message = "No campaign matches."


class MarketNotFound(NotFound):
    code = "MARKET_NOT_FOUND"
    default_message = "No market matches."


class PromoterNotFound(NotFound):
    code = "PROMOTER_NOT_FOUND"
    default_message = "No promoter matches."


class VersionMismatch(CampaignError):
    """The caller's `If-Match` names a version that is no longer current."""

    code = "VERSION_MISMATCH"
    default_message = "The campaign changed since you read it; read it again and retry."


class ConcurrentUpdate(CampaignError):
    """A compare-and-set write lost to another writer; the store is unchanged."""

    code = "VERSION_MISMATCH"
    default_message = "The campaign was changed concurrently; read it again and retry."


class TransactionAborted(ConcurrentUpdate):
    """The store aborted the unit of work's transaction (a write conflict with another one, say).

    Nothing of it was stored, and running the whole use case again may succeed (`reruns_aborted_transactions`).
    """

    default_message = "A concurrent change got in the way and nothing was written; try again."


class DependencyUnavailable(CampaignError):
    """An adapter could not reach its server; the caller may retry later."""

    code = "DEPENDENCY_UNAVAILABLE"
    default_message = "A dependency of the service is unavailable."


class DependencyFailed(DependencyUnavailable):
    """A dependency answered, but badly (refused our key, kept failing, sent nonsense): not the caller's fault."""

    default_message = "A dependency of the service answered with an error."


class TooManyAttempts(CampaignError):
    """A caller made too many failed attempts at something (a campaign password) within the window."""

    code = "TOO_MANY_ATTEMPTS"
    default_message = "Too many failed attempts; try again later."

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        """Whole seconds until the window lets another attempt through (the `Retry-After` header)."""
