"""The fan-facing lookup of a campaign by its domain."""

from __future__ import annotations

import asyncio
import hashlib

import msgspec
from cachetools import TTLCache

from campaigns.application.errors import CampaignNotFound, TooManyAttempts
from campaigns.application.ports.caches import CampaignCache
from campaigns.application.ports.security import AttemptLimiter, PasswordVerifier
from campaigns.application.ports.store import StoreReader
from campaigns.application.ports.system import Clock
from campaigns.domain.campaign import Campaign
from campaigns.domain.errors import InvalidCampaignPassword
from campaigns.domain.permissions import Principal, password_hash_to_match, visible_by_domain


class DomainLookup(msgspec.Struct, frozen=True, kw_only=True):
    site: str
    password: str | None = None


class GetCampaignByDomain:
    """Find the campaign a registration site shows.

    - Any valid token may ask; OPEN and CLOSED campaigns are shown to everyone, other statuses
      only to callers who may read the campaign. To anyone else such a campaign is CAMPAIGN_NOT_FOUND,
      exactly as an unknown domain is: its existence does not leak.
    - A campaign with a password also needs the matching `password` from callers without read
      access (INVALID_CAMPAIGN_PASSWORD; readers need none). The status lookup follows the same rules.
    - The hash never runs on the event loop (the PasswordVerifier port); a verified (domain,
      password) pair is remembered for the cache TTL from its last use, keyed by the stored hash
      too, so a changed password is checked afresh (a pair once verified against a stored hash
      stays verified: the check is deterministic, the TTL only bounds what is kept). The memo is
      bounded, the least recently used pair going first; concurrent checks of one pair share one hash.
    - Guesses are limited per caller (`userId`) and domain (the AttemptLimiter port): a password
      that needs hashing takes one of the caller's attempts before it is hashed, so concurrent
      guesses cannot outrun the limit (10 in 60 s: never more hashes of wrong guesses than that). A
      right password gives its attempt back, so a fan's own right tries never lock them out; a wrong
      one keeps it. At the limit, every password that caller sends for that domain is
      TOO_MANY_ATTEMPTS (with the seconds to wait) until the window frees, the right one and a
      remembered one too, so the limit is no oracle. A request without a password is no guess (401
      at once, nothing hashed or counted); a request cancelled while its hash runs keeps its attempt.
    - Reads go through the campaign cache first (this is the service's hottest path), and
      concurrent misses for one site share one store read. `cached` answers from the nearest
      cache tier alone, for the HTTP fast lane (ADR 0014).
    """

    def __init__(
        self,
        *,
        reads: StoreReader,
        cache: CampaignCache,
        verifier: PasswordVerifier,
        limiter: AttemptLimiter,
        clock: Clock,
        verified_ttl_seconds: float,
        max_verified: int = 10_000,
        nearest_cache: CampaignCache | None = None,
    ) -> None:
        self._reads = reads
        self._cache = cache
        self._nearest = nearest_cache or cache
        self._loads: dict[str, asyncio.Future[Campaign | None]] = {}
        self._verifier = verifier
        self._limiter = limiter
        self._verified: TTLCache[tuple[str, bytes], bool] = TTLCache(
            maxsize=max_verified, ttl=verified_ttl_seconds, timer=lambda: clock.now().timestamp()
        )
        self._verifying: dict[tuple[str, bytes], asyncio.Future[bool]] = {}

    async def execute(self, principal: Principal, lookup: DomainLookup) -> Campaign:
        return await self.visible(principal, lookup.site, lookup.password)

    async def status(self, principal: Principal, site: str, password: str | None = None) -> Campaign:
        """The campaign behind `site` for a status check: the same rules as the lookup."""
        return await self.visible(principal, site, password)

    async def visible(self, principal: Principal, site: str, password: str | None) -> Campaign:
        """The campaign at `site` if this caller may see it (status, then password), else an error."""
        campaign = await self.find(site)
        if not visible_by_domain(principal, campaign):
            raise CampaignNotFound
        if (stored := password_hash_to_match(principal, campaign)) is not None:
            await self._check_password(principal.actor, campaign.site or site, stored, password)
        return campaign

    async def cached(self, principal: Principal, site: str) -> Campaign | None:
        """The campaign at `site` when the nearest cache holds it and `visible(principal, site, None)` would return it.

        None otherwise (not in that cache, hidden from this caller, or a password asked of them):
        `visible` then gives the answer. Only `nearest_cache` is asked (the in-process tier of a tiered
        cache): nothing is read from Redis or the store, hashed or counted here, so the full lookup
        that follows a None repeats no read and counts nothing twice.
        """
        campaign = await self._nearest.get_by_site(site)
        if campaign is None or not visible_by_domain(principal, campaign):
            return None
        return campaign if password_hash_to_match(principal, campaign) is None else None

    async def _check_password(self, caller: str, site: str, stored: str, password: str | None) -> None:
        if not password:
            raise InvalidCampaignPassword
        key = (site, _fingerprint(stored, password))
        if self._remembered(key):
            wait = await self._limiter.retry_after(caller, site)
        elif (wait := await self._limiter.acquire(caller, site)) is None:
            if not await asyncio.shield(self._verify_once(key, stored, password)):
                raise InvalidCampaignPassword
            await self._limiter.give_back(caller, site)
        if wait is not None:
            raise TooManyAttempts(wait, "Too many wrong passwords for this campaign; try again later.")
        self._remember(key)

    def _remembered(self, key: tuple[str, bytes]) -> bool:
        return key in self._verified

    def _remember(self, key: tuple[str, bytes]) -> None:
        """Remembered for the TTL from now, as the most recently used pair (the least recently used goes when full)."""
        self._verified[key] = True

    def _verify_once(self, key: tuple[str, bytes], stored: str, password: str) -> asyncio.Future[bool]:
        """One hash per pair at a time: the requests that arrive while it runs wait for the same answer."""
        if (pending := self._verifying.get(key)) is None:
            pending = self._verifying[key] = asyncio.ensure_future(self._verifier.matches(stored, password))
            pending.add_done_callback(lambda _: self._verifying.pop(key, None))
        return pending

    async def find(self, site: str) -> Campaign:
        campaign = await self._cache.get_by_site(site)
        if campaign is None:
            campaign = await asyncio.shield(self._load_once(site))
        if campaign is None:
            raise CampaignNotFound
        return campaign

    def _load_once(self, site: str) -> asyncio.Future[Campaign | None]:
        """One store read per site at a time.

        When a cached entry expires under load, the concurrent requests for it share a single
        read instead of queueing one each behind the store's lock.
        """
        if (pending := self._loads.get(site)) is None:
            pending = self._loads[site] = asyncio.ensure_future(self._load(site))
            pending.add_done_callback(lambda _: self._loads.pop(site, None))
        return pending

    async def _load(self, site: str) -> Campaign | None:
        campaign = await self._reads.campaigns.get_by_site(site)
        if campaign is not None:
            await self._cache.put(campaign)
        return campaign


def _fingerprint(stored: str, password: str) -> bytes:
    """What the memo keeps of a verified password: a digest tied to the stored hash, not the password."""
    return hashlib.sha256(f"{stored}\0{password}".encode()).digest()
