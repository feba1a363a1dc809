"""The Discovery catalog of a deployment without an API key: every call says how to configure one."""

from __future__ import annotations

from typing import NoReturn

from campaigns.application.discovery import ArtistSummary, DiscoveryPage, VenueSummary
from campaigns.application.errors import DependencyUnavailable
from campaigns.application.ports.discovery import DiscoveryCatalog

NOT_CONFIGURED = (
    "Artist and venue search needs CAMPAIGNS_DISCOVERY_API_KEY (and optionally CAMPAIGNS_DISCOVERY_URL); it is not set."
)


class UnconfiguredDiscoveryCatalog(DiscoveryCatalog):
    """Stands in for Discovery so the embedded profile starts without a key and `/artists` answers 503, not 500.

    The arguments are unused on purpose: whatever is asked, the answer is the same.
    """

    async def search_artists(self, text: str, *, page: int, page_size: int) -> DiscoveryPage[ArtistSummary]:  # noqa: ARG002
        _not_configured()

    async def search_venues(self, text: str, *, page: int, page_size: int) -> DiscoveryPage[VenueSummary]:  # noqa: ARG002
        _not_configured()

    async def get_artist(self, artist_id: str) -> ArtistSummary | None:  # noqa: ARG002
        _not_configured()

    async def get_venue(self, venue_id: str) -> VenueSummary | None:  # noqa: ARG002
        _not_configured()


def _not_configured() -> NoReturn:
    raise DependencyUnavailable(NOT_CONFIGURED)
