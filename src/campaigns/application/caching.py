"""What the caches keep and are told: committed changes and prepared answers."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

import msgspec
from cachetools import FIFOCache

from campaigns.domain.campaign import Campaign


class CampaignChange(msgspec.Struct, frozen=True, kw_only=True):
    """A committed change of one campaign: any copy of it older than `version` is stale.

    `sites` are the domains it held before the change and holds after it (none, one or two).
    """

    id: str
    version: int
    sites: tuple[str, ...]

    @classmethod
    def of(cls, before: Campaign, after: Campaign) -> CampaignChange:
        return cls(
            id=after.id, version=after.version, sites=tuple(dict.fromkeys(s for s in (before.site, after.site) if s))
        )

    @classmethod
    def of_markets(cls, campaign_id: str) -> CampaignChange:
        """A committed change of a campaign's markets: its own document is unchanged, so no copy of it is stale."""
        return cls(id=campaign_id, version=0, sites=())


AnswerT = TypeVar("AnswerT")


EncodedT = TypeVar("EncodedT")


class PreparedRead(Generic[AnswerT]):
    """A read's answer as it was committed, and the encodings made of it so far: they leave a cache together.

    Encodings are keyed by what tells them apart (a locale view, a caller class); a few per answer
    are kept, the oldest going first.
    """

    __slots__ = ("_encodings", "value")
    MAX_ENCODINGS = 16

    def __init__(self, value: AnswerT) -> None:
        self.value = value
        self._encodings: FIFOCache[Hashable, Any] = FIFOCache(maxsize=self.MAX_ENCODINGS)

    def encoded(self, key: Hashable, encode: Callable[[AnswerT], EncodedT]) -> EncodedT:
        """`encode(value)`, made once per key while the answer is kept."""
        if (found := self._encodings.get(key)) is None:
            found = self._encodings[key] = encode(self.value)
        encoding: EncodedT = found
        return encoding
