"""What every controller shares: the authenticated request type, the campaign's headers, the supreme guard."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import ResponseHeader, State
from litestar.handlers import BaseRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter

from campaigns.application.errors import VersionMismatch
from campaigns.application.read_models import CampaignView
from campaigns.domain.permissions import Principal
from campaigns.entrypoints.http.rendering import RenderedCampaigns

AuthedRequest = Request[Principal, Any, State]

CAMPAIGN_OK = {200: ResponseSpec(data_container=CampaignView, generate_examples=False, description="The campaign.")}
"""The body of a campaign answer, documented apart: the handler returns it as a prepared response."""

IF_MATCH = "If-Match"
IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name=IF_MATCH,
        description='The campaign version the change is based on, as `ETag` gave it (`"3"`); '
        "when it is no longer current nothing is written (412 VERSION_MISMATCH). `*` or none: any version.",
    ),
]
CAMPAIGN_HEADERS = [
    ResponseHeader(
        name="ETag",
        value='"3"',
        documentation_only=True,
        required=True,
        description="The campaign's version; send it back in `If-Match` to change this version only.",
    ),
    ResponseHeader(
        name="Surrogate-Key",
        value="campaign-abc",
        documentation_only=True,
        required=True,
        description="The keys of the edge cache entries a change of this campaign purges.",
    ),
]


def location_header(example: str) -> list[ResponseHeader]:
    """The `Location` a create answers with: the path of what it created."""
    return [
        ResponseHeader(
            name="Location",
            value=example,
            documentation_only=True,
            required=True,
            description="The path of the resource created.",
        )
    ]


def supreme_only(connection: ASGIConnection[Any, Principal, Any, Any], _: BaseRouteHandler) -> None:
    """Route guard: supreme users only (403 SUPREME_USER_REQUIRED)."""
    connection.user.ensure_supreme()


class Pagination(msgspec.Struct, kw_only=True):
    page: int
    pageSize: int  # noqa: N815 - legacy field name
    total: int


def document(data: msgspec.Struct) -> dict[str, Any]:
    """A body (decoded strictly, `inputs.screen_input`) as the JSON mapping use cases take; absent stays absent."""
    built: dict[str, Any] = msgspec.to_builtins(data)
    return built


def rendered(request: AuthedRequest) -> RenderedCampaigns:
    """App state rather than a second dependency: Litestar resolves two or more concurrently, in a task group."""
    prepared: RenderedCampaigns = request.app.state.rendered_campaigns
    return prepared


def if_match(raw: str | None) -> int | None:
    """The version named by `If-Match` (`"3"`, `W/"3"` or `3`); `*` or no header means any."""
    if raw is None or raw.strip() == "*":
        return None
    try:
        return int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError as error:
        raise VersionMismatch("If-Match must name a campaign version, as the ETag gives it.") from error
