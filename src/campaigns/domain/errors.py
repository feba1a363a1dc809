"""Domain error hierarchy; the HTTP layer maps each class to a status in one place."""

from __future__ import annotations

import json
import re
from typing import ClassVar

import msgspec

_PLAIN_KEY = re.compile(r'[^$.\[\]"\x00-\x1f][^.\[\]"\x00-\x1f]*')


class FieldError(msgspec.Struct, frozen=True, kw_only=True):
    """One failing field: a dotted path, why it failed, and the stable code of the rule."""

    field: str
    message: str
    code: str = "INVALID_CAMPAIGN_SCHEMA"


def field_path(parent: str, key: str | int) -> str:
    """`parent` extended by one key or list index, in the dotted notation of `FieldError.field`.

    A key a dotted path cannot spell (empty, starting with `$`, holding `.`, brackets, quotes or
    control characters such as NUL) is written as a JSON string in brackets: `share["a.b"]`.
    """
    if isinstance(key, str) and _PLAIN_KEY.fullmatch(key) is None:
        return f"{parent}[{json.dumps(key)}]"
    return f"{parent}.{key}" if parent else str(key)


class CampaignError(Exception):
    """Base of every error the domain and the use cases raise on purpose."""

    code: ClassVar[str] = "CAMPAIGN_ERROR"
    default_message: ClassVar[str] = "The request cannot be completed."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        return str(self.args[0])

    @classmethod
    def possible_codes(cls) -> tuple[str, ...]:
        """Every `code` an error of this class can carry: what the API documentation lists for it."""
        return (cls.code,)


class ValidationFailed(CampaignError):
    """A document breaks one or more rules; every failing field is listed, not only the first."""

    code = "INVALID_CAMPAIGN_SCHEMA"
    default_message = "The campaign document is invalid."

    def __init__(self, errors: list[FieldError], *, code: str | None = None, message: str | None = None) -> None:
        super().__init__(message)
        self.errors = errors
        codes = {error.code for error in errors}
        self.code = code or (codes.pop() if len(codes) == 1 else type(self).code)  # type: ignore[misc]

    rule_codes: ClassVar[tuple[str, ...]] = ("MISSING_PRESALE_WINDOW_DATE", "INVALID_PRESALE_WINDOW_DATE_ORDER")
    """Codes of single rules of the document; when every failing field breaks the same one, it is the error's code."""

    @classmethod
    def possible_codes(cls) -> tuple[str, ...]:
        return (cls.code, *cls.rule_codes)


class InvalidMarket(ValidationFailed):
    code = "INVALID_MARKET_SCHEMA"
    default_message = "The market document is invalid."
    rule_codes = ()


class InvalidPromoter(ValidationFailed):
    code = "INVALID_PROMOTER_SCHEMA"
    default_message = "The promoter document is invalid."
    rule_codes = ()


class InvalidEventStatus(ValidationFailed):
    default_message = "The event status record is invalid."
    rule_codes = ()


class InvalidQuery(ValidationFailed):
    code = "INVALID_QUERY"
    default_message = "The query is invalid."
    rule_codes = ()


class DocumentTooLarge(CampaignError):
    """A write would store a document that could not be sent back: it is over the request body limit."""

    code = "PAYLOAD_TOO_LARGE"
    default_message = "The document would be larger than a request body may be."


class InvalidStatusChange(CampaignError):
    code = "INVALID_CAMPAIGN_STATUS_CHANGE"
    default_message = "This status change is not allowed."


class DomainAlreadyClaimed(CampaignError):
    code = "CAMPAIGN_WITH_DOMAIN_EXISTS"
    default_message = "Another active campaign already holds this domain."


class MarketNameTaken(CampaignError):
    code = "MARKET_NAME_EXISTS"
    default_message = "The campaign already has a market with this name."


class PromoterNameTaken(CampaignError):
    code = "PROMOTER_NAME_EXISTS"
    default_message = "A promoter with this name already exists."


class AccessDenied(CampaignError):
    code = "INVALID_CAMPAIGN_PERMISSIONS"
    default_message = "You do not have the permissions this campaign operation needs."


class SupremeUserRequired(AccessDenied):
    code = "SUPREME_USER_REQUIRED"
    default_message = "Only supreme users may do this."


class InvalidCampaignPassword(CampaignError):
    code = "INVALID_CAMPAIGN_PASSWORD"
    default_message = "The campaign password is missing or wrong."
