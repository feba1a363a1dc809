"""The private Litestar and granian APIs the service still uses (see the ADR on them) are there and work as relied on.

Each test fails on an upgrade that removes or changes one of them, before a request can go wrong.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from granian.server.common import AbstractServer
from granian.server.mp import MPServer, WorkerProcess
from litestar import Litestar, Request, get
from litestar._asgi import asgi_router
from litestar._asgi.utils import is_valid_host
from litestar.params import FromQuery
from litestar.testing import TestClient

from campaigns.entrypoints.http.inputs import replace_query


@get("/")
async def _echo(name: FromQuery[str]) -> str:
    return name


@pytest.mark.parametrize(("host", "answered"), [("example.com:8000", 200), ("exa mple.com", 400), ("a/b", 400)])
def test_the_lane_leaves_to_litestar_the_hosts_litestar_refuses_by_the_same_rule(host: str, answered: int) -> None:
    """`litestar._asgi.utils.is_valid_host`: the lane asks Litestar's own routing rule, not a copy of it."""
    assert vars(asgi_router)["is_valid_host"] is is_valid_host, "the rule Litestar routes by"
    with TestClient(Litestar([_echo])) as client:
        response = client.get("/", params={"name": "x"}, headers={"host": host})

    assert response.status_code == answered
    assert is_valid_host(host.encode()) is (answered == 200)


def test_a_query_replaced_before_the_handler_is_the_one_litestar_extracts() -> None:
    """`Request._parsed_query`: where Litestar's parameter extraction reads the query pairs from."""

    async def canonical(request: Request[Any, Any, Any]) -> None:
        assert request.query_params["name"] == "sent"  # parsed (and kept) before it is replaced
        replace_query(request, (("name", "replaced"),))

    with TestClient(Litestar([_echo], before_request=canonical)) as client:
        response = client.get("/", params={"name": "sent"})

    assert response.text == "replaced"


def test_granian_starts_every_worker_through_the_numbered_hook() -> None:
    """`MPServer._spawn_worker`: every worker, first or replacement, starts there with its number."""
    assert list(inspect.signature(MPServer._spawn_worker).parameters) == ["self", "idx", "target", "callback_loader"]
    call = "self._spawn_worker(idx=idx, target=spawn_target, callback_loader=target_loader)"
    for starts in (AbstractServer._spawn_workers, AbstractServer._respawn_workers):  # the first ones, replacements
        assert call in inspect.getsource(starts), starts.__name__
    assert "self.inner = multiprocessing" in inspect.getsource(WorkerProcess._spawn), "a worker's process, for its pid"
