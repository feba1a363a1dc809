"""The in-process cache after committed changes: evicted, and never refilled with a previous version."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from campaigns.adapters.local.campaign_cache import InProcessCampaignCache
from campaigns.application.caching import CampaignChange, PreparedRead
from campaigns.domain.campaign import Campaign, CampaignDomain

ID = "a" * 24


def version(number: int, site: str = "site", campaign_id: str = ID) -> Campaign:
    return Campaign(id=campaign_id, name=f"v{number}", domain=CampaignDomain(site=site), version=number)


def change(number: int, *sites: str, campaign_id: str = ID) -> CampaignChange:
    return CampaignChange(id=campaign_id, version=number, sites=sites or ("site",))


def cache() -> InProcessCampaignCache:
    return InProcessCampaignCache(ttl_seconds=3600)


async def test_a_change_evicts_the_previous_version_at_every_site_it_names() -> None:
    cached = cache()
    await cached.put(version(1, "old"))
    await cached.put(version(1, "new"))

    await cached.evict([change(2, "old", "new")])

    assert (await cached.get_by_site("old"), await cached.get_by_site("new")) == (None, None)


async def test_a_read_that_began_before_the_change_cannot_put_the_previous_version_back() -> None:
    cached = cache()

    await cached.evict([change(2)])
    await cached.put(version(1))
    refused = await cached.get_by_site("site")
    await cached.put(version(2))

    assert refused is None
    assert await cached.get_by_site("site") == version(2)


async def test_a_late_change_keeps_an_entry_already_as_new_and_leaves_other_campaigns_floors_alone() -> None:
    cached = cache()
    await cached.put(version(3))
    await cached.put(version(1, "elsewhere", campaign_id="b" * 24))

    await cached.evict([change(2)])

    assert await cached.get_by_site("site") == version(3)
    assert await cached.get_by_site("elsewhere") == version(1, "elsewhere", campaign_id="b" * 24)


async def test_another_campaign_now_at_a_named_site_is_evicted_too() -> None:
    """The site changed hands: whatever is cached there may be what the change replaced."""
    cached = cache()
    await cached.put(version(7, campaign_id="b" * 24))

    await cached.evict([change(2)])

    assert await cached.get_by_site("site") is None


async def test_clear_forgets_the_entries_but_not_the_floors() -> None:
    cached = cache()
    await cached.evict([change(2)])
    await cached.put(version(2, "other"))

    cached.clear()
    await cached.put(version(1))

    assert (await cached.get_by_site("other"), await cached.get_by_site("site")) == (None, None)


async def test_floors_are_bounded_the_least_recently_changed_going_first() -> None:
    cached = InProcessCampaignCache(ttl_seconds=3600, max_entries=2)
    await cached.evict([change(5, campaign_id="1" * 24), change(5, campaign_id="2" * 24)])
    await cached.evict([change(6, campaign_id="1" * 24), change(5, campaign_id="3" * 24)])

    for campaign_id in ("1" * 24, "2" * 24, "3" * 24):
        await cached.put(version(4, campaign_id, campaign_id))

    kept = {site: await cached.get_by_site(site) is not None for site in ("1" * 24, "2" * 24, "3" * 24)}
    assert kept == {"1" * 24: False, "2" * 24: True, "3" * 24: False}


operations = st.lists(
    st.tuples(st.sampled_from(["put", "evict"]), st.integers(min_value=1, max_value=6), st.sampled_from(["a", "b"])),
    max_size=30,
)


@given(operations)
async def test_after_any_interleaving_no_version_older_than_the_last_change_is_answered(
    steps: list[tuple[str, int, str]],
) -> None:
    cached = cache()
    newest_change = 0
    for operation, number, site in steps:
        if operation == "put":
            await cached.put(version(number, site))
        else:
            await cached.evict([change(number, "a", "b")])
            newest_change = max(newest_change, number)
        for any_site in ("a", "b"):
            found = await cached.get_by_site(any_site)
            assert found is None or found.version >= newest_change


# --------------------------------------------------------------------------- prepared reads

OTHER = "b" * 24


def kept(cached: InProcessCampaignCache, key: str, *, campaign_id: str | None) -> PreparedRead[str]:
    answer = PreparedRead(key)
    cached.keep(key, answer, campaign_id=campaign_id, stamp=cached.stamp())
    return answer


async def test_a_change_drops_the_prepared_reads_of_its_campaign_and_those_following_the_event_mapping() -> None:
    cached = cache()
    kept(cached, "by id", campaign_id=ID)
    kept(cached, "markets", campaign_id=ID)
    other = kept(cached, "other by id", campaign_id=OTHER)
    kept(cached, "by event", campaign_id=None)

    await cached.evict([CampaignChange.of_markets(ID)])

    assert [cached.answer(key) for key in ("by id", "markets", "by event")] == [None, None, None]
    assert cached.answer("other by id") is other


async def test_a_read_that_began_before_a_change_keeps_nothing() -> None:
    cached = cache()
    stamp = cached.stamp()

    await cached.evict([CampaignChange.of_markets(OTHER)])  # committed while the read ran
    cached.keep("by id", PreparedRead("stale"), campaign_id=ID, stamp=stamp)

    assert cached.answer("by id") is None
    assert kept(cached, "by id", campaign_id=ID) is cached.answer("by id")  # a read begun afterwards is kept


async def test_clear_drops_every_prepared_read_and_what_was_being_read() -> None:
    cached = cache()
    kept(cached, "by id", campaign_id=ID)
    stamp = cached.stamp()

    cached.clear()
    cached.keep("markets", PreparedRead("read before"), campaign_id=ID, stamp=stamp)

    assert (cached.answer("by id"), cached.answer("markets")) == (None, None)


async def test_prepared_reads_expire_with_the_ttl_and_are_bounded() -> None:
    expired = InProcessCampaignCache(ttl_seconds=0)
    kept(expired, "by id", campaign_id=ID)
    assert expired.answer("by id") is None

    bounded = InProcessCampaignCache(ttl_seconds=3600, max_entries=2)
    for key in ("first", "second", "third"):
        kept(bounded, key, campaign_id=ID)
    assert [bounded.answer(key) is not None for key in ("first", "second", "third")] == [False, True, True]


def test_an_answer_is_encoded_once_per_key_and_keeps_a_bounded_few() -> None:
    answer = PreparedRead([1, 2])
    calls: list[str] = []

    def encode(key: str) -> bytes:
        calls.append(key)
        return key.encode()

    assert answer.encoded("json", lambda _: encode("json")) == answer.encoded("json", lambda _: encode("again"))
    assert calls == ["json"]
    for number in range(PreparedRead.MAX_ENCODINGS):
        answer.encoded(number, lambda _: encode("more"))
    answer.encoded("json", lambda _: encode("json"))
    assert calls.count("json") == 2  # the oldest went first
