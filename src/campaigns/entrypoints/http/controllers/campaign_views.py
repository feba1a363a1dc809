"""The bodies the campaign routes answer besides a campaign itself: lists, statuses, lifecycle reports."""

from __future__ import annotations

import msgspec

from campaigns.application.queries import CampaignPage
from campaigns.application.read_models import CampaignView, localized_view
from campaigns.application.use_cases.refresh_lifecycle import RefreshReport
from campaigns.domain.campaign import Status, StatusChange
from campaigns.entrypoints.http.controllers.common import Pagination


class CampaignListView(msgspec.Struct, kw_only=True):
    campaigns: list[CampaignView]
    pagination: Pagination


class CampaignStatusView(msgspec.Struct, kw_only=True):
    id: str
    status: Status


class CampaignStatusHistoryView(msgspec.Struct, kw_only=True):
    id: str
    status: Status
    statusHistory: list[StatusChange]  # noqa: N815 - legacy field name


class RefreshedCampaign(msgspec.Struct, kw_only=True):
    id: str
    from_: Status = msgspec.field(name="from")
    to: Status
    domain: str | None


class RefreshView(msgspec.Struct, kw_only=True):
    opened: int
    closed: int
    deactivated: int
    dryRun: bool  # noqa: N815 - matches the query parameter
    campaigns: list[RefreshedCampaign]


def campaign_list_view(page: CampaignPage, page_number: int, page_size: int) -> CampaignListView:
    return CampaignListView(
        campaigns=[localized_view(c, None) for c in page.campaigns],
        pagination=Pagination(page=page_number, pageSize=page_size, total=page.total),
    )


def refresh_view(report: RefreshReport) -> RefreshView:
    return RefreshView(
        opened=report.opened,
        closed=report.closed,
        deactivated=report.deactivated,
        dryRun=report.dry_run,
        campaigns=[RefreshedCampaign(id=c.id, from_=c.from_, to=c.to, domain=c.domain) for c in report.campaigns],
    )
