"""Every campaign response names the surrogate keys its purges target (`cdn.surrogate_keys`)."""

from __future__ import annotations

import pytest

from tests.integration.http.support import Api, Client, valid_campaign_body

pytestmark = pytest.mark.integration


async def test_campaign_responses_carry_the_campaign_and_domain_keys(api: Api, client: Client) -> None:
    created = await client.post("/campaigns", json=valid_campaign_body("cdn-keys"), headers=api.supreme)
    cid = created.json()["id"]
    expected = f"campaign-{cid} domain-cdn-keys"

    by_domain = await client.get("/campaigns", params={"domain": "cdn-keys"}, headers=api.supreme)
    by_id = await client.get(f"/campaigns/{cid}", headers=api.supreme)
    moved = await client.post(f"/campaigns/{cid}", json={"domain": {"site": "cdn-moved"}}, headers=api.supreme)
    cleared = await client.post(f"/campaigns/{cid}", json={"domain": {"site": None}}, headers=api.supreme)

    assert [r.status_code for r in (created, by_domain, by_id, moved, cleared)] == [201, 200, 200, 200, 200]
    assert [r.headers["surrogate-key"] for r in (created, by_domain, by_id)] == [expected] * 3
    assert moved.headers["surrogate-key"] == f"campaign-{cid} domain-cdn-moved"
    assert cleared.headers["surrogate-key"] == f"campaign-{cid}"
