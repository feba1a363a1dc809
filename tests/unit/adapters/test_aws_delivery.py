"""The AWS sinks' batching and re-send rules, on any records."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from campaigns.adapters.aws.delivery import BatchOutcome, Record, batches, to_resend
from campaigns.application.outbox import OutboxEntry
from campaigns.domain.events import CampaignEventIdsMapped

AT = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def record(n: int, key: str, size: int) -> Record:
    event = CampaignEventIdsMapped(occurred_at=AT, campaign_id=key, event_ids=[])
    return Record(entry=OutboxEntry(id=f"{n:024x}", sequence=n, event=event), key=key, payload=b"", size=size)


records = st.lists(st.tuples(st.sampled_from("abc"), st.integers(1, 100)), max_size=40).map(
    lambda items: [record(n, key, size) for n, (key, size) in enumerate(items)]
)


@given(records, st.integers(1, 7), st.integers(100, 300))
def test_batches_keep_the_order_and_both_limits_and_are_as_full_as_they_can_be(
    given_records: list[Record], max_count: int, max_bytes: int
) -> None:
    made = list(batches(given_records, max_count=max_count, max_bytes=max_bytes))

    assert [one for batch in made for one in batch] == given_records
    assert all(batch and len(batch) <= max_count and sum(r.size for r in batch) <= max_bytes for batch in made)
    for batch, following in itertools.pairwise(made):
        assert len(batch) == max_count or sum(r.size for r in batch) + following[0].size > max_bytes


@given(records, st.data())
def test_resend_from_each_keys_first_failure_on_never_a_refused_record(
    given_records: list[Record], data: st.DataObject
) -> None:
    indexes = st.sets(st.integers(0, max(len(given_records) - 1, 0))) if given_records else st.just(set[int]())
    failed = data.draw(indexes)
    refused = data.draw(indexes) - failed
    outcome = BatchOutcome(retry=dict.fromkeys(failed, "throttled"), refused=dict.fromkeys(refused, "too big"))

    again = to_resend(given_records, outcome)

    first_failure: dict[str, int] = {}
    for index in sorted(failed):
        first_failure.setdefault(given_records[index].key, index)
    expected = [
        one
        for index, one in enumerate(given_records)
        if index not in refused and one.key in first_failure and index >= first_failure[one.key]
    ]
    assert again == expected
