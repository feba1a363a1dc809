"""Discovery's answers as the service uses them."""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec


class ArtistSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    discovery_id: str
    image_url: str | None = None


class VenueSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    city: str | None = None
    state: str | None = None
    country: str | None = None
    timezone: str | None = None


SummaryT = TypeVar("SummaryT", bound=msgspec.Struct)


class DiscoveryPage(msgspec.Struct, Generic[SummaryT], frozen=True, kw_only=True):
    """One page of a Discovery search; `total` counts every match, so clients can page on."""

    items: list[SummaryT]
    total: int
