"""What a store is asked for and answers with when it lists or guards campaigns."""

from __future__ import annotations

import enum

import msgspec

from campaigns.domain.campaign import Campaign, CampaignType, Status


class SortDirection(enum.StrEnum):
    ASC = "asc"
    DESC = "desc"


class CampaignSort(enum.StrEnum):
    CREATED = "date.created"
    UPDATED = "date.updated"
    NAME = "name"
    STATUS = "status"
    OPEN = "date.open"
    CLOSE = "date.close"


class CampaignFilter(enum.StrEnum):
    """A field the list matches exactly, named by its path in the campaign document (as `CampaignSort` is)."""

    TYPE = "type"
    SCHEMA_VERSION = "schema.version"
    ARTIST = "artist.id"
    STATUS = "status"


class CampaignQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Filters of the campaign list; `readable_ids` None means no restriction (supreme)."""

    text: str | None = None
    type: CampaignType | None = None
    schema_version: str | None = None
    artist_id: str | None = None
    status: Status | None = None
    readable_ids: frozenset[str] | None = None
    sort_by: CampaignSort = CampaignSort.CREATED
    direction: SortDirection = SortDirection.DESC
    page: int = 0
    page_size: int = 10

    def exact_filters(self) -> dict[CampaignFilter, str]:
        """The fields set among the exact-match filters, each with the value a campaign must hold there (as text).

        One list for every store, so a filter added here reaches all of them.
        """
        wanted = {
            CampaignFilter.TYPE: self.type,
            CampaignFilter.SCHEMA_VERSION: self.schema_version,
            CampaignFilter.ARTIST: self.artist_id,
            CampaignFilter.STATUS: self.status,
        }
        return {field: str(value) for field, value in wanted.items() if value is not None}


class CampaignPage(msgspec.Struct, frozen=True, kw_only=True):
    campaigns: list[Campaign]
    total: int


class GuardedUpdate(msgspec.Struct, frozen=True, kw_only=True):
    """A compare-and-set write of one campaign.

    `campaign` replaces the stored campaign only while that one is still at `expected_status` and
    at version `campaign.version - 1`.
    """

    campaign: Campaign
    expected_status: Status
