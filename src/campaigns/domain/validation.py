"""Business rules a campaign, market or promoter must satisfy before any write (spec §3).

msgspec already checks shapes and types when a document is decoded; these rules check what a type
cannot say: required text, host names, locale ids, date order, references between fields, colours
and URLs. Each rule is a small generator of `FieldError`s, and the public functions run all of them,
so a client sees every failing field at once instead of fixing one error per round trip. Everything
here is pure: no clock, no I/O, no time zone database (a time zone is checked by its shape, and
against the IANA names only when the caller passes them in).

A campaign is the one document whose keys clients choose (its opaque legacy objects, `content`,
`style`, labels...): those keys must be storable by MongoDB, in every profile, so that a campaign
accepted by one store is accepted by all. Markets, promoters and event statuses have fixed keys.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import msgspec
from msgspec import UnsetType

from campaigns.domain.campaign import Campaign, CampaignContactRef, CampaignType, Link, Status, given
from campaigns.domain.errors import (
    FieldError,
    InvalidEventStatus,
    InvalidMarket,
    InvalidPromoter,
    InvalidQuery,
    ValidationFailed,
    field_path,
)
from campaigns.domain.locales import canonical_locale, is_locale_id
from campaigns.domain.market import Market
from campaigns.domain.promoter import Promoter

INVALID_CAMPAIGN_SCHEMA = "INVALID_CAMPAIGN_SCHEMA"
MISSING_PRESALE_WINDOW_DATE = "MISSING_PRESALE_WINDOW_DATE"
INVALID_PRESALE_WINDOW_DATE_ORDER = "INVALID_PRESALE_WINDOW_DATE_ORDER"
INVALID_MARKET_SCHEMA = "INVALID_MARKET_SCHEMA"
INVALID_PROMOTER_SCHEMA = "INVALID_PROMOTER_SCHEMA"

SCHEMA_VERSIONS = frozenset({"1", "2"})

_HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII)
_MAX_HOST_LENGTH = 253
_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})", re.ASCII)
_OBJECT_ID = re.compile(r"[0-9a-f]{24}", re.ASCII)
_TZ_PART = r"[A-Za-z][A-Za-z0-9_+-]*"
_TIMEZONE = re.compile(rf"UTC|{_TZ_PART}/{_TZ_PART}(?:/{_TZ_PART})?", re.ASCII)
_HTTP_SCHEMES = frozenset({"http", "https"})
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")

CampaignRule = Callable[[Campaign], Iterable[FieldError]]
MarketRule = Callable[[Market], Iterable[FieldError]]
PromoterRule = Callable[[Promoter], Iterable[FieldError]]


# --------------------------------------------------------------------------- shared predicates


def is_valid_host(name: str) -> bool:
    """Whether `name` is a lowercase DNS label (`my-tour`) or dotted host name (`tour.example.com`).

    Labels are 1-63 characters of `a-z`, `0-9` and `-`, neither starting nor ending with `-`; the
    whole name is at most 253 characters. A trailing dot (fully qualified form) is not accepted.
    """
    return 0 < len(name) <= _MAX_HOST_LENGTH and all(_HOST_LABEL.fullmatch(label) for label in name.split("."))


def _is_http_url(value: str) -> bool:
    """An absolute http(s) URL with a host name and no whitespace or control characters."""
    if not value or any(char.isspace() or not char.isprintable() for char in value):
        return False
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises ValueError on a port that is not a number in 0-65535
    except ValueError:
        return False
    return parts.scheme in _HTTP_SCHEMES and bool(parts.hostname)


def _is_blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _required(field: str, value: str | None, message: str, code: str) -> Iterator[FieldError]:
    if _is_blank(value):
        yield FieldError(field=field, message=message, code=code)


def _duplicates(field: str, values: Iterable[str], what: str, code: str, *, key: str = "") -> Iterator[FieldError]:
    """One error per repeated value, on the index of each repetition after the first (and its `key`)."""
    seen: set[str] = set()
    suffix = f".{key}" if key else ""
    for index, value in enumerate(values):
        if value in seen:
            yield FieldError(field=f"{field}.{index}{suffix}", message=f"Duplicate {what} {value!r}.", code=code)
        seen.add(value)


def _exactly_one_default(field: str, defaults: Iterable[bool | None], what: str, code: str) -> Iterator[FieldError]:
    flags = list(defaults)
    count = sum(1 for flag in flags if flag)
    if flags and count != 1:
        yield FieldError(
            field=field,
            message=f"Exactly one {what} must have is_default set to true; found {count}.",
            code=code,
        )


# --------------------------------------------------------------------------- campaign rules


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
        yield from _required(field, value, message, INVALID_CAMPAIGN_SCHEMA)


def _host_names(campaign: Campaign) -> Iterator[FieldError]:
    required = _required_fields(campaign)
    for field, value in (("domain.site", campaign.site), ("domain.preview", given(campaign.domain.preview))):
        if value is None or (field in required and _is_blank(value)):
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
    yield from _duplicates("locales", locale_ids, "locale id", INVALID_CAMPAIGN_SCHEMA, key="id")
    yield from _exactly_one_default(
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


def _url_error(field: str, value: str | None, code: str = INVALID_CAMPAIGN_SCHEMA) -> Iterator[FieldError]:
    if value is not None and not _is_http_url(value):
        yield FieldError(field=field, message=f"{value!r} is not an absolute http(s) URL with a host.", code=code)


def _link_urls(prefix: str, links: Mapping[str, Link] | None) -> Iterator[FieldError]:
    for key, link in (links or {}).items():
        yield from _url_error(f"{prefix}.{key}.url", link.url)


def _share_urls(share: Mapping[str, Any] | None) -> Iterator[FieldError]:
    """`share` is opaque legacy content, but where an entry is a link (`{"url": "..."}`) its URL is http(s)."""
    for key, entry in (share or {}).items():
        if isinstance(entry, Mapping) and isinstance(url := entry.get("url"), str):
            yield from _url_error(f"share.{key}.url", url)


def _urls(campaign: Campaign) -> Iterator[FieldError]:
    yield from _link_urls("image", campaign.image)
    yield from _share_urls(campaign.share)
    if campaign.artist is not None:
        yield from _url_error("artist.image_url", campaign.artist.image_url)
        yield from _url_error("artist.adpUrl", campaign.artist.adpUrl)


def _non_empty_items(campaign: Campaign) -> Iterator[FieldError]:
    message = "Must not be empty."
    for index, preference in enumerate(campaign.preferences):
        yield from _required(f"preferences.{index}.id", preference.id, message, INVALID_CAMPAIGN_SCHEMA)
        yield from _required(f"preferences.{index}.type", preference.type, message, INVALID_CAMPAIGN_SCHEMA)
    for index, tracker in enumerate(campaign.trackers):
        yield from _required(f"trackers.{index}.type", tracker.type, message, INVALID_CAMPAIGN_SCHEMA)


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
        elif contact.email is None and _is_blank(contact.name):
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
        errors.extend(_zone_name("referenceTimezone", campaign.referenceTimezone, known_timezones))
    return errors


def ensure_valid_campaign(campaign: Campaign, *, known_timezones: Collection[str] = ()) -> None:
    """Raise `ValidationFailed` listing every broken rule, so that nothing invalid is written."""
    if errors := campaign_errors(campaign, known_timezones=known_timezones):
        raise ValidationFailed(errors)


# --------------------------------------------------------------------------- market rules


def _market_required(market: Market) -> Iterator[FieldError]:
    required = {"name": market.name, "city": market.city, "state": market.state, "timezone": market.timezone}
    for field, value in required.items():
        yield from _required(field, value, "Required and non-empty.", INVALID_MARKET_SCHEMA)


def _market_campaign_id(market: Market) -> Iterator[FieldError]:
    if _OBJECT_ID.fullmatch(market.campaign_id) is None:
        yield FieldError(
            field="campaign_id",
            message="Must be a campaign id of 24 lowercase hex characters.",
            code=INVALID_MARKET_SCHEMA,
        )


def _market_point(market: Market) -> Iterator[FieldError]:
    if market.point is None:
        return
    if market.point.type != "Point":
        yield FieldError(field="point.type", message='Must be "Point".', code=INVALID_MARKET_SCHEMA)
    longitude, latitude = market.point.coordinates
    if not -180 <= longitude <= 180:
        yield FieldError(
            field="point.coordinates.0",
            message="The longitude must be between -180 and 180.",
            code=INVALID_MARKET_SCHEMA,
        )
    if not -90 <= latitude <= 90:
        yield FieldError(
            field="point.coordinates.1", message="The latitude must be between -90 and 90.", code=INVALID_MARKET_SCHEMA
        )


def _zone_name(
    field: str, value: str, known: Collection[str], code: str = INVALID_CAMPAIGN_SCHEMA
) -> Iterator[FieldError]:
    """An IANA zone name: its shape always, then (one error per field) membership when the names are known."""
    if _TIMEZONE.fullmatch(value) is None:
        yield FieldError(
            field=field,
            message=f"{value!r} is not an IANA time zone name such as 'UTC' or 'America/New_York'.",
            code=code,
        )
    elif known and value not in known:
        yield FieldError(field=field, message=f"{value!r} is not a time zone of the IANA database.", code=code)


def _market_promoter_ids(market: Market) -> Iterator[FieldError]:
    for index, promoter_id in enumerate(market.promoterIds):
        if _OBJECT_ID.fullmatch(promoter_id) is None:
            yield FieldError(
                field=f"promoterIds.{index}",
                message=f"{promoter_id!r} is not a promoter id of 24 lowercase hex characters.",
                code=INVALID_MARKET_SCHEMA,
            )


def _market_population(market: Market) -> Iterator[FieldError]:
    if market.population is not None and market.population < 0:
        yield FieldError(field="population", message="Must not be negative.", code=INVALID_MARKET_SCHEMA)


def _market_event(market: Market) -> Iterator[FieldError]:
    event = market.event
    if event is None:
        return
    if not event.ids:
        yield FieldError(field="event.ids", message="At least one event id is required.", code=INVALID_MARKET_SCHEMA)
    for index, event_id in enumerate(event.ids):
        yield from _required(f"event.ids.{index}", event_id, "Must not be empty.", INVALID_MARKET_SCHEMA)
    yield from _duplicates("event.category_ids", event.category_ids, "category id", INVALID_MARKET_SCHEMA)
    if event.ticketer is not None:
        yield from _required("event.ticketer", event.ticketer, "Must not be empty when set.", INVALID_MARKET_SCHEMA)
    if event.venue is not None:
        yield from _required("event.venue.name", event.venue.name, "Required and non-empty.", INVALID_MARKET_SCHEMA)


_MARKET_RULES: tuple[MarketRule, ...] = (
    _market_required,
    _market_campaign_id,
    _market_point,
    _market_population,
    _market_event,
    _market_promoter_ids,
)


def market_errors(market: Market, *, known_timezones: Collection[str] = ()) -> list[FieldError]:
    """Every market rule of spec §3 the market breaks (code `INVALID_MARKET_SCHEMA`).

    `known_timezones` is the IANA database's zone names, read by the caller; empty means the
    database is not at hand and a time zone is checked by its shape alone.
    """
    errors = [error for rule in _MARKET_RULES for error in rule(market)]
    if not _is_blank(market.timezone):  # a blank one is reported as required
        errors.extend(_zone_name("timezone", market.timezone, known_timezones, INVALID_MARKET_SCHEMA))
    return errors


def ensure_valid_market(market: Market, *, known_timezones: Collection[str] = ()) -> None:
    if errors := market_errors(market, known_timezones=known_timezones):
        raise InvalidMarket(errors)


# --------------------------------------------------------------------------- promoter rules


def _promoter_name(promoter: Promoter) -> Iterator[FieldError]:
    yield from _required("name", promoter.name, "Required and non-empty.", INVALID_PROMOTER_SCHEMA)


def _privacy_urls(promoter: Promoter) -> Iterator[FieldError]:
    """Locale ids as a campaign's `locales` have them (shape, no repeats), http(s) URLs, one default."""
    if not promoter.privacyUrls:
        yield FieldError(
            field="privacyUrls",
            message="At least one privacy URL is required, exactly one of them with is_default set to true.",
            code=INVALID_PROMOTER_SCHEMA,
        )
    for index, privacy in enumerate(promoter.privacyUrls):
        yield from _url_error(f"privacyUrls.{index}.url", privacy.url, INVALID_PROMOTER_SCHEMA)
        if not is_locale_id(privacy.locale):
            yield FieldError(
                field=f"privacyUrls.{index}.locale",
                message=f"{privacy.locale!r} is not a locale id of the form 'xx' or 'xx-XX'.",
                code=INVALID_PROMOTER_SCHEMA,
            )
    locales = (canonical_locale(privacy.locale) for privacy in promoter.privacyUrls)
    yield from _duplicates("privacyUrls", locales, "locale id", INVALID_PROMOTER_SCHEMA, key="locale")
    yield from _exactly_one_default(
        "privacyUrls", (privacy.is_default for privacy in promoter.privacyUrls), "privacy URL", INVALID_PROMOTER_SCHEMA
    )


_PROMOTER_RULES: tuple[PromoterRule, ...] = (_promoter_name, _privacy_urls)


def promoter_errors(promoter: Promoter) -> list[FieldError]:
    """Every promoter rule of spec §3 the promoter breaks (code `INVALID_PROMOTER_SCHEMA`)."""
    return [error for rule in _PROMOTER_RULES for error in rule(promoter)]


def ensure_valid_promoter(promoter: Promoter) -> None:
    if errors := promoter_errors(promoter):
        raise InvalidPromoter(errors)


# --------------------------------------------------------------------------- notification rules


def _outside_utc_years(field: str, instant: dt.datetime, code: str) -> Iterator[FieldError]:
    """An instant must still be within years 1-9999 once converted to UTC (as it is stored)."""
    try:
        instant.astimezone(dt.UTC)
    except OverflowError:
        yield FieldError(field=field, message="Must be within years 1-9999 in UTC.", code=code)


def _market_ids(market_ids: Sequence[str]) -> Iterator[FieldError]:
    if not market_ids:
        yield FieldError(field="marketIds", message="At least one market id is required.", code=INVALID_MARKET_SCHEMA)
    for index, market_id in enumerate(market_ids):
        if _OBJECT_ID.fullmatch(market_id) is None:
            yield FieldError(
                field="marketIds",
                message=f"Item {index} ({market_id!r}) is not a market id of 24 lowercase hex characters.",
                code=INVALID_MARKET_SCHEMA,
            )


def ensure_valid_market_ids(market_ids: Sequence[str]) -> None:
    """The `marketIds` of a notification request: at least one, each a 24-hex market id."""
    if errors := list(_market_ids(market_ids)):
        raise InvalidMarket(errors)


def _future_instant(field: str, instant: dt.datetime, now: dt.datetime) -> Iterator[FieldError]:
    if outside := list(_outside_utc_years(field, instant, INVALID_MARKET_SCHEMA)):
        yield from outside
    elif instant <= now:
        yield FieldError(field=field, message="Must be in the future.", code=INVALID_MARKET_SCHEMA)


def ensure_valid_notification_schedule(
    market_ids: Sequence[str], notification_date: dt.datetime, now: dt.datetime
) -> None:
    """Rules of `POST /markets/notifyDate` that need no stored market: ids well formed, date in the future."""
    errors = [*_market_ids(market_ids), *_future_instant("notificationDate", notification_date, now)]
    if errors:
        raise InvalidMarket(errors)


def notification_presale_errors(markets: Sequence[Market], notification_date: dt.datetime) -> list[FieldError]:
    """`notificationDate` must come before the presale of every market (one without a presale cannot take one)."""
    without = [market.id for market in markets if market.presale_at is None]
    too_late = [m.id for m in markets if m.presale_at is not None and notification_date >= m.presale_at]
    errors: list[FieldError] = []
    if too_late:
        errors.append(
            FieldError(
                field="notificationDate",
                message=f"Must be before the presale of every market; it is not before that of {', '.join(too_late)}.",
                code=INVALID_MARKET_SCHEMA,
            )
        )
    if without:
        errors.append(
            FieldError(
                field="notificationDate",
                message=f"Markets without an event.presaleDateTime cannot be notified: {', '.join(without)}.",
                code=INVALID_MARKET_SCHEMA,
            )
        )
    return errors


def ensure_notification_before_presales(markets: Sequence[Market], notification_date: dt.datetime) -> None:
    if errors := notification_presale_errors(markets, notification_date):
        raise InvalidMarket(errors)


# --------------------------------------------------------------------------- event status rules


def event_status_errors(status: str | None, end: dt.datetime | None) -> list[FieldError]:
    """An event status record needs a non-empty `status`; `date.end`, when given, is a representable instant."""
    errors = list(_required("status", status, "Required and non-empty.", INVALID_CAMPAIGN_SCHEMA))
    if end is not None:
        errors.extend(_outside_utc_years("date.end", end, INVALID_CAMPAIGN_SCHEMA))
    return errors


def ensure_valid_event_status(status: str | None, end: dt.datetime | None) -> str:
    """The status, once known to be valid together with `end`."""
    errors = event_status_errors(status, end)
    if errors or status is None:
        raise InvalidEventStatus(errors)
    return status


# --------------------------------------------------------------------------- the lifecycle agenda

INVALID_QUERY = "INVALID_QUERY"
LONGEST_AGENDA = dt.timedelta(days=31)
"""The widest window the agenda lists at once."""


def ensure_valid_agenda_window(start: dt.datetime, end: dt.datetime, *, start_field: str, end_field: str) -> None:
    """The agenda's window ends at or after it starts, and spans at most `LONGEST_AGENDA`; errors name `end_field`."""
    errors: list[FieldError] = []
    if end < start:
        errors.append(FieldError(field=end_field, message=f"Must not be before `{start_field}`.", code=INVALID_QUERY))
    elif end - start > LONGEST_AGENDA:
        message = f"At most {LONGEST_AGENDA.days} days after `{start_field}`."
        errors.append(FieldError(field=end_field, message=message, code=INVALID_QUERY))
    if errors:
        raise InvalidQuery(errors)
