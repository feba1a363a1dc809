"""The rules a campaign must satisfy before any write (spec §3), run all at once by `campaign_errors`.

A campaign is the one document whose keys clients choose (its opaque legacy objects, `content`,
`style`, labels...): those keys must be storable by MongoDB, in every profile, so that a campaign
accepted by one store is accepted by all. Markets, promoters and event statuses have fixed keys, so
the storable-key rule lives here with the only document that needs it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import Any

import msgspec

from campaigns.domain.campaign import Campaign, CampaignType, Link, Status, given
from campaigns.domain.contact_validation import contact_errors
from campaigns.domain.errors import FieldError, ValidationFailed, field_path
from campaigns.domain.locales import canonical_locale, is_locale_id
from campaigns.domain.validation import (
    INVALID_CAMPAIGN_SCHEMA,
    duplicates,
    exactly_one_default,
    is_blank,
    missing_text,
    url_error,
    zone_name,
)

MISSING_PRESALE_WINDOW_DATE = "MISSING_PRESALE_WINDOW_DATE"
INVALID_PRESALE_WINDOW_DATE_ORDER = "INVALID_PRESALE_WINDOW_DATE_ORDER"

SCHEMA_VERSIONS = frozenset({"1", "2"})

_HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII)
_MAX_HOST_LENGTH = 253
_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})", re.ASCII)

CampaignRule = Callable[[Campaign], Iterable[FieldError]]


def is_valid_host(name: str) -> bool:
    """Whether `name` is a lowercase DNS label (`my-tour`) or dotted host name (`tour.example.com`).

    Labels are 1-63 characters of `a-z`, `0-9` and `-`, neither starting nor ending with `-`; the
    whole name is at most 253 characters. A trailing dot (fully qualified form) is not accepted.
    """
    return 0 < len(name) <= _MAX_HOST_LENGTH and all(_HOST_LABEL.fullmatch(label) for label in name.split("."))


def _required_fields(campaign: Campaign) -> dict[str, str | None]:
    """The text fields this campaign must fill, by dotted path; a DRAFT may be partial.

    A DRAFT with a scheduled `date.open` is held to the full rules: the scheduler will open it
    without asking anyone. An INACTIVE campaign has released its domain (the lifecycle sets
    `domain.site` to null), so it is not asked for one.
    """
    if campaign.status is Status.DRAFT and campaign.date.opens_at is None:
        return {}
    if campaign.type is CampaignType.FANLIST:
        fields: dict[str, str | None] = {"name": campaign.name}
    elif campaign.schema.version == "2":
        fields = {
            "name": campaign.name,
            "identifier": campaign.identifier,
            "tour.name": campaign.tour.name if campaign.tour else None,
            "artist.id": campaign.artist.id if campaign.artist else None,
            "domain.site": campaign.site,
        }
    elif campaign.schema.version == "1":
        fields = {"name": campaign.name, "domain.site": campaign.site}
    else:
        fields = {}
    if campaign.status is Status.INACTIVE:
        fields.pop("domain.site", None)
    return fields


def _schema_version(campaign: Campaign) -> Iterator[FieldError]:
    if campaign.schema.version not in SCHEMA_VERSIONS:
        yield FieldError(field="schema.version", message='The schema version must be "1" or "2".')


def _required_text(campaign: Campaign) -> Iterator[FieldError]:
    kind = "fanlist" if campaign.type is CampaignType.FANLIST else f"v{campaign.schema.version} registration"
    message = f"Required and non-empty for a {kind} campaign past DRAFT or scheduled to open."
    for field, value in _required_fields(campaign).items():
        yield from missing_text(field, value, message, INVALID_CAMPAIGN_SCHEMA)


def _host_names(campaign: Campaign) -> Iterator[FieldError]:
    required = _required_fields(campaign)
    for field, value in (("domain.site", campaign.site), ("domain.preview", given(campaign.domain.preview))):
        if value is None or (field in required and is_blank(value)):
            continue  # unset, or blank where `_required_text` already reports it
        if not is_valid_host(value):
            yield FieldError(
                field=field,
                message=(
                    "Must be a lowercase host name: dot-separated labels of 1-63 characters among a-z, 0-9 "
                    "and '-', not starting or ending with '-', at most 253 characters in all."
                ),
            )


def _needs_locales(campaign: Campaign) -> bool:
    """Past DRAFT, or a DRAFT with a schedule: a campaign fans may soon see speaks some locale."""
    dates = campaign.date
    return campaign.status is not Status.DRAFT or dates.opens_at is not None or dates.closes_at is not None


def _locales(campaign: Campaign) -> Iterator[FieldError]:
    if not campaign.locales and _needs_locales(campaign):
        yield FieldError(
            field="locales",
            message=(
                "A campaign past DRAFT, or scheduled to open or close, needs at least one locale, "
                "exactly one of them with is_default set to true."
            ),
        )
    for index, locale in enumerate(campaign.locales):
        if not is_locale_id(locale.id):
            yield FieldError(
                field=f"locales.{index}.id",
                message=f"{locale.id!r} is not a locale id of the form 'xx' or 'xx-XX' (e.g. 'en', 'fr-CA').",
            )
    locale_ids = (canonical_locale(locale.id) for locale in campaign.locales)
    yield from duplicates("locales", locale_ids, "locale id", INVALID_CAMPAIGN_SCHEMA, key="id")
    yield from exactly_one_default(
        "locales", (locale.is_default for locale in campaign.locales), "locale", INVALID_CAMPAIGN_SCHEMA
    )


def _presale_window(campaign: Campaign) -> Iterator[FieldError]:
    start, end = campaign.date.presaleWindowStart, campaign.date.presaleWindowEnd
    if start is not None and end is None:
        yield FieldError(
            field="date.presaleWindowEnd",
            message="A presale window start needs a presale window end.",
            code=MISSING_PRESALE_WINDOW_DATE,
        )
    elif start is None and end is not None:
        yield FieldError(
            field="date.presaleWindowStart",
            message="A presale window end needs a presale window start.",
            code=MISSING_PRESALE_WINDOW_DATE,
        )
    elif start is not None and end is not None and end <= start:
        yield FieldError(
            field="date.presaleWindowEnd",
            message="The presale window must end after it starts.",
            code=INVALID_PRESALE_WINDOW_DATE_ORDER,
        )


def _category_needs_window(campaign: Campaign) -> Iterator[FieldError]:
    dates = campaign.date
    if campaign.categoryId is not None and (dates.presaleWindowStart is None or dates.presaleWindowEnd is None):
        yield FieldError(
            field="categoryId",
            message="A category id needs both presale window dates.",
            code=MISSING_PRESALE_WINDOW_DATE,
        )


def _open_before_close(campaign: Campaign) -> Iterator[FieldError]:
    opens, closes = campaign.date.opens_at, campaign.date.closes_at
    if opens is not None and closes is not None and closes <= opens:
        yield FieldError(field="date.close", message="The campaign must close after it opens.")


def _faq_placement(campaign: Campaign) -> Mapping[str, list[str]]:
    """Every list of FAQ ids under `faqs`, by dotted path."""
    placement = campaign.faqs
    lists: dict[str, list[str]] = {}
    if placement is not None and placement.landing is not None:
        lists["faqs.landing.open"] = placement.landing.open
        lists["faqs.landing.closed"] = placement.landing.closed
    if placement is not None and placement.confirmation is not None:
        lists["faqs.confirmation.open"] = placement.confirmation.open
        lists["faqs.confirmation.closed"] = placement.confirmation.closed
        lists["faqs.confirmation.activePresale"] = placement.confirmation.activePresale
    return lists


def _faq_references(campaign: Campaign) -> Iterator[FieldError]:
    known = {faq_id for content in campaign.content.values() for faq_id in (content.faqs or {})}
    for field, faq_ids in _faq_placement(campaign).items():
        for index, faq_id in enumerate(faq_ids):
            if faq_id not in known:
                yield FieldError(
                    field=f"{field}.{index}",
                    message=f"FAQ {faq_id!r} is not defined in content.<locale>.faqs of any locale.",
                )


def _colours(campaign: Campaign) -> Iterator[FieldError]:
    for group, colours in (campaign.style or {}).items():
        for name, colour in colours.items():
            if _HEX_COLOUR.fullmatch(colour) is None:
                yield FieldError(
                    field=f"style.{group}.{name}",
                    message=f"{colour!r} is not a CSS hex colour (#rgb, #rgba, #rrggbb or #rrggbbaa).",
                )


def _link_urls(prefix: str, links: Mapping[str, Link] | None) -> Iterator[FieldError]:
    for key, link in (links or {}).items():
        yield from url_error(f"{prefix}.{key}.url", link.url)


def _share_urls(share: Mapping[str, Any] | None) -> Iterator[FieldError]:
    """`share` is opaque legacy content, but where an entry is a link (`{"url": "..."}`) its URL is http(s)."""
    for key, entry in (share or {}).items():
        if isinstance(entry, Mapping) and isinstance(url := entry.get("url"), str):
            yield from url_error(f"share.{key}.url", url)


def _urls(campaign: Campaign) -> Iterator[FieldError]:
    yield from _link_urls("image", campaign.image)
    yield from _share_urls(campaign.share)
    if campaign.artist is not None:
        yield from url_error("artist.image_url", campaign.artist.image_url)
        yield from url_error("artist.adpUrl", campaign.artist.adpUrl)


def _non_empty_items(campaign: Campaign) -> Iterator[FieldError]:
    message = "Must not be empty."
    for index, preference in enumerate(campaign.preferences):
        yield from missing_text(f"preferences.{index}.id", preference.id, message, INVALID_CAMPAIGN_SCHEMA)
        yield from missing_text(f"preferences.{index}.type", preference.type, message, INVALID_CAMPAIGN_SCHEMA)
    for index, tracker in enumerate(campaign.trackers):
        yield from missing_text(f"trackers.{index}.type", tracker.type, message, INVALID_CAMPAIGN_SCHEMA)


def is_storable_key(key: str) -> bool:
    """Whether MongoDB can store `key` as a field name: no NUL character, no leading `$`, no `.`."""
    return "\x00" not in key and "." not in key and not key.startswith("$")


def unstorable_keys(document: Any, code: str, path: str = "") -> Iterator[FieldError]:
    """One error per key of `document`, at any depth (inside arrays too), that `is_storable_key` refuses.

    Iterative, as the depth of opaque content is the client's choice.
    """
    message = "A key must not contain a NUL character, start with '$' or contain '.'."
    pending: list[tuple[str, Any]] = [(path, document)]
    while pending:
        parent, value = pending.pop()
        children: list[tuple[str, Any]] = []
        if isinstance(value, Mapping):
            for key, item in value.items():
                children.append((field_path(parent, key), item))
                if not is_storable_key(key):
                    yield FieldError(field=children[-1][0], message=message, code=code)
        elif isinstance(value, list):
            children = [(field_path(parent, index), item) for index, item in enumerate(value)]
        pending.extend(reversed(children))


def _storable_keys(campaign: Campaign) -> Iterator[FieldError]:
    yield from unstorable_keys(msgspec.to_builtins(campaign), INVALID_CAMPAIGN_SCHEMA)


def _contacts(campaign: Campaign) -> Iterator[FieldError]:
    return contact_errors(campaign.contacts)


_CAMPAIGN_RULES: tuple[CampaignRule, ...] = (
    _schema_version,
    _required_text,
    _host_names,
    _locales,
    _presale_window,
    _category_needs_window,
    _open_before_close,
    _faq_references,
    _colours,
    _urls,
    _non_empty_items,
    _storable_keys,
    _contacts,
)


def campaign_errors(campaign: Campaign, *, known_timezones: Collection[str] = ()) -> list[FieldError]:
    """Every rule of spec §3 the campaign breaks, in a stable order; empty when it is valid.

    `known_timezones` is as for `market_errors`: `referenceTimezone` is a zone name as a market's
    `timezone` is.
    """
    errors = [error for rule in _CAMPAIGN_RULES for error in rule(campaign)]
    if campaign.referenceTimezone is not None:
        errors.extend(zone_name("referenceTimezone", campaign.referenceTimezone, known_timezones))
    return errors


def ensure_valid_campaign(campaign: Campaign, *, known_timezones: Collection[str] = ()) -> None:
    """Raise `ValidationFailed` listing every broken rule, so that nothing invalid is written."""
    if errors := campaign_errors(campaign, known_timezones=known_timezones):
        raise ValidationFailed(errors)
