"""One controller per resource; the app mounts `PUBLIC_ROUTE_HANDLERS` and, behind a bearer token, `ROUTE_HANDLERS`."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from campaigns.entrypoints.http.controllers.campaign_content import CampaignContentController
from campaigns.entrypoints.http.controllers.campaigns import CampaignController
from campaigns.entrypoints.http.controllers.contacts import ContactController
from campaigns.entrypoints.http.controllers.discovery import DiscoveryController
from campaigns.entrypoints.http.controllers.events import EventStatusController
from campaigns.entrypoints.http.controllers.markets import MarketController
from campaigns.entrypoints.http.controllers.notifications import NotificationController
from campaigns.entrypoints.http.controllers.promoters import PromoterController
from campaigns.entrypoints.http.controllers.system import SystemController

PUBLIC_ROUTE_HANDLERS: list[ControllerRouterHandler] = [SystemController]
"""Operations anyone may call (`auth.PUBLIC_PATHS`); the document lists them without a security requirement."""

ROUTE_HANDLERS: list[ControllerRouterHandler] = [
    CampaignController,
    CampaignContentController,
    MarketController,
    DiscoveryController,
    PromoterController,
    ContactController,
    NotificationController,
    EventStatusController,
]
