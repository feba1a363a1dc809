"""Reading the outbox in tests."""

from __future__ import annotations

from campaigns.application.event_catalogue import EVENT_TYPES
from campaigns.application.outbox import SinkRoute

EVERY_EVENT = SinkRoute(name="test-inspection", event_types=EVENT_TYPES)
"""A sink that takes every type and never acknowledges: its pending entries are the whole outbox."""
