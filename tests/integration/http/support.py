"""Helpers shared by the HTTP integration tests: body builders, token minting, problem checks, outbox reads."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar.testing import AsyncTestClient, TestClient
from litestar.types import ASGIApp

from campaigns.adapters.local.dev_jwt_keys import DevKeyPair
from campaigns.application.event_catalogue import ROUTES
from campaigns.application.outbox import OutboxEntry
from campaigns.main.container import Container, resolve

PROBLEM_TYPE = "application/problem+json"
CORRELATION_HEADER = "x-titan-correlation-id"
PROBLEM_KEYS = frozenset({"type", "title", "status", "detail", "code"})

FAQ_ID = "6a0c3a4e-3b9e-4c57-9d2e-2f1f2b1c0a11"
"""The FAQ every `valid_campaign_body` defines (in both locales) and places on the open landing page."""

Json = dict[str, Any]
Client = AsyncTestClient[ASGIApp]


def valid_campaign_body(site: str, **fields: Any) -> Json:
    """A complete v2 registration campaign holding `site`; `fields` replace top-level fields."""
    body: Json = {
        "type": "registration",
        "name": f"Campaign {site}",
        "identifier": f"{site}-2030",
        "artist": {
            "id": "K8vZ917Gku7",
            "name": "Example Artist",
            "discovery_id": "K8vZ917Gku7",
            "image_url": "https://example.com/artist.jpg",
            "adpUrl": "https://example.com/artist",
            "fanclubName": "The Examples",
        },
        "domain": {"site": site, "preview": f"preview-{site}"},
        "tour": {"name": "World Tour 2030"},
        "date": {},
        "options": {"useGenericBranding": False, "showAccessCode": True, "automatedReminders": True},
        "referenceTimezone": "America/New_York",
        "style": {"theme": {"primary": "#112233"}, "text": {"primary": "#fff"}},
        "image": {"main": {"url": "https://example.com/main.jpg"}},
        "share": {"facebook": {"url": "https://example.com/share"}},
        "content": {
            "en": {
                "faqs": {FAQ_ID: {"question": "When?", "answer": "Soon."}},
                "landing": {"title": "Sign up"},
                "terms": "Terms in English.",
            },
            "fr-CA": {
                "faqs": {FAQ_ID: {"question": "Quand?", "answer": "Bientôt."}},
                "landing": {"title": "Inscrivez-vous"},
                "terms": "Conditions en français.",
            },
        },
        "faqs": {
            "landing": {"open": [FAQ_ID], "closed": []},
            "confirmation": {"open": [], "closed": [], "activePresale": []},
        },
        "preferences": [{"id": "email", "type": "email", "is_optional": False, "label": {"en": "Email"}}],
        "locales": [{"id": "en", "is_default": True}, {"id": "fr-CA", "is_default": False}],
        "contacts": [],
        "eventIds": [],
        "trackers": [{"type": "google", "id": "UA-1"}],
        "slack": {"channels": {"stats": ["#presales"]}, "noAlert": False},
        "schema": {"version": "2"},
    }
    body.update(fields)
    return body


def iso(instant: datetime) -> str:
    """The service's wire format for instants: UTC with `Z`."""
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned_token(header: Mapping[str, Any], claims: Mapping[str, Any], signature: bytes = b"") -> str:
    """A JWT assembled by hand, for the tokens PyJWT refuses to make (alg none, HS256 with a PEM)."""
    head = _b64(json.dumps(header).encode())
    body = _b64(json.dumps(claims).encode())
    return f"{head}.{body}.{_b64(signature)}"


def hs256_token(claims: Mapping[str, Any], secret: bytes) -> str:
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = _b64(json.dumps(claims).encode())
    signature = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


class Tokens:
    """Tokens signed with the embedded dev key pair the app verifies with (or deliberately not)."""

    def __init__(self, keys: DevKeyPair) -> None:
        self.keys = keys

    def mint(
        self, claims: Mapping[str, Any], *, ttl: timedelta = timedelta(hours=1), now: datetime | None = None
    ) -> str:
        return self.keys.mint(dict(claims), ttl=ttl, now=now or datetime.now(UTC))

    def sign(self, claims: Mapping[str, Any]) -> str:
        """Sign exactly these claims (no `iat`/`nbf`/`exp` added) with the dev private key."""
        self.keys.ensure()
        return jwt.encode(dict(claims), self.keys.private_path.read_text(), algorithm="RS256")

    def public_key(self) -> str:
        return self.keys.ensure()

    def supreme(self) -> str:
        return self.mint({"userId": "admin", "supreme": True})

    def for_campaign(self, campaign_id: str, actions: Sequence[str]) -> str:
        return self.mint({"userId": "manager", "supreme": False, "campaignActions": {campaign_id: list(actions)}})

    def nobody(self) -> str:
        """A valid token granting nothing."""
        return self.mint({"userId": "fan", "supreme": False})


def foreign_rsa_token(claims: Mapping[str, Any]) -> str:
    """A well-formed RS256 token signed by a key the service does not know."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return jwt.encode(dict(claims), pem, algorithm="RS256")


def assert_problem(response: httpx.Response, status: int, code: str, *, field: str | None = None) -> Json:
    """The response is an RFC 9457 problem with this status and code (and names `field` when given)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_TYPE), response.headers
    assert response.headers.get(CORRELATION_HEADER), response.headers
    body: Json = response.json()
    assert body.keys() >= PROBLEM_KEYS, body
    assert body["status"] == status
    assert body["code"] == code, body
    assert isinstance(body["type"], str)
    assert body["type"]
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    if field is not None:
        # ASGIApp names list items `eventIds[0]`, the domain rules `eventIds.0`: accept both spellings.
        fields = [re.sub(r"\[(\d+)\]", r".\1", error["field"]) for error in body.get("errors", [])]
        assert field in fields, body
    return body


async def _pending(container: Container) -> list[OutboxEntry]:
    return await (await resolve(container.store.outbox)).pending(ROUTES["json-lines"], 1000)


async def _relay(container: Container) -> int:
    relay = await resolve(container.jobs.relay_outbox)
    reports = [await relay.execute(sink) for sink in relay.sinks]
    return sum(report.delivered for report in reports if report.sink == "json-lines")


def relay_outbox(client: Client, container: Container) -> int:
    """Relay once for every sink, on the app's event loop; returns what the JSON-lines sink (every type) got."""
    return client.blocking_portal.call(_relay, container)


def pending_outbox(client: Client | TestClient[ASGIApp], container: Container) -> list[OutboxEntry]:
    """Undelivered outbox entries, read on the app's own event loop (the test client runs it in a portal)."""
    return client.blocking_portal.call(_pending, container)


def event_types(entries: Sequence[OutboxEntry]) -> list[str]:
    return [str(type(entry.event).__struct_config__.tag) for entry in entries]


class Api:
    """The calls most tests repeat, made as a supreme user through the real app."""

    def __init__(self, client: Client, container: Container, tokens: Tokens) -> None:
        self.client = client
        self.container = container
        self.tokens = tokens
        self.supreme = bearer(tokens.supreme())

    async def create(self, body: Mapping[str, Any]) -> Json:
        response = await self.client.post("/campaigns", json=body, headers=self.supreme)
        assert response.status_code == 201, response.text
        created: Json = response.json()
        return created

    async def update(self, campaign_id: str, patch: Mapping[str, Any]) -> Json:
        response = await self.client.post(f"/campaigns/{campaign_id}", json=patch, headers=self.supreme)
        assert response.status_code == 200, response.text
        updated: Json = response.json()
        return updated

    async def campaign(self, campaign_id: str) -> Json:
        """The campaign as stored: every locale (`showAllLocales`), as a create or update answers it."""
        response = await self.client.get(
            f"/campaigns/{campaign_id}", params={"showAllLocales": "true"}, headers=self.supreme
        )
        assert response.status_code == 200, response.text
        found: Json = response.json()
        return found

    async def total(self) -> int:
        response = await self.client.get("/campaigns/list", headers=self.supreme)
        assert response.status_code == 200, response.text
        total: int = response.json()["pagination"]["total"]
        return total

    async def refresh(self, *, dry_run: bool = False) -> Json:
        params = {"dryRun": "true"} if dry_run else {}
        response = await self.client.post("/campaigns/refresh", params=params, headers=self.supreme)
        assert response.status_code == 200, response.text
        report: Json = response.json()
        return report

    def pending(self) -> list[OutboxEntry]:
        return pending_outbox(self.client, self.container)
