"""Market routes of a campaign: list (also as GeoJSON), create, clone, read, update, delete."""

from __future__ import annotations

from inspect import getdoc
from typing import Annotated, Any, Literal, cast

import msgspec
from litestar import Controller, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, QueryParameter
from litestar.types import ASGIApp

from campaigns.application.read_models import MarketView, market_view
from campaigns.application.use_cases.clone_markets import CloneMarkets
from campaigns.application.use_cases.create_market import CreateMarket
from campaigns.application.use_cases.delete_market import DeleteMarket
from campaigns.application.use_cases.get_market import GetMarket
from campaigns.application.use_cases.list_markets import ListMarkets, MarketList
from campaigns.application.use_cases.update_market import UpdateMarket
from campaigns.domain.commands import Input
from campaigns.domain.market import GeoPoint, Market
from campaigns.domain.market_writes import MarketInput
from campaigns.domain.validation import INVALID_MARKET_SCHEMA
from campaigns.entrypoints.http import examples
from campaigns.entrypoints.http.controllers.common import AuthedRequest, location_header
from campaigns.entrypoints.http.examples import json_body
from campaigns.entrypoints.http.rendering import PreparedResponse, prepared_json

MARKET_BODY = {"body_error_code": INVALID_MARKET_SCHEMA}
"""Route option: a body that cannot be decoded is a 400 INVALID_MARKET_SCHEMA naming the field."""


# --------------------------------------------------------------------------- request bodies


class CloneMarketsInput(Input):
    fromCampaignId: str  # noqa: N815 - legacy field name


# --------------------------------------------------------------------------- responses


class MarketListView(msgspec.Struct, kw_only=True):
    markets: list[MarketView]


class MarketFeature(msgspec.Struct, kw_only=True):
    type: Literal["Feature"]
    geometry: GeoPoint | None
    properties: MarketView


class MarketFeatureCollection(msgspec.Struct, kw_only=True):
    type: Literal["FeatureCollection"]
    features: list[MarketFeature]


class ClonedMarketsView(msgspec.Struct, kw_only=True):
    cloned: list[MarketView]


def feature_collection(markets: list[Market]) -> MarketFeatureCollection:
    """An RFC 7946 FeatureCollection, one Feature per market, in list order.

    A market without a `point` is kept, with `"geometry": null` (RFC 7946 §3.2 allows unlocated
    features), so the collection holds exactly the markets the plain list holds.
    """
    features = []
    for market in markets:
        view = market_view(market)
        features.append(MarketFeature(type="Feature", geometry=view.point, properties=view))
    return MarketFeatureCollection(type="FeatureCollection", features=features)


def markets_response(markets: MarketList, *, geo_json: bool) -> PreparedResponse:
    """The list route's answer, encoded once per form while the list is kept."""
    if geo_json:
        return markets.encoded("geojson", lambda found: prepared_json(feature_collection(found)))
    return markets.encoded(
        "list", lambda found: prepared_json(MarketListView(markets=[market_view(market) for market in found]))
    )


MARKETS_OK = {
    200: ResponseSpec(
        # Litestar documents a union as `oneOf`; its annotation asks for one type
        data_container=cast("type[Any]", MarketListView | MarketFeatureCollection),
        generate_examples=False,
        description="The markets (with `useGeoJson=true`, a GeoJSON FeatureCollection of them instead).",
    )
}


class MarketController(Controller):
    path = "/campaigns/{campaign_id:str}/markets"
    tags = ["markets"]

    @get(
        "/",
        operation_id="listCampaignMarkets",
        summary="List a campaign's markets",
        responses=MARKETS_OK,
        description=f"{getdoc(ListMarkets)}\n\n{getdoc(feature_collection)}",
    )
    async def list_markets(
        self,
        request: AuthedRequest,
        list_markets: NamedDependency[ListMarkets],
        campaign_id: FromPath[str],
        use_geo_json: Annotated[
            bool, QueryParameter(name="useGeoJson", description="`true` for a GeoJSON FeatureCollection.")
        ] = False,
    ) -> ASGIApp:
        """`{markets: [...]}`, or with `useGeoJson=true` a GeoJSON FeatureCollection of the same markets.

        Its hottest case never gets here: the fast lane (entrypoints/http/fast_lane.py) sends the same
        prepared response before Litestar; tests/integration/http/test_fast_lane.py compares the two.
        """
        markets = await list_markets.execute(request.user, campaign_id)
        return markets_response(markets, geo_json=use_geo_json)

    @post(
        "/",
        operation_id="createMarket",
        summary="Create a market in a campaign",
        description=getdoc(CreateMarket),
        status_code=201,
        opt=MARKET_BODY,
        response_headers=location_header("/campaigns/5f1b2c3d4e5f6a7b8c9d0e1f/markets/5f1b2c3d4e5f6a7b8c9d0e20"),
        response_description="The market created; `Location` is its path.",
    )
    async def create_market(
        self,
        request: AuthedRequest,
        create_market: NamedDependency[CreateMarket],
        campaign_id: FromPath[str],
        data: Annotated[MarketInput, json_body(examples.MARKET, "A market with its event")],
    ) -> Response[MarketView]:
        market = await create_market.execute(request.user, campaign_id, data)
        location = f"/campaigns/{market.campaign_id}/markets/{market.id}"
        return Response(market_view(market), status_code=201, headers={"Location": location})

    @post(
        "/clones",
        operation_id="cloneMarkets",
        summary="Copy a campaign's markets into another campaign",
        description=getdoc(CloneMarkets),
        status_code=200,
        opt=MARKET_BODY,
    )
    async def clone_markets(
        self,
        request: AuthedRequest,
        clone_markets: NamedDependency[CloneMarkets],
        campaign_id: FromPath[str],
        data: Annotated[CloneMarketsInput, json_body(examples.CLONE_MARKETS, "Copy from a campaign")],
    ) -> ClonedMarketsView:
        """The path names the target campaign, the body the source (the legacy answered 200)."""
        cloned = await clone_markets.execute(request.user, campaign_id, data.fromCampaignId)
        return ClonedMarketsView(cloned=[market_view(market) for market in cloned])

    @get(
        "/{market_id:str}",
        operation_id="getMarket",
        summary="Read a market",
        description=getdoc(GetMarket),
    )
    async def get_market(
        self,
        request: AuthedRequest,
        get_market: NamedDependency[GetMarket],
        campaign_id: FromPath[str],
        market_id: FromPath[str],
    ) -> MarketView:
        return market_view(await get_market.execute(request.user, campaign_id, market_id))

    @post(
        "/{market_id:str}",
        operation_id="updateMarket",
        summary="Update a market",
        description=getdoc(UpdateMarket),
        status_code=200,
        opt=MARKET_BODY,
    )
    async def update_market(
        self,
        request: AuthedRequest,
        update_market: NamedDependency[UpdateMarket],
        campaign_id: FromPath[str],
        market_id: FromPath[str],
        data: Annotated[MarketInput, json_body(examples.MARKET_UPDATE, "Change one field")],
    ) -> MarketView:
        return market_view(await update_market.execute(request.user, campaign_id, market_id, data))

    @delete(
        "/{market_id:str}",
        operation_id="deleteMarket",
        summary="Delete a market",
        description=getdoc(DeleteMarket),
        status_code=204,
    )
    async def delete_market(
        self,
        request: AuthedRequest,
        delete_market: NamedDependency[DeleteMarket],
        campaign_id: FromPath[str],
        market_id: FromPath[str],
    ) -> None:
        await delete_market.execute(request.user, campaign_id, market_id)
