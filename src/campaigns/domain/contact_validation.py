"""The rules a campaign's contacts must satisfy (spec §3), on their own or as part of the campaign.

A contact list is written with the whole campaign and also alone (`PUT .../contacts`): both paths
run `contact_errors`, so a contact is held to the same rules whichever way it arrives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from msgspec import UnsetType

from campaigns.domain.campaign import CampaignContactRef
from campaigns.domain.errors import FieldError, ValidationFailed
from campaigns.domain.validation import is_blank

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


def looks_like_email(value: str) -> bool:
    """One `@` between non-empty parts, and no whitespace: what spec §3 asks of a contact's email."""
    return _EMAIL.fullmatch(value) is not None


def contact_errors(contacts: Sequence[str | CampaignContactRef]) -> Iterator[FieldError]:
    """A contact object names someone (a non-empty `name` or an `email`), and its email looks like one.

    Bare strings are contact ids and need nothing more. `keyword` and its alias `keywords` together
    are refused rather than merged: a caller sending both meant one of them, and we cannot tell which.
    """
    for index, contact in enumerate(contacts):
        if isinstance(contact, str):
            continue
        field = f"contacts.{index}"
        if contact.email is not None and not looks_like_email(contact.email):
            yield FieldError(
                field=f"{field}.email",
                message=f"{contact.email!r} is not an email address: one '@' between non-empty parts, no spaces.",
            )
        elif contact.email is None and is_blank(contact.name):
            yield FieldError(field=field, message="A contact object needs a non-empty `name` or an `email`.")
        if not isinstance(contact.keywords, UnsetType):
            yield FieldError(
                field=f"{field}.keywords",
                message="`keywords` is an alias of `keyword`: give one of them, not both.",
            )


def ensure_valid_contacts(contacts: Sequence[str | CampaignContactRef]) -> None:
    """Raise `ValidationFailed` naming every contact that breaks `contact_errors`' rules."""
    if errors := list(contact_errors(contacts)):
        raise ValidationFailed(errors)
