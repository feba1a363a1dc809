"""The password rule of the lookup by domain, with a counting verifier and a scripted limiter.

What is checked here is what the use case decides: when it hashes (never twice for a verified pair
within the cache TTL, always after a password change), that every guess is counted before its hash
and a right one given back, and that a limited caller is refused before anything is hashed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from typing import Any

import pytest

from campaigns.adapters.local.clock import FixedClock
from campaigns.adapters.local.tiered_campaign_cache import TieredCampaignCache
from campaigns.adapters.redis.attempt_limiter import LimitsAttemptLimiter
from campaigns.application.errors import CampaignNotFound, TooManyAttempts
from campaigns.application.ports.security import AttemptLimiter
from campaigns.application.ports.store import UnitOfWork
from campaigns.application.use_cases.create_campaign import CreateCampaign
from campaigns.application.use_cases.get_campaign_by_domain import DomainLookup, GetCampaignByDomain
from campaigns.application.use_cases.update_campaign import UpdateCampaign
from campaigns.domain.campaign import Campaign
from campaigns.domain.errors import InvalidCampaignPassword
from campaigns.domain.permissions import Action, Principal, password_matches
from tests.commands import command
from tests.fakes.in_memory import (
    CountingPasswordVerifier,
    InMemoryCampaignCache,
    InMemoryStore,
    InMemoryStoreReader,
    InMemoryUnitOfWork,
    SequentialIdFactory,
)

NOW = dt.datetime(2030, 1, 15, 12, 0, tzinfo=dt.UTC)
TTL_SECONDS = 2.0
SUPREME = Principal(user_id="root", supreme=True)
FAN = Principal(user_id="fan")
SITE = "secret-site"


class ScriptedLimiter(AttemptLimiter):
    """Counts attempts per (caller, target) and refuses from the `limit`-th one on (no window: tests move no time)."""

    def __init__(self, limit: int = 10) -> None:
        self.limit = limit
        self.attempts: dict[tuple[str, str], int] = {}

    async def retry_after(self, caller: str, target: str) -> int | None:
        return 42 if self.attempts.get((caller, target), 0) >= self.limit else None

    async def acquire(self, caller: str, target: str) -> int | None:
        if (wait := await self.retry_after(caller, target)) is None:
            self.attempts[caller, target] = self.attempts.get((caller, target), 0) + 1
        return wait

    async def give_back(self, caller: str, target: str) -> None:
        self.attempts[caller, target] -= 1
        if not self.attempts[caller, target]:
            del self.attempts[caller, target]


@dataclasses.dataclass
class Lookup:
    store: InMemoryStore
    clock: FixedClock
    verifier: CountingPasswordVerifier
    limiter: ScriptedLimiter
    ids: SequentialIdFactory
    cache: InMemoryCampaignCache
    use_case: GetCampaignByDomain

    def uow(self) -> UnitOfWork:
        return InMemoryUnitOfWork(self.store, self.ids)

    async def open_protected(self, password: str, site: str = SITE) -> Campaign:
        body: dict[str, Any] = {
            "name": "Presale",
            "identifier": "presale-2030",
            "artist": {"id": "K8vZ917Gku7", "name": "Artist"},
            "tour": {"name": "Tour"},
            "domain": {"site": site},
            "locales": [{"id": "en", "is_default": True}],
            "password": password,
        }
        created = await CreateCampaign(uow=self.uow, clock=self.clock, ids=self.ids).execute(SUPREME, command(body))
        return await self.update(created.id, {"status": "OPEN"})

    async def update(self, campaign_id: str, patch: dict[str, Any]) -> Campaign:
        update = UpdateCampaign(uow=self.uow, clock=self.clock, ids=self.ids, cache=self.cache)
        return await update.execute(SUPREME, campaign_id, command(patch))

    async def get(self, password: str | None, principal: Principal = FAN) -> Campaign:
        return await self.use_case.execute(principal, DomainLookup(site=SITE, password=password))


@pytest.fixture
def lookup() -> Lookup:
    store, clock, ids, cache = InMemoryStore(), FixedClock(NOW), SequentialIdFactory(), InMemoryCampaignCache()
    verifier, limiter = CountingPasswordVerifier(), ScriptedLimiter()
    use_case = GetCampaignByDomain(
        reads=InMemoryStoreReader(store),
        cache=cache,
        verifier=verifier,
        limiter=limiter,
        clock=clock,
        verified_ttl_seconds=TTL_SECONDS,
    )
    return Lookup(store, clock, verifier, limiter, ids, cache, use_case)


async def test_a_verified_pair_is_not_hashed_again_within_the_ttl(lookup: Lookup) -> None:
    campaign = await lookup.open_protected("letmein")

    first = await lookup.get("letmein")
    lookup.clock.advance(dt.timedelta(seconds=TTL_SECONDS - 0.1))
    second = await lookup.get("letmein")

    assert first.id == second.id == campaign.id
    assert lookup.verifier.checks == 1


async def test_a_verified_pair_is_hashed_again_once_the_ttl_is_over(lookup: Lookup) -> None:
    await lookup.open_protected("letmein")
    await lookup.get("letmein")

    lookup.clock.advance(dt.timedelta(seconds=TTL_SECONDS))
    await lookup.get("letmein")

    assert lookup.verifier.checks == 2


async def test_a_pair_in_use_stays_remembered(lookup: Lookup) -> None:
    """The TTL runs from the last use: a popular pair is not hashed again every TTL (a herd of waits)."""
    await lookup.open_protected("letmein")

    for _ in range(5):
        await lookup.get("letmein")
        lookup.clock.advance(dt.timedelta(seconds=TTL_SECONDS * 0.9))

    assert lookup.verifier.checks == 1


async def test_concurrent_checks_of_one_pair_share_one_hash(lookup: Lookup) -> None:
    campaign = await lookup.open_protected("letmein")

    found = await asyncio.gather(*(lookup.get("letmein") for _ in range(5)))
    refused = await asyncio.gather(*(lookup.get("guess") for _ in range(3)), return_exceptions=True)

    assert {c.id for c in found} == {campaign.id}
    assert all(isinstance(error, InvalidCampaignPassword) for error in refused), refused
    assert lookup.verifier.checks == 2
    assert lookup.limiter.attempts == {("fan", SITE): 3}  # each wrong request is a guess, however few hashes


async def test_a_password_change_is_checked_afresh(lookup: Lookup) -> None:
    campaign = await lookup.open_protected("letmein")
    await lookup.get("letmein")

    await lookup.update(campaign.id, {"password": "n3w-one"})

    with pytest.raises(InvalidCampaignPassword):
        await lookup.get("letmein")
    assert (await lookup.get("n3w-one")).id == campaign.id
    assert lookup.verifier.checks == 3
    await lookup.update(campaign.id, {"password": "letmein"})  # back to the first one: a new salt, a new hash
    await lookup.get("letmein")
    assert lookup.verifier.checks == 4


async def test_wrong_passwords_are_hashed_each_time_and_counted_for_the_caller_and_domain(lookup: Lookup) -> None:
    await lookup.open_protected("letmein")

    for _ in range(3):
        with pytest.raises(InvalidCampaignPassword):
            await lookup.get("guess")

    assert lookup.verifier.checks == 3
    assert lookup.limiter.attempts == {("fan", SITE): 3}


async def test_no_password_is_no_guess(lookup: Lookup) -> None:
    await lookup.open_protected("letmein")

    for missing in (None, ""):
        with pytest.raises(InvalidCampaignPassword):
            await lookup.get(missing)

    assert lookup.verifier.checks == 0
    assert lookup.limiter.attempts == {}


async def test_right_passwords_give_their_attempt_back(lookup: Lookup) -> None:
    await lookup.open_protected("letmein")

    for _ in range(3):
        await lookup.get("letmein")
        lookup.clock.advance(dt.timedelta(seconds=TTL_SECONDS))

    assert lookup.verifier.checks == 3
    assert lookup.limiter.attempts == {}


async def test_a_limited_caller_is_refused_before_anything_is_hashed_even_with_the_right_password(
    lookup: Lookup,
) -> None:
    await lookup.open_protected("letmein")
    await lookup.get("letmein")  # remembered: the memo must not bypass the limit either
    lookup.limiter.attempts[("fan", SITE)] = lookup.limiter.limit
    checks = lookup.verifier.checks

    for password in ("letmein", "guess"):
        with pytest.raises(TooManyAttempts) as raised:
            await lookup.get(password)
        assert raised.value.retry_after == 42
    assert lookup.verifier.checks == checks
    assert lookup.limiter.attempts == {("fan", SITE): lookup.limiter.limit}


class GatedVerifier(CountingPasswordVerifier):
    """Counts hashes and holds each one until `gate` opens, so every request of a burst is in flight at once."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()

    async def matches(self, stored_hash: str, password: str) -> bool:
        self.checks += 1
        await self.gate.wait()
        return password_matches(stored_hash, password)


def with_limiter(lookup: Lookup, verifier: CountingPasswordVerifier, limiter: AttemptLimiter) -> GetCampaignByDomain:
    return GetCampaignByDomain(
        reads=InMemoryStoreReader(lookup.store),
        cache=lookup.cache,
        verifier=verifier,
        limiter=limiter,
        clock=lookup.clock,
        verified_ttl_seconds=TTL_SECONDS,
    )


async def test_a_hundred_concurrent_wrong_guesses_get_ten_hashes(lookup: Lookup) -> None:
    """Every guess takes its attempt before the hash: the 90 past the limit are refused unhashed.

    The hashes are held until each request is either hashing or answered, so all 100 are in flight
    at once (were the attempt counted after the hash, all 100 would be hashed).
    """
    await lookup.open_protected("letmein")
    verifier = GatedVerifier()
    use_case = with_limiter(lookup, verifier, LimitsAttemptLimiter(attempts=10, window_seconds=60))
    guesses = [
        asyncio.ensure_future(use_case.execute(FAN, DomainLookup(site=SITE, password=f"guess-{n}"))) for n in range(100)
    ]

    for _ in range(10_000):
        if verifier.checks + sum(guess.done() for guess in guesses) == len(guesses):
            break
        await asyncio.sleep(0)
    verifier.gate.set()
    answers = await asyncio.gather(*guesses, return_exceptions=True)

    assert verifier.checks == 10
    assert sum(isinstance(answer, InvalidCampaignPassword) for answer in answers) == 10
    assert sum(isinstance(answer, TooManyAttempts) for answer in answers) == 90


async def test_a_fans_right_tries_never_use_up_the_limit(lookup: Lookup) -> None:
    """Nine typos, then the right password hashed again and again (each past the memo's TTL): all accepted."""
    campaign = await lookup.open_protected("letmein")
    use_case = with_limiter(lookup, lookup.verifier, LimitsAttemptLimiter(attempts=10, window_seconds=60))
    for n in range(9):
        with pytest.raises(InvalidCampaignPassword):
            await use_case.execute(FAN, DomainLookup(site=SITE, password=f"typo-{n}"))

    for _ in range(20):
        found = await use_case.execute(FAN, DomainLookup(site=SITE, password="letmein"))
        assert found.id == campaign.id
        lookup.clock.advance(dt.timedelta(seconds=TTL_SECONDS))
    with pytest.raises(InvalidCampaignPassword):
        await use_case.execute(FAN, DomainLookup(site=SITE, password="typo-10"))
    with pytest.raises(TooManyAttempts):
        await use_case.execute(FAN, DomainLookup(site=SITE, password="letmein"))

    assert lookup.verifier.checks == 9 + 20 + 1


async def test_readers_need_no_password_and_nothing_is_hashed(lookup: Lookup) -> None:
    campaign = await lookup.open_protected("letmein")
    reader = Principal(user_id="fan", grants={campaign.id: frozenset({Action.READ})})

    assert (await lookup.get(None, reader)).id == campaign.id
    assert (await lookup.get("anything", reader)).id == campaign.id
    assert lookup.verifier.checks == 0


async def test_a_hidden_campaign_is_not_found_before_any_password_is_checked(lookup: Lookup) -> None:
    campaign = await lookup.open_protected("letmein")
    await lookup.update(campaign.id, {"status": "CLOSED"})
    await lookup.update(campaign.id, {"status": "INACTIVE"})

    with pytest.raises(CampaignNotFound):
        await lookup.get("letmein")
    assert lookup.verifier.checks == 0


async def test_the_memo_is_bounded(lookup: Lookup) -> None:
    """With room for one pair, verifying another domain's password pushes the first out: it is hashed again."""
    await lookup.open_protected("letmein")
    await lookup.open_protected("letmein", site="other-site")
    small = GetCampaignByDomain(
        reads=InMemoryStoreReader(lookup.store),
        cache=lookup.cache,
        verifier=lookup.verifier,
        limiter=lookup.limiter,
        clock=lookup.clock,
        verified_ttl_seconds=TTL_SECONDS,
        max_verified=1,
    )
    first, other = DomainLookup(site=SITE, password="letmein"), DomainLookup(site="other-site", password="letmein")

    await small.execute(FAN, first)
    await small.execute(FAN, first)
    assert lookup.verifier.checks == 1
    await small.execute(FAN, other)
    await small.execute(FAN, first)

    assert lookup.verifier.checks == 3


# --------------------------------------------------------------------------- the fast lane's cached answer


class CountingCache(InMemoryCampaignCache):
    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    async def get_by_site(self, site: str) -> Campaign | None:
        self.asked.append(site)
        return await super().get_by_site(site)


async def test_the_cached_answer_asks_no_password_and_counts_nothing(lookup: Lookup) -> None:
    """`cached` gives a protected campaign to its readers only; to a fan it is None (the lookup asks a password)."""
    campaign = await lookup.open_protected("letmein")
    await lookup.cache.put(campaign)
    reader = Principal(user_id="reader", grants={campaign.id: frozenset({Action.READ})})

    assert await lookup.use_case.cached(FAN, SITE) is None
    assert await lookup.use_case.cached(reader, SITE) == campaign
    assert await lookup.use_case.cached(FAN, "unknown-site") is None
    assert (lookup.verifier.checks, lookup.limiter.attempts) == (0, {})
    with pytest.raises(InvalidCampaignPassword):
        await lookup.get(None)


async def test_the_cached_answer_reads_the_nearest_cache_only(lookup: Lookup) -> None:
    """A campaign only a farther tier (Redis) holds is no cached answer, and that tier is not asked."""
    campaign = await lookup.update((await lookup.open_protected("letmein")).id, {"password": None})
    nearest, farther = CountingCache(), CountingCache()
    await farther.put(campaign)
    use_case = GetCampaignByDomain(
        reads=InMemoryStoreReader(lookup.store),
        cache=TieredCampaignCache(nearest, farther),
        nearest_cache=nearest,
        verifier=lookup.verifier,
        limiter=lookup.limiter,
        clock=lookup.clock,
        verified_ttl_seconds=TTL_SECONDS,
    )

    assert await use_case.cached(FAN, SITE) is None
    assert (nearest.asked, farther.asked) == ([SITE], [])
    assert await use_case.execute(FAN, DomainLookup(site=SITE)) == campaign  # the full lookup asks both tiers
    assert await use_case.cached(FAN, SITE) == campaign  # and keeps the hit in the nearest
