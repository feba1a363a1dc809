"""Example request bodies: what the API page shows for each body and what its "Try it out" sends."""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import Body, BodyKwarg

Json = dict[str, Any]

CAMPAIGN: Json = {
    "type": "registration",
    "name": "World Tour 2030 presale",
    "identifier": "world-tour-2030",
    "artist": {"id": "K8vZ917Gku7", "name": "Example Artist", "discovery_id": "K8vZ917Gku7"},
    "domain": {"site": "worldtour2030", "preview": "preview-worldtour2030"},
    "tour": {"name": "World Tour 2030"},
    "date": {"open": "2030-03-01T15:00:00Z", "close": "2030-03-08T04:00:00Z"},
    "referenceTimezone": "America/New_York",
    "content": {"en": {"landing": {"title": "Sign up for the presale"}, "terms": "Terms in English."}},
    "locales": [{"id": "en", "is_default": True}],
    "preferences": [{"id": "email", "type": "email", "is_optional": False, "label": {"en": "Email"}}],
    "schema": {"version": "2"},
}
CAMPAIGN_UPDATE: Json = {"name": "World Tour 2030 presale (extended)", "date": {"close": "2030-03-10T04:00:00Z"}}
FAQ_PLACEMENT: Json = {"landing": {"open": ["5f1b2c3d4e5f6a7b8c9d0e1f"], "closed": []}}
TERMS: Json = {"terms": "By signing up you agree to be contacted about this presale."}
CONTACTS: list[Any] = ["5f1b2c3d4e5f6a7b8c9d0e1f", {"name": "Box office", "email": "boxoffice@example.com"}]
MARKET: Json = {
    "name": "New York",
    "city": "New York",
    "state": "NY",
    "timezone": "America/New_York",
    "population": 8_400_000,
    "promoterIds": [],
    "event": {"ids": ["vvG1zZ4kq3lW7b"], "name": "World Tour 2030 - New York", "date": "2030-04-01T00:00:00Z"},
}
MARKET_UPDATE: Json = {"population": 8_500_000}
CLONE_MARKETS: Json = {"fromCampaignId": "5f1b2c3d4e5f6a7b8c9d0e1f"}
SCHEDULE_NOTIFICATIONS: Json = {"marketIds": ["5f1b2c3d4e5f6a7b8c9d0e1f"], "notificationDate": "2030-03-31T15:00:00Z"}
MARK_NOTIFIED: Json = {"marketIds": ["5f1b2c3d4e5f6a7b8c9d0e1f"]}
PROMOTER: Json = {
    "name": "Example Presents",
    "privacyUrls": [{"locale": "en-us", "url": "https://example.com/privacy", "is_default": True}],
}
PROMOTER_UPDATE: Json = {"name": "Example Presents Ltd"}
EVENT_STATUS: Json = {"status": "onsale", "date": {"end": "2030-04-01T04:00:00Z"}}


def json_body(example: Any, summary: str) -> BodyKwarg:
    """A JSON request body documented with `example`."""
    body: BodyKwarg = Body(media_type=RequestEncodingType.JSON, examples=[Example(summary=summary, value=example)])
    return body
