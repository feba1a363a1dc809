"""Ticketmaster Discovery: artists (attractions) and venues, searched or read by id, to fill campaigns and markets."""

from __future__ import annotations

from inspect import getdoc
from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter

from campaigns.application.discovery import ArtistSummary, DiscoveryPage, VenueSummary
from campaigns.application.use_cases.get_artist import GetArtist
from campaigns.application.use_cases.get_venue import GetVenue
from campaigns.application.use_cases.search_artists import SearchArtists
from campaigns.application.use_cases.search_venues import SearchVenues
from campaigns.entrypoints.http.controllers.common import Pagination

Text = Annotated[str, QueryParameter(min_length=1, max_length=200, description="Name, or part of one, to search for.")]
Page = Annotated[int, QueryParameter(ge=0, le=1_000_000, description="Counts from 0.")]
PageSize = Annotated[int, QueryParameter(name="pageSize", ge=1, le=100)]
DiscoveryId = Annotated[
    str, PathParameter(min_length=1, max_length=100, description="Discovery's id, e.g. `K8vZ9175T17`.")
]


class ArtistListView(msgspec.Struct, kw_only=True):
    artists: list[ArtistSummary]
    pagination: Pagination


class VenueListView(msgspec.Struct, kw_only=True):
    venues: list[VenueSummary]
    pagination: Pagination


def _route(operation_id: str, summary: str, use_case: type) -> dict[str, Any]:
    """The OpenAPI facts every Discovery route states alike: id, summary and the rules of the use case."""
    return {"operation_id": operation_id, "summary": summary, "description": getdoc(use_case)}


def _pagination(page: int, page_size: int, found: DiscoveryPage[Any]) -> Pagination:
    return Pagination(page=page, pageSize=page_size, total=found.total)


class DiscoveryController(Controller):
    tags = ["discovery"]

    @get("/artists", **_route("searchArtists", "Search Ticketmaster artists", SearchArtists))
    async def artists(
        self, search_artists: NamedDependency[SearchArtists], q: Text, page: Page = 0, page_size: PageSize = 10
    ) -> ArtistListView:
        found = await search_artists.execute(q, page=page, page_size=page_size)
        return ArtistListView(artists=found.items, pagination=_pagination(page, page_size, found))

    @get("/venues", **_route("searchVenues", "Search Ticketmaster venues", SearchVenues))
    async def venues(
        self, search_venues: NamedDependency[SearchVenues], q: Text, page: Page = 0, page_size: PageSize = 10
    ) -> VenueListView:
        found = await search_venues.execute(q, page=page, page_size=page_size)
        return VenueListView(venues=found.items, pagination=_pagination(page, page_size, found))

    @get("/artists/{discovery_id:str}", **_route("getArtist", "Read a Ticketmaster artist", GetArtist))
    async def artist(self, get_artist: NamedDependency[GetArtist], discovery_id: DiscoveryId) -> ArtistSummary:
        return await get_artist.execute(discovery_id)

    @get("/venues/{discovery_id:str}", **_route("getVenue", "Read a Ticketmaster venue", GetVenue))
    async def venue(self, get_venue: NamedDependency[GetVenue], discovery_id: DiscoveryId) -> VenueSummary:
        return await get_venue.execute(discovery_id)
