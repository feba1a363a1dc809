"""Promoter routes: the supreme-only list, create, update and delete."""

from __future__ import annotations

from inspect import getdoc
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from msgspec import UNSET, UnsetType

from campaigns.application.use_cases.create_promoter import CreatePromoter
from campaigns.application.use_cases.delete_promoter import DeletePromoter
from campaigns.application.use_cases.list_promoters import ListPromoters
from campaigns.application.use_cases.update_promoter import UpdatePromoter
from campaigns.domain.commands import Input
from campaigns.domain.promoter import PrivacyUrl, Promoter
from campaigns.domain.validation import INVALID_PROMOTER_SCHEMA
from campaigns.entrypoints.http import examples
from campaigns.entrypoints.http.controllers.common import AuthedRequest, document, location_header
from campaigns.entrypoints.http.examples import json_body

BODY_ERRORS = {"body_error_code": INVALID_PROMOTER_SCHEMA}


class PromoterInput(Input):
    """A promoter body: complete for a create, partial for an update (`privacyUrls` replaces the list)."""

    name: str | UnsetType = UNSET
    privacyUrls: list[PrivacyUrl] | UnsetType = UNSET  # noqa: N815 - legacy field name
    id: str | UnsetType = UNSET
    date: dict[str, Any] | UnsetType = UNSET
    """`id` and `date` may be echoed back from a read; the service sets them and ignores these."""


class PromoterListView(msgspec.Struct, kw_only=True):
    promoters: list[Promoter]


class PromoterController(Controller):
    path = "/promoters"
    tags = ["promoters"]

    @get(
        "/",
        operation_id="listPromoters",
        summary="List promoters",
        description=getdoc(ListPromoters),
    )
    async def list_promoters(
        self, request: AuthedRequest, list_promoters: NamedDependency[ListPromoters]
    ) -> PromoterListView:
        return PromoterListView(promoters=await list_promoters.execute(request.user))

    @post(
        "/",
        operation_id="createPromoter",
        summary="Create a promoter",
        description=getdoc(CreatePromoter),
        opt=BODY_ERRORS,
        response_headers=location_header("/promoters/5f1b2c3d4e5f6a7b8c9d0e1f"),
        response_description="The promoter created; `Location` is its path.",
    )
    async def create(
        self,
        request: AuthedRequest,
        create_promoter: NamedDependency[CreatePromoter],
        data: Annotated[PromoterInput, json_body(examples.PROMOTER, "A promoter with its privacy page")],
    ) -> Response[Promoter]:
        promoter = await create_promoter.execute(request.user, document(data))
        return Response(promoter, status_code=201, headers={"Location": f"/promoters/{promoter.id}"})

    @post(
        "/{promoter_id:str}",
        operation_id="updatePromoter",
        summary="Update a promoter",
        description=getdoc(UpdatePromoter),
        status_code=200,
        opt=BODY_ERRORS,
    )
    async def update(
        self,
        request: AuthedRequest,
        update_promoter: NamedDependency[UpdatePromoter],
        promoter_id: FromPath[str],
        data: Annotated[PromoterInput, json_body(examples.PROMOTER_UPDATE, "Rename")],
    ) -> Promoter:
        return await update_promoter.execute(request.user, promoter_id, document(data))

    @delete(
        "/{promoter_id:str}",
        operation_id="deletePromoter",
        summary="Delete a promoter",
        description=getdoc(DeletePromoter),
    )
    async def remove(
        self, request: AuthedRequest, delete_promoter: NamedDependency[DeletePromoter], promoter_id: FromPath[str]
    ) -> None:
        await delete_promoter.execute(request.user, promoter_id)
