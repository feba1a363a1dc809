"""Through the app on MongoDB: an aborted transaction is run again, an unconfirmed commit answers 503, never 500."""

from __future__ import annotations

import pytest

from tests.bootstrap import indexed_mongo_url
from tests.integration.http.support import Api, Client, assert_problem, event_types, valid_campaign_body
from tests.integration.mongo_faults import TRANSIENT, UNKNOWN_COMMIT, fail_commits

pytestmark = pytest.mark.integration


@pytest.fixture
async def store_url(mongo_url: str) -> str:
    """MongoDB only: the labels are MongoDB's transaction retry rules."""
    return await indexed_mongo_url(mongo_url)


async def test_a_create_whose_transaction_is_aborted_runs_again_and_answers_201_once_stored(
    api: Api, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = fail_commits(monkeypatch, TRANSIENT, 2)

    response = await client.post("/campaigns", json=valid_campaign_body("retried"), headers=api.supreme)

    assert response.status_code == 201, response.text
    assert log == ["failed", "failed", "committed"]
    monkeypatch.undo()
    assert await api.total() == 1
    assert event_types(api.pending()) == ["campaign.created", "campaign.event-mapping"]


async def test_a_create_whose_commit_stays_unconfirmed_answers_503_and_stores_nothing(
    api: Api, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_commits(monkeypatch, UNKNOWN_COMMIT, 100)

    response = await client.post("/campaigns", json=valid_campaign_body("unconfirmed"), headers=api.supreme)

    body = assert_problem(response, 503, "DEPENDENCY_UNAVAILABLE")
    assert "safe to retry" in body["detail"]
    monkeypatch.undo()
    assert await api.total() == 0
    assert api.pending() == []
    assert (
        await client.post("/campaigns", json=valid_campaign_body("unconfirmed"), headers=api.supreme)
    ).status_code == 201
