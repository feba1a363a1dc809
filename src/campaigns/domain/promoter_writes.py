"""Writing a promoter: the command a client sends, and every rule that turns it into a stored promoter.

- `id` and `date` are read-only: a client may send them back as it read them, and they are ignored
  (the service mints the id and stamps the dates).
- An update replaces what it sends (`name`, the whole `privacyUrls` list).
- Privacy URLs' locale ids are kept in one form (`xx` or `xx-XX`), and the result is held to the
  promoter rules (`promoter_validation.ensure_valid_promoter`), every failing field named.
- A change stamps `date.updated` and raises its event; an update that changes nothing raises none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from campaigns.domain.campaign import RecordDates
from campaigns.domain.commands import Input
from campaigns.domain.errors import InvalidPromoter
from campaigns.domain.events import PromoterCreated, PromoterUpdated
from campaigns.domain.locales import canonical_locale
from campaigns.domain.promoter import PrivacyUrl, Promoter
from campaigns.domain.promoter_validation import ensure_valid_promoter
from campaigns.domain.writes import Change, required, sent_or


class PromoterInput(Input):
    """A promoter body: complete for a create, partial for an update (`privacyUrls` replaces the list)."""

    name: str | UnsetType = UNSET
    privacyUrls: list[PrivacyUrl] | UnsetType = UNSET  # noqa: N815 - legacy field name
    id: str | UnsetType = UNSET
    date: dict[str, Any] | UnsetType = UNSET
    """`id` and `date` may be echoed back from a read; the service sets them and ignores these."""


def create_promoter(command: PromoterInput, *, promoter_id: str, now: dt.datetime) -> Change[Promoter]:
    """A new promoter, and its `promoter.created`.

    Raises:
        InvalidPromoter: `name` is missing, or the promoter breaks rules (all of them).
    """
    promoter = Promoter(
        id=promoter_id,
        name=required(command.name, "name", InvalidPromoter),
        privacyUrls=sent_or(_canonical(command.privacyUrls), []),
        date=RecordDates(created=now, updated=now),
    )
    ensure_valid_promoter(promoter)
    return Change(promoter, [PromoterCreated(occurred_at=now, promoter_id=promoter.id, name=promoter.name)])


def update_promoter(promoter: Promoter, patch: PromoterInput, *, now: dt.datetime) -> Change[Promoter]:
    """`promoter` with what `patch` sends, and `promoter.updated`.

    Raises:
        InvalidPromoter: the updated promoter breaks rules (all of them).
    """
    merged = msgspec.structs.replace(
        promoter,
        name=sent_or(patch.name, promoter.name),
        privacyUrls=sent_or(_canonical(patch.privacyUrls), promoter.privacyUrls),
    )
    ensure_valid_promoter(merged)
    if merged == promoter:
        return Change(promoter, [])
    updated = msgspec.structs.replace(merged, date=msgspec.structs.replace(merged.date, updated=now))
    return Change(updated, [PromoterUpdated(occurred_at=now, promoter_id=updated.id, name=updated.name)])


def _canonical(privacy_urls: list[PrivacyUrl] | UnsetType) -> list[PrivacyUrl] | UnsetType:
    """Sent privacy URLs with their locale ids in one form (`xx-XX`); none sent, none."""
    if isinstance(privacy_urls, UnsetType):
        return privacy_urls
    return [msgspec.structs.replace(url, locale=canonical_locale(url.locale)) for url in privacy_urls]
