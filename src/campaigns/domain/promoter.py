"""Promoters: who runs a market's shows, and the privacy policy fans must be shown per locale."""

from __future__ import annotations

from campaigns.domain.campaign import Document, RecordDates


class PrivacyUrl(Document, frozen=True):
    locale: str
    url: str
    is_default: bool | None = None


class Promoter(Document, frozen=True):
    id: str
    name: str
    privacyUrls: list[PrivacyUrl] = []  # noqa: N815 - legacy field name
    date: RecordDates = RecordDates()
