"""Contacts: people a campaign can name, kept in one searchable directory."""

from __future__ import annotations

import msgspec
from msgspec import UNSET, UnsetType

from campaigns.domain.campaign import Document


class Contact(Document, frozen=True):
    id: str
    name: str
    email: str
    keyword: list[str] = []
    keywords: list[str] | UnsetType = UNSET
    """`keyword` as the directory stored it before it took the legacy's name: read as `keyword`, never written."""

    def __post_init__(self) -> None:
        if not isinstance(self.keywords, UnsetType):
            msgspec.structs.force_setattr(self, "keyword", self.keyword or self.keywords)
            msgspec.structs.force_setattr(self, "keywords", UNSET)
