"""What every controller shares: the authenticated request type, error documentation, headers."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec

from campaigns.application.errors import VersionMismatch
from campaigns.application.read_models import CampaignView
from campaigns.domain.permissions import Principal
from campaigns.entrypoints.http.problems import error_responses
from campaigns.entrypoints.http.rendering import RenderedCampaigns

AuthedRequest = Request[Principal, Any, State]

READ_ERRORS = error_responses(400, 401, 403, 404)
QUERY_ERRORS = error_responses(400, 401)
SUPREME_ERRORS = error_responses(400, 401, 403)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 412, 413)
CAMPAIGN_OK = {200: ResponseSpec(data_container=CampaignView, generate_examples=False, description="The campaign.")}


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


def if_match(request: AuthedRequest) -> int | None:
    """The version named by `If-Match` (`"3"`, `W/"3"` or `3`); `*` or no header means any."""
    raw = request.headers.get("if-match")
    if raw is None or raw.strip() == "*":
        return None
    try:
        return int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError as error:
        raise VersionMismatch("If-Match must name a campaign version, as the ETag gives it.") from error
