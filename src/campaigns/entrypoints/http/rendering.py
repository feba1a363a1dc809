"""Campaign documents encoded once per version, and sent as prepared ASGI responses.

The fan-facing lookup answers the same few documents over and over; building the view, encoding
it and assembling Litestar's response object cost more than everything else on that path.
"""

from __future__ import annotations

import msgspec
from cachetools import FIFOCache
from litestar.types import Receive, Scope, Send

from campaigns.application.cdn import surrogate_keys
from campaigns.application.read_models import encode_view, localized_view, public_document
from campaigns.application.use_cases.find_campaigns_for_event import EventCampaigns, FindCampaignsForEvent
from campaigns.domain.campaign import Campaign
from campaigns.domain.locale_views import view_locale
from campaigns.domain.permissions import Principal


def cache_headers(campaign: Campaign) -> dict[str, str]:
    """`ETag` for If-Match, and the Fastly surrogate keys that purges of this campaign target."""
    return {"ETag": f'"{campaign.version}"', "Surrogate-Key": " ".join(surrogate_keys(campaign.id, campaign.site))}


class PreparedResponse:
    """A 200 JSON answer built once; every call sends fresh messages, as middlewares may amend them."""

    __slots__ = ("_body", "_headers")

    def __init__(self, body: bytes, headers: dict[str, str]) -> None:
        self._body = body
        self._headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *((name.lower().encode(), value.encode()) for name, value in headers.items()),
        ]

    async def __call__(self, _scope: Scope, _receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": list(self._headers)})
        await send({"type": "http.response.body", "body": self._body, "more_body": False})


_ENCODER = msgspec.json.Encoder()


def prepared_json(value: object) -> PreparedResponse:
    """`value` as a 200 JSON answer with no header of its own, encoded as Litestar encodes a returned value."""
    return PreparedResponse(_ENCODER.encode(value), {})


def events_response(principal: Principal, found: EventCampaigns) -> PreparedResponse:
    """`/campaigns/events` as this caller's class sees it, encoded once per class while `found` is kept."""
    hidden = FindCampaignsForEvent.content_hidden(principal, found)
    return found.encoded(("json", hidden), lambda _: prepared_json(FindCampaignsForEvent.views(found, hidden)))


class RenderedCampaigns:
    """A bounded memo of prepared campaign responses.

    The key is the campaign's id and version and the locale view sent (spec §3 "Locale views"): the
    locale `view_locale` chooses, not the one asked for, so every spelling of a locale and every
    unknown one falling back share one entry. Every write bumps the version, so an entry can never be
    served stale, only left to age out; a hit copies nothing.
    """

    def __init__(self, capacity: int = 4096) -> None:
        self._entries: FIFOCache[tuple[str, int, bool, str | None], PreparedResponse] = FIFOCache(maxsize=capacity)

    def response(self, campaign: Campaign, *, locale: str | None, all_locales: bool) -> PreparedResponse:
        """The campaign narrowed to the locale `locale` resolves to, or as stored with `all_locales`."""
        chosen = None if all_locales else view_locale(campaign, locale)
        key = (campaign.id, campaign.version, all_locales, chosen)
        try:
            return self._entries[key]  # the hot path: a subscript costs a third of `get`
        except KeyError:
            body = public_document(campaign) if all_locales else encode_view(localized_view(campaign, chosen))
            prepared = self._entries[key] = PreparedResponse(body, cache_headers(campaign))
            return prepared
