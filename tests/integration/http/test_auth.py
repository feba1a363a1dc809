"""Authentication (401) and authorization (403) through the real middleware and use cases."""

from __future__ import annotations

import base64
import itertools
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from campaigns.adapters.local.clock import FixedClock
from tests.bootstrap import running, settings_for
from tests.integration.http.support import (
    CORRELATION_HEADER,
    Api,
    Client,
    Tokens,
    assert_problem,
    bearer,
    foreign_rsa_token,
    hs256_token,
    unsigned_token,
    valid_campaign_body,
)

pytestmark = pytest.mark.integration

MISSING_ID = "0123456789abcdef01234567"


def _claims(**extra: object) -> dict[str, object]:
    now = int(time.time())
    return {"userId": "intruder", "supreme": True, "iat": now, "exp": now + 3600, **extra}


# --------------------------------------------------------------------------- 401 UNAUTHENTICATED


async def test_missing_authorization_header_is_401(client: Client) -> None:
    response = await client.get("/campaigns/list", headers={CORRELATION_HEADER: "no-token"})

    assert_problem(response, 401, "UNAUTHENTICATED")
    assert response.headers[CORRELATION_HEADER] == "no-token"


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "Token abc.def.ghi", "Bearer not-a-jwt", "Bearer a.b.c"],
)
async def test_malformed_authorization_header_is_401(client: Client, header: str) -> None:
    response = await client.get("/campaigns/list", headers={"Authorization": header})

    assert_problem(response, 401, "UNAUTHENTICATED")


async def test_alg_none_token_is_401(client: Client) -> None:
    token = unsigned_token({"alg": "none", "typ": "JWT"}, _claims())

    assert_problem(await client.get("/campaigns/list", headers=bearer(token)), 401, "UNAUTHENTICATED")


async def test_hs256_token_signed_with_the_public_key_text_is_401(client: Client, tokens: Tokens) -> None:
    """The classic RS256/HS256 confusion: the public key is no secret, so it must not verify anything."""
    token = hs256_token(_claims(), tokens.public_key().encode())

    assert_problem(await client.get("/campaigns/list", headers=bearer(token)), 401, "UNAUTHENTICATED")


async def test_token_signed_by_another_rsa_key_is_401(client: Client) -> None:
    token = foreign_rsa_token(_claims())

    assert_problem(await client.get("/campaigns/list", headers=bearer(token)), 401, "UNAUTHENTICATED")


async def test_token_with_a_tampered_payload_is_401(client: Client, tokens: Tokens) -> None:
    head, _, signature = tokens.nobody().split(".")
    forged_claims = unsigned_token({"alg": "RS256"}, _claims()).split(".")[1]

    response = await client.get("/campaigns/list", headers=bearer(f"{head}.{forged_claims}.{signature}"))

    assert_problem(response, 401, "UNAUTHENTICATED")


@pytest.mark.parametrize(
    "respell",
    [
        lambda signature: signature.replace("-", "+").replace("_", "/") + "=" * (-len(signature) % 4),
        lambda signature: signature[:40] + " " + signature[40:],
    ],
    ids=["standard base64", "a space inside"],
)
async def test_a_genuine_signature_spelt_other_than_base64url_is_401(
    client: Client, tokens: Tokens, respell: Callable[[str], str]
) -> None:
    """As PyJWT refuses it: base64url strictly, whatever a lax decoder would read."""
    for nonce in itertools.count():  # a signature with both characters base64url spells its own way
        head, body, signature = tokens.mint({"userId": "admin", "supreme": True, "nonce": nonce}).split(".")
        if "-" in signature and "_" in signature:
            break

    response = await client.get("/campaigns/list", headers=bearer(f"{head}.{body}.{respell(signature)}"))

    assert_problem(response, 401, "UNAUTHENTICATED")


async def test_a_header_nested_too_deeply_to_parse_is_401_not_a_crash(client: Client) -> None:
    token = f"{base64.urlsafe_b64encode(b'[' * 2000 + b']' * 2000).rstrip(b'=').decode()}.e30.AA"

    assert_problem(await client.get("/campaigns/list", headers=bearer(token)), 401, "UNAUTHENTICATED")


async def test_expired_token_is_401(client: Client, tokens: Tokens) -> None:
    token = tokens.mint({"supreme": True}, ttl=timedelta(hours=1), now=datetime.now(UTC) - timedelta(hours=2))

    response = await client.get("/campaigns/list", headers=bearer(token))

    assert_problem(response, 401, "UNAUTHENTICATED")
    assert "expired" in response.json()["detail"]
    assert "campaigns token" in response.json()["detail"], "says how to mint a new one in development"


async def test_token_not_yet_valid_is_401(client: Client, tokens: Tokens) -> None:
    now = int(time.time())
    token = tokens.sign({"supreme": True, "iat": now, "nbf": now + 3600, "exp": now + 7200})

    assert_problem(await client.get("/campaigns/list", headers=bearer(token)), 401, "UNAUTHENTICATED")


async def test_token_without_exp_is_401(client: Client, tokens: Tokens) -> None:
    token = tokens.sign({"userId": "forever", "supreme": True, "iat": int(time.time())})

    assert_problem(await client.get("/campaigns/list", headers=bearer(token)), 401, "UNAUTHENTICATED")


async def test_every_campaign_endpoint_needs_a_token(api: Api, client: Client) -> None:
    campaign = await api.create(valid_campaign_body("locked"))
    cid = campaign["id"]
    calls = [
        ("GET", "/campaigns?domain=locked"),
        ("GET", "/campaigns/status?domain=locked"),
        ("POST", "/campaigns"),
        ("POST", "/campaigns/refresh"),
        ("GET", "/campaigns/list"),
        ("GET", "/campaigns/events?eventId=e1"),
        (
            "GET",
            "/campaigns/eventIds?presaleQueryStartDate=2030-01-01T00:00:00Z&presaleQueryEndDate=2030-02-01T00:00:00Z",
        ),
        (
            "GET",
            "/campaigns/categoryIds?presaleQueryStartDate=2030-01-01T00:00:00Z&presaleQueryEndDate=2030-02-01T00:00:00Z",
        ),
        ("GET", "/campaigns/ids?categoryIds=a,b"),
        ("GET", f"/campaigns/{cid}"),
        ("POST", f"/campaigns/{cid}"),
        ("GET", f"/campaigns/{cid}/status"),
        ("GET", f"/campaigns/{cid}/faqs"),
        ("POST", f"/campaigns/{cid}/faqs"),
        ("GET", f"/campaigns/{cid}/terms"),
        ("POST", f"/campaigns/{cid}/terms"),
        ("GET", f"/campaigns/{cid}/contacts"),
        ("POST", f"/campaigns/{cid}/contacts"),
    ]
    for method, url in calls:
        response = await client.request(method, url, json={} if method == "POST" else None)
        assert_problem(response, 401, "UNAUTHENTICATED")
    assert (await api.campaign(cid))["version"] == 1


async def test_a_password_protected_campaign_needs_its_password(api: Api, client: Client, tokens: Tokens) -> None:
    created = await api.create(valid_campaign_body("secret-site", password="s3cret!"))
    await api.update(created["id"], {"status": "OPEN"})
    fan = bearer(tokens.nobody())

    missing = await client.get("/campaigns", params={"domain": "secret-site"}, headers=fan)
    wrong = await client.get("/campaigns", params={"domain": "secret-site", "password": "guess"}, headers=fan)
    right = await client.get("/campaigns", params={"domain": "secret-site", "password": "s3cret!"}, headers=fan)

    assert_problem(missing, 401, "INVALID_CAMPAIGN_PASSWORD")
    assert_problem(wrong, 401, "INVALID_CAMPAIGN_PASSWORD")
    assert right.status_code == 200, right.text
    assert right.json()["id"] == created["id"]
    assert right.json()["hasPassword"] is True
    for body in (created, right.json()):
        assert "password" not in body
        assert "passwordHash" not in body
        assert "s3cret!" not in str(body)


# --------------------------------------------------------------------------- 403


async def test_only_supreme_users_create_campaigns(client: Client, tokens: Tokens) -> None:
    response = await client.post("/campaigns", json=valid_campaign_body("nope"), headers=bearer(tokens.nobody()))

    assert_problem(response, 403, "SUPREME_USER_REQUIRED")


async def test_only_supreme_users_refresh(client: Client, tokens: Tokens, api: Api) -> None:
    campaign = await api.create(valid_campaign_body("granted-refresh"))
    admin = bearer(tokens.for_campaign(campaign["id"], ["read", "write", "admin"]))

    assert_problem(await client.post("/campaigns/refresh", headers=admin), 403, "SUPREME_USER_REQUIRED")
    assert_problem(
        await client.post("/campaigns/refresh", params={"dryRun": "true"}, headers=admin), 403, "SUPREME_USER_REQUIRED"
    )


async def test_an_ungranted_id_answers_403_whether_it_exists_or_not(api: Api, client: Client, tokens: Tokens) -> None:
    mine = await api.create(valid_campaign_body("mine"))
    theirs = await api.create(valid_campaign_body("theirs"))
    headers = bearer(tokens.for_campaign(mine["id"], ["read", "write", "admin"]))

    for suffix in ("", "/status", "/faqs", "/terms", "/contacts"):
        existing = await client.get(f"/campaigns/{theirs['id']}{suffix}", headers=headers)
        missing = await client.get(f"/campaigns/{MISSING_ID}{suffix}", headers=headers)
        existing_body = assert_problem(existing, 403, "INVALID_CAMPAIGN_PERMISSIONS")
        missing_body = assert_problem(missing, 403, "INVALID_CAMPAIGN_PERMISSIONS")
        assert existing_body == missing_body
    for suffix, body in (("", {"name": "x"}), ("/terms", {"terms": "x"}), ("/contacts", []), ("/faqs", {})):
        existing = await client.post(f"/campaigns/{theirs['id']}{suffix}", json=body, headers=headers)
        missing = await client.post(f"/campaigns/{MISSING_ID}{suffix}", json=body, headers=headers)
        assert assert_problem(existing, 403, "INVALID_CAMPAIGN_PERMISSIONS") == assert_problem(
            missing, 403, "INVALID_CAMPAIGN_PERMISSIONS"
        )
    assert (await api.campaign(theirs["id"]))["version"] == 1


async def test_a_granted_id_that_does_not_exist_is_404(client: Client, tokens: Tokens, supreme: dict[str, str]) -> None:
    granted = bearer(tokens.for_campaign(MISSING_ID, ["read", "write"]))

    assert_problem(await client.get(f"/campaigns/{MISSING_ID}", headers=granted), 404, "CAMPAIGN_NOT_FOUND")
    assert_problem(await client.get(f"/campaigns/{MISSING_ID}", headers=supreme), 404, "CAMPAIGN_NOT_FOUND")
    assert_problem(
        await client.post(f"/campaigns/{MISSING_ID}", json={"name": "x"}, headers=supreme), 404, "CAMPAIGN_NOT_FOUND"
    )


async def test_read_grants_read_but_do_not_write(api: Api, client: Client, tokens: Tokens) -> None:
    campaign = await api.create(valid_campaign_body("read-only"))
    cid = campaign["id"]
    reader = bearer(tokens.for_campaign(cid, ["read"]))

    for suffix in ("", "/status", "/faqs", "/terms", "/contacts"):
        assert (await client.get(f"/campaigns/{cid}{suffix}", headers=reader)).status_code == 200, suffix
    for suffix, body in (("", {"name": "x"}), ("/terms", {"terms": "x"}), ("/contacts", ["c1"]), ("/faqs", {})):
        response = await client.post(f"/campaigns/{cid}{suffix}", json=body, headers=reader)
        assert_problem(response, 403, "INVALID_CAMPAIGN_PERMISSIONS")
    assert (await api.campaign(cid))["version"] == 1


async def test_status_changes_need_admin(api: Api, client: Client, tokens: Tokens) -> None:
    campaign = await api.create(valid_campaign_body("admin-only"))
    cid = campaign["id"]
    writer = bearer(tokens.for_campaign(cid, ["read", "write"]))
    admin = bearer(tokens.for_campaign(cid, ["admin"]))

    denied = await client.post(f"/campaigns/{cid}", json={"status": "PREVIEW"}, headers=writer)
    renamed = await client.post(f"/campaigns/{cid}", json={"name": "Renamed"}, headers=writer)
    promoted = await client.post(f"/campaigns/{cid}", json={"status": "PREVIEW"}, headers=admin)

    assert_problem(denied, 403, "INVALID_CAMPAIGN_PERMISSIONS")
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["status"] == "DRAFT"
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["status"] == "PREVIEW"


async def test_legacy_claim_names_are_accepted(api: Api, client: Client, tokens: Tokens) -> None:
    campaign = await api.create(valid_campaign_body("legacy-claims"))
    cid = campaign["id"]
    by_ids = bearer(tokens.mint({"sub": "legacy", "campaignIds": [cid]}))
    is_supreme = bearer(tokens.mint({"sub": "root", "isSupreme": True}))

    assert (await client.get(f"/campaigns/{cid}", headers=by_ids)).status_code == 200
    assert (await client.post(f"/campaigns/{cid}", json={"name": "By ids"}, headers=by_ids)).status_code == 200
    assert_problem(
        await client.post(f"/campaigns/{cid}", json={"status": "PREVIEW"}, headers=by_ids),
        403,
        "INVALID_CAMPAIGN_PERMISSIONS",
    )
    assert (await client.get("/campaigns/list", headers=is_supreme)).json()["pagination"]["total"] == 1


async def test_lookup_by_domain_hides_unpublished_campaigns_from_ungranted_callers(
    api: Api, client: Client, tokens: Tokens
) -> None:
    draft = await api.create(valid_campaign_body("draft-site"))
    live = await api.create(valid_campaign_body("live-site"))
    await api.update(live["id"], {"status": "OPEN"})
    fan = bearer(tokens.nobody())
    reader = bearer(tokens.for_campaign(draft["id"], ["read"]))

    hidden = await client.get("/campaigns", params={"domain": "draft-site"}, headers=fan)
    hidden_status = await client.get("/campaigns/status", params={"domain": "draft-site"}, headers=fan)
    shown = await client.get("/campaigns", params={"domain": "draft-site"}, headers=reader)
    public = await client.get("/campaigns", params={"domain": "live-site"}, headers=fan)
    public_status = await client.get("/campaigns/status", params={"domain": "live-site"}, headers=fan)

    assert_problem(hidden, 404, "CAMPAIGN_NOT_FOUND")  # exactly as an unknown domain: no existence leak
    assert_problem(hidden_status, 404, "CAMPAIGN_NOT_FOUND")
    assert shown.status_code == 200
    assert shown.json()["id"] == draft["id"]
    assert public.status_code == 200
    assert public.json()["status"] == "OPEN"
    assert public_status.json() == {"id": live["id"], "status": "OPEN"}


async def test_list_shows_a_manager_only_the_granted_campaigns(api: Api, client: Client, tokens: Tokens) -> None:
    first = await api.create(valid_campaign_body("first"))
    await api.create(valid_campaign_body("second"))
    third = await api.create(valid_campaign_body("third"))
    manager = bearer(tokens.mint({"userId": "m", "campaignActions": {first["id"]: ["read"], third["id"]: ["admin"]}}))

    response = await client.get("/campaigns/list", headers=manager)
    nobody = await client.get("/campaigns/list", headers=bearer(tokens.nobody()))

    assert response.status_code == 200
    assert sorted(c["id"] for c in response.json()["campaigns"]) == sorted([first["id"], third["id"]])
    assert response.json()["pagination"]["total"] == 2
    assert nobody.json() == {"campaigns": [], "pagination": {"page": 0, "pageSize": 10, "total": 0}}


async def test_a_non_boolean_supreme_claim_grants_nothing(client: Client, tokens: Tokens) -> None:
    for claim in ({"supreme": "true"}, {"supreme": 1}, {"isSupreme": "yes"}):
        headers = bearer(tokens.mint({"userId": "sly", **claim}))
        response = await client.post("/campaigns", json=valid_campaign_body("sly"), headers=headers)
        assert_problem(response, 403, "SUPREME_USER_REQUIRED")


async def test_issuer_and_audience_are_checked_when_configured(tmp_path: Path, clock: FixedClock) -> None:
    settings = settings_for(tmp_path, jwt_issuer="titan", jwt_audience="campaigns")
    right = {"supreme": True, "iss": "titan", "aud": "campaigns"}

    async with running(settings, clock) as app:
        accepted = await app.client.get("/campaigns/list", headers=bearer(app.tokens.mint(right)))
        for wrong in ({"iss": None}, {"iss": "someone-else"}, {"aud": None}, {"aud": "other-service"}):
            claims = {key: value for key, value in {**right, **wrong}.items() if value is not None}
            response = await app.client.get("/campaigns/list", headers=bearer(app.tokens.mint(claims)))
            assert_problem(response, 401, "UNAUTHENTICATED")

    assert accepted.status_code == 200, accepted.text
