"""Prepared campaign responses: built once per (id, version, locale view), never served stale."""

from __future__ import annotations

import json
from typing import Any

import msgspec

from campaigns.domain.campaign import Campaign, CampaignDomain, Locale, LocaleContent, Preference
from campaigns.entrypoints.http.rendering import PreparedResponse, RenderedCampaigns


def campaign(number: int = 1, *, version: int = 1, name: str = "Eras", locales: tuple[str, ...] = ()) -> Campaign:
    return Campaign(
        id=f"{number:024x}",
        name=name,
        domain=CampaignDomain(site=f"site-{number}"),
        version=version,
        content={locale: LocaleContent() for locale in locales},
        locales=[Locale(id=locale, is_default=index == 0) for index, locale in enumerate(locales)],
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
    first = rendered.response(campaign(version=1), locale=None, all_locales=True)

    assert rendered.response(campaign(version=1), locale=None, all_locales=True) is first
    updated = rendered.response(campaign(version=2, name="Eras (new dates)"), locale=None, all_locales=True)

    assert updated is not first
    headers, document = await sent(updated)
    assert (headers[b"etag"], document["name"], document["version"]) == (b'"2"', "Eras (new dates)", 2)
    assert headers[b"surrogate-key"] == b"campaign-000000000000000000000001 domain-site-1"
    assert int(headers[b"content-length"]) == len(msgspec.json.encode(document))


async def test_each_locale_view_has_its_own_answer() -> None:
    rendered = RenderedCampaigns()
    both = campaign(locales=("en", "fr-CA"))

    english = rendered.response(both, locale="en", all_locales=False)
    french = rendered.response(both, locale="fr-CA", all_locales=False)
    every = rendered.response(both, locale="fr-CA", all_locales=True)

    assert len({id(english), id(french), id(every)}) == 3
    assert (await sent(french))[1]["content"].keys() == {"fr-CA"}
    assert (await sent(french))[1]["currentLocale"] == "fr-CA"
    assert (await sent(every))[1]["content"].keys() == {"en", "fr-CA"}
    assert "currentLocale" not in (await sent(every))[1]


async def test_the_memo_keys_on_the_locale_chosen_not_the_one_asked_for() -> None:
    rendered = RenderedCampaigns()
    both = campaign(locales=("en", "fr-CA"))
    french = rendered.response(both, locale="fr-CA", all_locales=False)

    assert rendered.response(both, locale="FR-ca", all_locales=False) is french
    assert rendered.response(both, locale="de", all_locales=False) is rendered.response(
        both, locale=None, all_locales=False
    )
    assert (await sent(rendered.response(both, locale="de", all_locales=False)))[1]["currentLocale"] == "en"


async def test_a_campaign_without_any_locale_has_a_narrowed_and_an_every_locale_answer() -> None:
    rendered = RenderedCampaigns()
    bare = msgspec.structs.replace(
        campaign(), preferences=[Preference(id="email", type="email", is_optional=False, label={"en": "Email"})]
    )

    narrowed = await sent(rendered.response(bare, locale=None, all_locales=False))
    every = await sent(rendered.response(bare, locale=None, all_locales=True))

    assert (narrowed[1]["preferences"][0]["label"], every[1]["preferences"][0]["label"]) == ({}, {"en": "Email"})
    assert "currentLocale" not in narrowed[1]


async def test_every_send_gets_fresh_messages_so_middlewares_may_amend_them() -> None:
    response = RenderedCampaigns().response(campaign(), locale=None, all_locales=True)

    async def amending_send(message: Any) -> None:
        if message["type"] == "http.response.start":
            message["headers"].append((b"x-correlation", b"first request"))

    await response({"type": "http"}, _never_called, amending_send)  # type: ignore[arg-type]
    headers, _ = await sent(response)

    assert b"x-correlation" not in headers


def test_the_memo_is_bounded_dropping_the_oldest_entry() -> None:
    rendered = RenderedCampaigns(capacity=2)
    oldest = rendered.response(campaign(1), locale=None, all_locales=True)
    kept = rendered.response(campaign(2), locale=None, all_locales=True)

    rendered.response(campaign(3), locale=None, all_locales=True)

    assert rendered.response(campaign(2), locale=None, all_locales=True) is kept
    assert rendered.response(campaign(1), locale=None, all_locales=True) is not oldest
