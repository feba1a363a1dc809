"""The app's handlers, its fast lane and the container name one another by reference: a mismatch stops the start.

Nothing here serves a request: each check is made while the app is built, as `campaigns serve`
builds it in every worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pytest
from litestar import Litestar, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ImproperlyConfiguredException
from litestar.params import FromQuery, QueryParameter

from campaigns.application.use_cases.get_campaign import GetCampaign
from campaigns.application.use_cases.get_campaign_by_domain import GetCampaignByDomain
from campaigns.config import load_settings
from campaigns.entrypoints.http.app import create_app
from campaigns.entrypoints.http.fast_lane import LaneRoute, service_name
from campaigns.main.app import create_app_from_container
from campaigns.main.container import Container, build_container
from campaigns.main.wiring.use_cases import services_of


@pytest.fixture
def container(tmp_path: Path) -> Container:
    return build_container(load_settings(environ={"CAMPAIGNS_DATA_DIR": str(tmp_path)}))


def _app(container: Container, service_names: list[str]) -> Any:
    return create_app(
        services={},
        service_names=service_names,
        metrics=container.metrics(),
        verifier=container.security.token_verifier(),
        body_timeout_seconds=1,
    )


def test_the_container_provides_every_use_case_the_handlers_and_the_lane_ask_for(container: Container) -> None:
    create_app_from_container(container)  # raises if a handler's dependency or a lane route's use case is missing

    assert "get_campaign_by_domain" in services_of(container.use_cases)
    assert "unit_of_work" not in services_of(container.use_cases), "dependencies of the use cases are not theirs"


def test_a_use_case_renamed_in_the_container_alone_stops_the_start(container: Container) -> None:
    renamed = [
        "find_campaign_by_domain" if name == "get_campaign_by_domain" else name
        for name in services_of(container.use_cases)
    ]

    with pytest.raises(ImproperlyConfiguredException, match="get_campaign_by_domain"):
        _app(container, renamed)


def _api(handler: Any) -> Litestar:
    def never() -> Any:
        raise AssertionError

    return Litestar([handler], dependencies={"lookup": Provide(never, sync_to_thread=False)})


@get("/campaigns")
async def _lookup(
    lookup: NamedDependency[GetCampaignByDomain],
    domain: FromQuery[str],
    show_all: Annotated[bool, QueryParameter(name="all")],
) -> None:
    """A route like the lookup, whose use case the handler names `lookup`."""


def test_the_lane_calls_the_use_case_by_the_name_its_handler_gives_it() -> None:
    lane_route = LaneRoute(_lookup, "/campaigns", frozenset({b"domain", b"all"}), GetCampaignByDomain)

    assert service_name(_api(_lookup), lane_route) == "lookup"


@pytest.mark.parametrize(
    ("lane_route", "named"),
    [
        (LaneRoute(_lookup, "/campaigns/{domain}", frozenset({b"domain"}), GetCampaignByDomain), "not routed at"),
        (
            LaneRoute(_lookup, "/campaigns", frozenset({b"domain", b"showAllLocales"}), GetCampaignByDomain),
            "showAllLocales",
        ),
        (LaneRoute(_lookup, "/campaigns", frozenset({b"domain"}), GetCampaign), "asks for 0 GetCampaign"),
    ],
    ids=["path", "query parameter", "use case"],
)
def test_a_route_the_lane_no_longer_reads_alike_stops_the_start(lane_route: LaneRoute, named: str) -> None:
    with pytest.raises(ImproperlyConfiguredException, match=named):
        service_name(_api(_lookup), lane_route)
