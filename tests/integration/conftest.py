"""The MongoDB every integration suite shares: one stand-in per session, or `CAMPAIGNS_TEST_MONGO_URL`."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.integration.processes import (
    TEST_MONGO_URL,
    drop_database,
    fresh_database_name,
    mongo_stand_in,
    with_database,
)


@pytest.fixture(scope="session")
def mongo_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real MongoDB when `CAMPAIGNS_TEST_MONGO_URL` is set, else an `nx-27017` stand-in, stopped by PID."""
    if url := os.environ.get(TEST_MONGO_URL):
        yield url
        return
    with mongo_stand_in(tmp_path_factory.mktemp("nx-27017")) as server:
        yield server.url


@pytest.fixture
def mongo_url(mongo_server_url: str) -> Iterator[str]:
    """The URL of a database of this test's own, dropped after it."""
    url = with_database(mongo_server_url, fresh_database_name())
    yield url
    drop_database(url)
