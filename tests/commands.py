"""Campaign bodies as the HTTP edge hands them to the use cases: decoded once, strictly."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from campaigns.domain.campaign_commands import CampaignInput


def command(body: Mapping[str, Any]) -> CampaignInput:
    """`body` sent as JSON and decoded as the create and update routes decode it (unknown fields refused)."""
    return msgspec.json.decode(msgspec.json.encode(body), type=CampaignInput)
