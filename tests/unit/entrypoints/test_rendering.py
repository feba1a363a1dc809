"""Prepared campaign responses: built once per (id, version, content locales), never served stale."""

from __future__ import annotations

import json
from typing import Any

import msgspec

from campaigns.domain.campaign import Campaign, CampaignDomain, LocaleContent
from campaigns.entrypoints.http.rendering import PreparedResponse, RenderedCampaigns


def campaign(number: int = 1, *, version: int = 1, name: str = "Eras", locales: tuple[str, ...] = ()) -> Campaign:
    return Campaign(
        id=f"{number:024x}",
        name=name,
        domain=CampaignDomain(site=f"site-{number}"),
        version=version,
        content={locale: LocaleContent() for locale in locales},
    )


async def sent(response: PreparedResponse) -> tuple[dict[bytes, bytes], Any]:
    messages: list[Any] = []

    async def send(message: Any) -> None:
        messages.append(message)

    await response({"type": "http"}, _never_called, send)  # type: ignore[arg-type]
    start, body = messages
    assert (start["status"], body["more_body"]) == (200, False)
    return dict(start["headers"]), json.loads(body["body"])


async def _never_called() -> Any:
    raise AssertionError("a prepared response reads no request body")


async def test_a_campaign_version_is_rendered_once_and_a_new_version_anew() -> None:
    rendered = RenderedCampaigns()
    first = rendered.response(campaign(version=1))

    assert rendered.response(campaign(version=1)) is first
    updated = rendered.response(campaign(version=2, name="Eras (new dates)"))

    assert updated is not first
    headers, document = await sent(updated)
    assert (headers[b"etag"], document["name"], document["version"]) == (b'"2"', "Eras (new dates)", 2)
    assert headers[b"surrogate-key"] == b"campaign-000000000000000000000001 domain-site-1"
    assert int(headers[b"content-length"]) == len(msgspec.json.encode(document))


async def test_each_locale_selection_has_its_own_answer() -> None:
    rendered = RenderedCampaigns()

    english = rendered.response(campaign(locales=("en",)))
    french = rendered.response(campaign(locales=("fr-CA",)))

    assert english is not french
    assert set((await sent(french))[1]["content"]) == {"fr-CA"}


async def test_every_send_gets_fresh_messages_so_middlewares_may_amend_them() -> None:
    response = RenderedCampaigns().response(campaign())

    async def amending_send(message: Any) -> None:
        if message["type"] == "http.response.start":
            message["headers"].append((b"x-correlation", b"first request"))

    await response({"type": "http"}, _never_called, amending_send)  # type: ignore[arg-type]
    headers, _ = await sent(response)

    assert b"x-correlation" not in headers


def test_the_memo_is_bounded_dropping_the_oldest_entry() -> None:
    rendered = RenderedCampaigns(capacity=2)
    oldest = rendered.response(campaign(1))
    kept = rendered.response(campaign(2))

    rendered.response(campaign(3))

    assert rendered.response(campaign(2)) is kept
    assert rendered.response(campaign(1)) is not oldest
