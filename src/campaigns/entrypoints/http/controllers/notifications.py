"""Market notification routes: presales coming up, reminders due, and recording both (supreme users only)."""

from __future__ import annotations

from inspect import getdoc
from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency

from campaigns.application.read_models import market_view
from campaigns.application.use_cases.list_notifiable_markets import ListNotifiableMarkets
from campaigns.application.use_cases.list_upcoming_markets import ListUpcomingMarkets
from campaigns.application.use_cases.mark_markets_notified import MarkMarketsNotified
from campaigns.application.use_cases.schedule_market_notifications import ScheduleMarketNotifications
from campaigns.domain.campaign import Instant
from campaigns.domain.commands import Input
from campaigns.domain.market import Market
from campaigns.entrypoints.http import examples
from campaigns.entrypoints.http.controllers.common import AuthedRequest
from campaigns.entrypoints.http.controllers.markets import MarketListView
from campaigns.entrypoints.http.examples import json_body

MARKET_BODY = {"body_error_code": "INVALID_MARKET_SCHEMA"}


class MarkNotifiedInput(Input):
    marketIds: list[str]  # noqa: N815 - legacy field name


class ScheduleNotificationInput(Input):
    marketIds: list[str]  # noqa: N815 - legacy field name
    notificationDate: Instant  # noqa: N815 - legacy field name


def _market_list(markets: list[Market]) -> MarketListView:
    """The legacy `{markets}` envelope, each market rendered as the market routes render it."""
    return MarketListView(markets=[market_view(market) for market in markets])


class NotificationController(Controller):
    path = "/markets"
    tags = ["notifications"]

    @get(
        "/upcoming",
        operation_id="listUpcomingMarkets",
        summary="Markets whose presale starts in the next day",
        description=getdoc(ListUpcomingMarkets),
    )
    async def upcoming(
        self, request: AuthedRequest, list_upcoming_markets: NamedDependency[ListUpcomingMarkets]
    ) -> MarketListView:
        return _market_list(await list_upcoming_markets.execute(request.user))

    @post(
        "/notifyDate",
        operation_id="scheduleMarketNotifications",
        summary="Set the notification date of markets",
        description=getdoc(ScheduleMarketNotifications),
        status_code=200,
        opt=MARKET_BODY,
    )
    async def notify_date(
        self,
        request: AuthedRequest,
        schedule_market_notifications: NamedDependency[ScheduleMarketNotifications],
        data: Annotated[ScheduleNotificationInput, json_body(examples.SCHEDULE_NOTIFICATIONS, "Notify one market")],
    ) -> MarketListView:
        markets = await schedule_market_notifications.execute(request.user, data.marketIds, data.notificationDate)
        return _market_list(markets)

    @get(
        "/notifiable",
        operation_id="listNotifiableMarkets",
        summary="Markets due for their notification",
        description=getdoc(ListNotifiableMarkets),
    )
    async def notifiable(
        self, request: AuthedRequest, list_notifiable_markets: NamedDependency[ListNotifiableMarkets]
    ) -> MarketListView:
        return _market_list(await list_notifiable_markets.execute(request.user))

    @post(
        "/notified",
        operation_id="markMarketsNotified",
        summary="Mark markets as notified",
        description=getdoc(MarkMarketsNotified),
        status_code=200,
        opt=MARKET_BODY,
    )
    async def notified(
        self,
        request: AuthedRequest,
        mark_markets_notified: NamedDependency[MarkMarketsNotified],
        data: Annotated[MarkNotifiedInput, json_body(examples.MARK_NOTIFIED, "One market notified")],
    ) -> MarketListView:
        return _market_list(await mark_markets_notified.execute(request.user, data.marketIds))
