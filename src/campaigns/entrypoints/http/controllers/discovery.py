"""Ticketmaster Discovery search: artists (attractions) and venues, for filling campaigns and markets."""

from __future__ import annotations

from inspect import getdoc
from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from campaigns.application.ports import ArtistSummary, DiscoveryPage, VenueSummary
from campaigns.application.use_cases.search_artists import SearchArtists
from campaigns.application.use_cases.search_venues import SearchVenues
from campaigns.entrypoints.http.controllers.common import Pagination

Text = Annotated[str, QueryParameter(min_length=1, max_length=200, description="Name, or part of one, to search for.")]
Page = Annotated[int, QueryParameter(ge=0, le=1_000_000, description="Counts from 0.")]
PageSize = Annotated[int, QueryParameter(name="pageSize", ge=1, le=100)]


class ArtistListView(msgspec.Struct, kw_only=True):
    artists: list[ArtistSummary]
    pagination: Pagination


class VenueListView(msgspec.Struct, kw_only=True):
    venues: list[VenueSummary]
    pagination: Pagination


def _search_route(operation_id: str, summary: str, use_case: type) -> dict[str, Any]:
    """The OpenAPI facts both searches state alike: id, summary and the rules of the search."""
    return {
        "operation_id": operation_id,
        "summary": summary,
        "description": getdoc(use_case),
    }


def _pagination(page: int, page_size: int, found: DiscoveryPage[Any]) -> Pagination:
    return Pagination(page=page, pageSize=page_size, total=found.total)


class DiscoveryController(Controller):
    tags = ["discovery"]

    @get("/artists", **_search_route("searchArtists", "Search Ticketmaster artists", SearchArtists))
    async def artists(
        self, search_artists: NamedDependency[SearchArtists], q: Text, page: Page = 0, page_size: PageSize = 10
    ) -> ArtistListView:
        found = await search_artists.execute(q, page=page, page_size=page_size)
        return ArtistListView(artists=found.items, pagination=_pagination(page, page_size, found))

    @get("/venues", **_search_route("searchVenues", "Search Ticketmaster venues", SearchVenues))
    async def venues(
        self, search_venues: NamedDependency[SearchVenues], q: Text, page: Page = 0, page_size: PageSize = 10
    ) -> VenueListView:
        found = await search_venues.execute(q, page=page, page_size=page_size)
        return VenueListView(venues=found.items, pagination=_pagination(page, page_size, found))
