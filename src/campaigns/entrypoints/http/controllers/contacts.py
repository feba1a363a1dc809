"""The contact directory: supreme-only search over the contacts campaigns name."""

from __future__ import annotations

from inspect import getdoc
from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from campaigns.application.use_cases.search_contacts import SearchContacts
from campaigns.domain.contact import Contact
from campaigns.entrypoints.http.controllers.common import AuthedRequest, Pagination


class ContactListView(msgspec.Struct, kw_only=True):
    contacts: list[Contact]
    pagination: Pagination


class ContactController(Controller):
    path = "/contacts"
    tags = ["contacts"]

    @get(
        "/",
        operation_id="searchContacts",
        summary="Search the contact directory",
        description=getdoc(SearchContacts),
    )
    async def search(
        self,
        request: AuthedRequest,
        search_contacts: NamedDependency[SearchContacts],
        q: Annotated[str | None, QueryParameter(description="Part of a name, email or keyword.")] = None,
        page: Annotated[int, QueryParameter(ge=0, le=1_000_000, description="Counts from 0.")] = 0,
        page_size: Annotated[int, QueryParameter(name="pageSize", ge=1, le=100)] = 10,
    ) -> ContactListView:
        found = await search_contacts.execute(request.user, q, page=page, page_size=page_size)
        return ContactListView(
            contacts=found.contacts, pagination=Pagination(page=page, pageSize=page_size, total=found.total)
        )
