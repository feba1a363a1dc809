"""The fan-facing rules of spec §3 Permissions: no existence leak by domain, passwords, failed-guess limits.

Against the real app. The failed-guess limit lives in the `limits` library's in-memory storage,
which reads the wall clock itself: the tests that let its window pass freeze and move that clock
with time-machine instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
import time_machine

from tests.integration.http.support import (
    CORRELATION_HEADER,
    Api,
    Client,
    Json,
    Tokens,
    assert_problem,
    bearer,
    valid_campaign_body,
)

pytestmark = pytest.mark.integration

PASSWORD = "s3cret!"
WINDOW = {"presaleWindowStart": "2030-02-01T10:00:00Z", "presaleWindowEnd": "2030-02-03T10:00:00Z"}
"""A presale window after the test clock's start, so the campaign qualifies for `/campaigns/events`."""


@pytest.fixture
def wall_clock() -> Iterator[time_machine.Traveller]:
    """The wall clock the rate-limit storage reads, frozen now; `.shift(seconds)` moves it."""
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        yield traveller


async def _open(api: Api, site: str, **fields: object) -> Json:
    created = await api.create(valid_campaign_body(site, **fields))
    return await api.update(created["id"], {"status": "OPEN"})


def _fan(tokens: Tokens, user_id: str = "fan") -> dict[str, str]:
    return bearer(tokens.mint({"userId": user_id, "supreme": False}))


async def _lookup(client: Client, headers: dict[str, str], site: str, password: str | None) -> httpx.Response:
    params = {"domain": site} if password is None else {"domain": site, "password": password}
    return await client.get("/campaigns", params=params, headers=headers)


def _without_correlation(response: httpx.Response) -> tuple[int, str, Json]:
    """What a client can compare between two answers: status, media type and body (the correlation id differs)."""
    assert response.headers[CORRELATION_HEADER]
    body: Json = response.json()
    return response.status_code, response.headers["content-type"], body


# --------------------------------------------------------------------------- no existence leak by domain


@pytest.mark.parametrize("path", ["/campaigns", "/campaigns/status"])
async def test_an_unpublished_campaign_answers_exactly_like_an_unknown_domain(
    api: Api, client: Client, tokens: Tokens, path: str
) -> None:
    draft = await api.create(valid_campaign_body("draft-site"))
    preview = await api.create(valid_campaign_body("preview-site", status="PREVIEW"))
    protected = await api.create(valid_campaign_body("protected-draft", password=PASSWORD))
    fan = _fan(tokens)
    writer_elsewhere = bearer(tokens.for_campaign(preview["id"], ["read", "write", "admin"]))

    unknown = await client.get(path, params={"domain": "nobody-here"}, headers=fan)
    answers = [
        await client.get(path, params={"domain": "draft-site"}, headers=fan),
        await client.get(path, params={"domain": "preview-site"}, headers=fan),
        await client.get(path, params={"domain": "draft-site"}, headers=writer_elsewhere),
        # visibility comes before the password: a wrong or missing one does not reveal the campaign either
        await client.get(path, params={"domain": "protected-draft"}, headers=fan),
        await client.get(path, params={"domain": "protected-draft", "password": "guess"}, headers=fan),
    ]

    assert_problem(unknown, 404, "CAMPAIGN_NOT_FOUND")
    for answer in answers:
        assert _without_correlation(answer) == _without_correlation(unknown), answer.text
    for campaign in (draft, preview, protected):
        assert str(campaign["id"]) not in str([answer.text for answer in answers])


async def test_a_deactivated_campaign_answers_like_an_unknown_domain(api: Api, client: Client, tokens: Tokens) -> None:
    campaign = await _open(api, "gone-site")
    await api.update(campaign["id"], {"status": "CLOSED"})
    await api.update(campaign["id"], {"status": "INACTIVE"})
    fan = _fan(tokens)

    unknown = await client.get("/campaigns", params={"domain": "nobody-here"}, headers=fan)
    gone = await client.get("/campaigns", params={"domain": "gone-site"}, headers=fan)
    gone_status = await client.get("/campaigns/status", params={"domain": "gone-site"}, headers=fan)

    assert _without_correlation(gone) == _without_correlation(unknown)
    assert _without_correlation(gone_status) == _without_correlation(unknown)


async def test_readers_still_see_an_unpublished_campaign(api: Api, client: Client, tokens: Tokens) -> None:
    draft = await api.create(valid_campaign_body("draft-site"))
    reader = bearer(tokens.for_campaign(draft["id"], ["read"]))

    found = await client.get("/campaigns", params={"domain": "draft-site"}, headers=reader)
    status = await client.get("/campaigns/status", params={"domain": "draft-site"}, headers=reader)

    assert found.status_code == 200, found.text
    assert found.json()["id"] == draft["id"]
    assert status.json() == {"id": draft["id"], "status": "DRAFT"}


# --------------------------------------------------------------------------- the password rule


@pytest.mark.parametrize("path", ["/campaigns", "/campaigns/status"])
async def test_a_protected_campaign_needs_its_password_from_callers_without_read_access(
    api: Api, client: Client, tokens: Tokens, path: str
) -> None:
    campaign = await _open(api, "secret-site", password=PASSWORD)
    fan = _fan(tokens)
    reader = bearer(tokens.for_campaign(campaign["id"], ["read"]))

    missing = await client.get(path, params={"domain": "secret-site"}, headers=fan)
    empty = await client.get(path, params={"domain": "secret-site", "password": ""}, headers=fan)
    wrong = await client.get(path, params={"domain": "secret-site", "password": PASSWORD.upper()}, headers=fan)
    right = await client.get(path, params={"domain": "secret-site", "password": PASSWORD}, headers=fan)
    as_reader = await client.get(path, params={"domain": "secret-site"}, headers=reader)
    as_supreme = await client.get(path, params={"domain": "secret-site"}, headers=api.supreme)

    for refused in (missing, empty, wrong):
        assert_problem(refused, 401, "INVALID_CAMPAIGN_PASSWORD")
    for allowed in (right, as_reader, as_supreme):
        assert allowed.status_code == 200, allowed.text
        assert allowed.json()["id"] == campaign["id"]
        assert allowed.json()["status"] == "OPEN"


async def test_events_leave_out_a_protected_campaigns_content_for_callers_without_read_access(
    api: Api, client: Client, tokens: Tokens
) -> None:
    protected = await _open(api, "secret-site", password=PASSWORD, eventIds=["ev-1"], date=WINDOW)
    public = await _open(api, "public-site", eventIds=["ev-1"], date=WINDOW)
    reader = bearer(tokens.for_campaign(protected["id"], ["read"]))

    as_fan = await client.get("/campaigns/events", params={"eventId": "ev-1"}, headers=_fan(tokens))
    as_reader = await client.get("/campaigns/events", params={"eventId": "ev-1"}, headers=reader)

    assert as_fan.status_code == 200, as_fan.text
    fan_view = {campaign["id"]: campaign for campaign in as_fan.json()}
    reader_view = {campaign["id"]: campaign for campaign in as_reader.json()}
    assert set(fan_view) == set(reader_view) == {protected["id"], public["id"]}
    assert "content" not in fan_view[protected["id"]]
    assert fan_view[protected["id"]]["hasPassword"] is True
    assert fan_view[protected["id"]]["name"] == protected["name"]
    assert fan_view[public["id"]]["content"]["en"]["landing"] == {"title": "Sign up"}
    assert reader_view[protected["id"]]["content"]["en"]["landing"] == {"title": "Sign up"}


# --------------------------------------------------------------------------- failed guesses


async def _guess_wrong(client: Client, headers: dict[str, str], site: str, times: int) -> None:
    for attempt in range(times):
        response = await _lookup(client, headers, site, f"wrong-{attempt}")
        assert_problem(response, 401, "INVALID_CAMPAIGN_PASSWORD")


def _retry_after(response: httpx.Response) -> int:
    assert_problem(response, 429, "TOO_MANY_ATTEMPTS")
    seconds = int(response.headers["retry-after"])
    assert 1 <= seconds <= 60, seconds
    return seconds


@pytest.mark.usefixtures("wall_clock")
async def test_ten_wrong_guesses_then_every_guess_is_429_with_retry_after(
    api: Api, client: Client, tokens: Tokens
) -> None:
    await _open(api, "secret-site", password=PASSWORD)
    fan = _fan(tokens)

    await _guess_wrong(client, fan, "secret-site", 10)

    assert _retry_after(await _lookup(client, fan, "secret-site", "wrong-again")) == 60
    assert _retry_after(await _lookup(client, fan, "secret-site", PASSWORD)) == 60  # the limit is no oracle
    status = await client.get("/campaigns/status", params={"domain": "secret-site", "password": PASSWORD}, headers=fan)
    _retry_after(status)  # one limit for both lookups of the domain
    assert_problem(await _lookup(client, fan, "secret-site", None), 401, "INVALID_CAMPAIGN_PASSWORD")


@pytest.mark.usefixtures("wall_clock")
async def test_the_limit_holds_one_caller_on_one_domain_only(api: Api, client: Client, tokens: Tokens) -> None:
    await _open(api, "secret-site", password=PASSWORD)
    await _open(api, "other-secret", password=PASSWORD)
    guesser, neighbour = _fan(tokens, "guesser"), _fan(tokens, "neighbour")
    await _guess_wrong(client, guesser, "secret-site", 10)
    _retry_after(await _lookup(client, guesser, "secret-site", PASSWORD))

    assert (await _lookup(client, neighbour, "secret-site", PASSWORD)).status_code == 200
    assert_problem(await _lookup(client, neighbour, "secret-site", "wrong"), 401, "INVALID_CAMPAIGN_PASSWORD")
    assert (await _lookup(client, guesser, "other-secret", PASSWORD)).status_code == 200
    assert_problem(await _lookup(client, guesser, "other-secret", "wrong"), 401, "INVALID_CAMPAIGN_PASSWORD")


async def test_the_limit_frees_once_the_window_has_passed(
    api: Api, client: Client, tokens: Tokens, wall_clock: time_machine.Traveller
) -> None:
    await _open(api, "secret-site", password=PASSWORD)
    fan = _fan(tokens)
    await _guess_wrong(client, fan, "secret-site", 10)

    wall_clock.shift(59)
    assert _retry_after(await _lookup(client, fan, "secret-site", PASSWORD)) == 1
    wall_clock.shift(1.5)  # past the window (`limits` is inconsistent about the instant it ends on)

    assert (await _lookup(client, fan, "secret-site", PASSWORD)).status_code == 200
    await _guess_wrong(client, fan, "secret-site", 10)  # a whole new window of ten
    _retry_after(await _lookup(client, fan, "secret-site", PASSWORD))


@pytest.mark.usefixtures("wall_clock")
async def test_only_wrong_passwords_count(api: Api, client: Client, tokens: Tokens) -> None:
    await _open(api, "secret-site", password=PASSWORD)
    fan = _fan(tokens)

    for _ in range(12):
        assert (await _lookup(client, fan, "secret-site", PASSWORD)).status_code == 200
        assert_problem(await _lookup(client, fan, "secret-site", None), 401, "INVALID_CAMPAIGN_PASSWORD")
    await _guess_wrong(client, fan, "secret-site", 10)

    _retry_after(await _lookup(client, fan, "secret-site", "wrong-again"))


@pytest.mark.usefixtures("wall_clock")
async def test_callers_with_read_access_are_never_limited(api: Api, client: Client, tokens: Tokens) -> None:
    campaign = await _open(api, "secret-site", password=PASSWORD)
    reader = bearer(tokens.mint({"userId": "fan", "campaignActions": {campaign["id"]: ["read"]}}))
    await _guess_wrong(client, _fan(tokens, "fan"), "secret-site", 10)

    for _ in range(3):
        assert (await _lookup(client, reader, "secret-site", "wrong")).status_code == 200
