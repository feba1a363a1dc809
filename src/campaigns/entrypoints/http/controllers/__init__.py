"""One controller per resource; `ROUTE_HANDLERS` is what the app mounts."""

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

ROUTE_HANDLERS: list[ControllerRouterHandler] = [
    SystemController,
    CampaignController,
    CampaignContentController,
    MarketController,
    DiscoveryController,
    PromoterController,
    ContactController,
    NotificationController,
    EventStatusController,
]
