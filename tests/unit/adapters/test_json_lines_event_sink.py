"""The JSON-lines sink: one catalogue envelope per line, and a torn last line cut off before the next append."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from campaigns.adapters.local.json_lines_event_sink import JsonLinesEventSink
from campaigns.application.event_catalogue import ROUTES, encode
from campaigns.application.outbox import OutboxEntry
from campaigns.domain.campaign import Status
from campaigns.domain.events import CampaignCreated

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def entry(n: int) -> OutboxEntry:
    event = CampaignCreated(occurred_at=NOW, campaign_id=f"{n:024x}", status=Status.DRAFT)
    return OutboxEntry(id=f"{n + 100:024x}", sequence=n, event=event)


async def test_each_entry_is_its_catalogue_envelope_on_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "events" / "events.jsonl"
    sink = JsonLinesEventSink(path, route=ROUTES["json-lines"])

    assert await sink.deliver([entry(1), entry(2)]) == []
    assert await sink.deliver([entry(3)]) == []

    assert path.read_bytes() == b"".join(encode(entry(n)) + b"\n" for n in (1, 2, 3))


async def test_a_torn_last_line_left_by_a_killed_writer_is_cut_before_appending(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    whole = encode(entry(1)) + b"\n"
    path.write_bytes(whole + encode(entry(2))[:40])

    await JsonLinesEventSink(path, route=ROUTES["json-lines"]).deliver([entry(2)])

    assert [json.loads(line)["id"] for line in path.read_text().splitlines()] == [entry(1).id, entry(2).id]


async def test_a_file_holding_only_a_torn_line_is_emptied_first(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(encode(entry(1))[:10])

    await JsonLinesEventSink(path, route=ROUTES["json-lines"]).deliver([entry(1)])

    assert path.read_bytes() == encode(entry(1)) + b"\n"
