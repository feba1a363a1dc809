"""Campaign public documents in Redis: written by an outbox sink, read back by the lookup by domain.

Keys: `campaign:id:<id>` and `campaign:domain:<site>`, each holding the exact bytes the API answers
for `GET /campaigns/{id}?showAllLocales=true` (`read_models.public_document`), so other services
`GET` either key and read the document as the API serves it. The document carries its own `id`,
`version` and `domain.site`, which the write script compares; nothing else is stored beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from campaigns.adapters.redis.cache_invalidations import CHANNEL, invalidation_message
from campaigns.adapters.redis.connections import REDIS_ERRORS, UNAVAILABLE, RedisHealth
from campaigns.application.caching import CampaignChange
from campaigns.application.errors import DependencyUnavailable
from campaigns.application.outbox import OutboxEntry, Rejection, SinkRoute
from campaigns.application.ports.caches import CampaignCache
from campaigns.application.ports.outbox import EventSink
from campaigns.application.ports.store import StoreReader
from campaigns.application.read_models import campaign_from_public_document, public_document
from campaigns.domain.campaign import Campaign
from campaigns.domain.events import CampaignDomainReleased, CampaignEvent, CampaignUpdated

ID_PREFIX = "campaign:id:"
DOMAIN_PREFIX = "campaign:domain:"

GONE_VERSION = 2**53
"""The version a vanished campaign is removed at: above any version it ever had."""


def id_key(campaign_id: str) -> str:
    return f"{ID_PREFIX}{campaign_id}"


def domain_key(site: str) -> str:
    return f"{DOMAIN_PREFIX}{site}"


WRITE_SCRIPT = """
-- KEYS[1] campaign:id:<id>; KEYS[2] campaign:domain:<site> when ARGV[4] == '1';
-- later KEYS: domain keys the campaign may have held before (removed if they still hold its document).
-- ARGV: id, version, document ('' when the campaign is gone), has-domain flag.
-- A document never moves backwards: nothing is written when the stored one has a greater version.
local id, version, document = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local current_key = nil
if ARGV[4] == '1' then current_key = KEYS[2] end

local function decoded(raw)
  if not raw then return nil end
  local ok, value = pcall(cjson.decode, raw)
  if ok and type(value) == 'table' then return value end
  return nil
end

local function site_of(doc)
  if doc and type(doc.domain) == 'table' and type(doc.domain.site) == 'string' then return doc.domain.site end
  return nil
end

local stored = decoded(redis.call('GET', KEYS[1]))
if stored and tonumber(stored.version) and tonumber(stored.version) > version then return 0 end

local stale = {}
for i = (current_key and 3 or 2), #KEYS do stale[#stale + 1] = KEYS[i] end
local previous_site = site_of(stored)
if previous_site then stale[#stale + 1] = 'campaign:domain:' .. previous_site end
for _, key in ipairs(stale) do
  if key ~= current_key then
    local held = decoded(redis.call('GET', key))
    if held and held.id == id and (tonumber(held.version) or 0) <= version then redis.call('DEL', key) end
  end
end

if document == '' then
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('SET', KEYS[1], document)
if current_key then redis.call('SET', current_key, document) end
return 1
"""


class RedisCampaignDocumentsSink(EventSink):
    """Keeps each changed campaign's current public document in Redis (the events of `route`).

    - Whatever the event says, the document written is the campaign as the store has it now, so a
      redelivered or late event can only write the present; the script refuses a version older
      than the one stored (two relays racing), and an equal one rewrites the same bytes.
    - A campaign that left a domain (released, moved, deactivated) loses that domain's key, but only
      while the key still holds its own document: a site another campaign took is left alone.
    - A campaign the store no longer has loses both keys.
    - One store read per campaign, then one pipeline for the whole batch. Redis unreachable:
      DependencyUnavailable, and the relay retries the batch. Nothing is ever rejected.
    """

    def __init__(self, client: Redis, reads: StoreReader, *, route: SinkRoute) -> None:
        self.route = route
        self._client = client
        self._reads = reads
        self._write: AsyncScript = client.register_script(WRITE_SCRIPT)

    async def deliver(self, entries: Sequence[OutboxEntry]) -> list[Rejection]:
        left: dict[str, list[str]] = {}
        for entry in entries:
            if isinstance(event := entry.event, CampaignEvent):
                sites = left.setdefault(event.campaign_id, [])
                sites.extend(site for site in _sites_named(event) if site not in sites)
        if not left:
            return []
        documents = [
            (campaign_id, await self._reads.campaigns.get(campaign_id), sites) for campaign_id, sites in left.items()
        ]
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for campaign_id, campaign, sites in documents:
                    keys, args = _write_arguments(campaign_id, campaign, sites)
                    await self._write(keys=keys, args=args, client=pipe)
                await pipe.execute()
        except REDIS_ERRORS as error:
            raise DependencyUnavailable(f"Redis did not take the campaign documents: {error}") from error
        return []


def _sites_named(event: CampaignEvent) -> list[str]:
    named = [event.domain_site]
    if isinstance(event, CampaignUpdated):
        named.append(event.previous_domain_site)
    if isinstance(event, CampaignDomainReleased):
        named.append(event.released_site)
    return [site for site in named if site]


def _write_arguments(
    campaign_id: str, campaign: Campaign | None, sites: Sequence[str]
) -> tuple[list[str], list[str | int | bytes]]:
    site = campaign.site if campaign is not None else None
    keys = [id_key(campaign_id), *((domain_key(site),) if site else ()), *(domain_key(s) for s in sites if s != site)]
    if campaign is None:
        return keys, [campaign_id, GONE_VERSION, b"", "0"]
    return keys, [campaign_id, campaign.version, public_document(campaign), "1" if site else "0"]


class RedisCampaignDocuments(CampaignCache):
    """The lookup by domain's read of `campaign:domain:<site>`, from the replica the client points at.

    - A hit is the campaign rebuilt from its public document; a document of a campaign with a
      password is a miss (its hash is not in the document), as is one that no longer names `site`.
    - Redis failing is a miss too, never an error: the lookup then reads the store. The outage is
      logged when it starts and ends, each lookup it sends to the store calls `on_degraded` (a
      counter), and Redis is tried again only once `RedisHealth`'s retry interval has passed.
    - `put` does nothing: the documents sink alone writes these keys. `evict`, called after a
      commit, deletes the domain keys on the primary, so no lookup answers the previous document
      while the sink has yet to write the new one (a lookup misses and reads the store instead),
      then publishes the changes to every process's `CacheInvalidationListener`. Best effort: with
      Redis down there is nothing to delete from, the sink catches up, and the other processes'
      copies expire with the cache TTL.
    """

    def __init__(self, client: Redis, *, primary: Redis, health: RedisHealth, on_degraded: Callable[[], None]) -> None:
        self._client = client
        self._primary = primary
        self._health = health
        self._on_degraded = on_degraded

    async def get_by_site(self, site: str) -> Campaign | None:
        raw = await self._health.call(lambda: self._client.get(domain_key(site)))
        if raw is UNAVAILABLE:
            self._on_degraded()
            return None
        if not isinstance(raw, bytes):
            return None
        campaign = campaign_from_public_document(raw)
        return campaign if campaign is not None and campaign.site == site else None

    async def put(self, campaign: Campaign) -> None:  # noqa: ARG002 - written by the sink only
        return None

    async def evict(self, changes: Sequence[CampaignChange]) -> None:
        if changes:
            await self._health.call(lambda: self._delete_and_publish(changes))

    async def _delete_and_publish(self, changes: Sequence[CampaignChange]) -> None:
        """One round trip, in this order: replicas and listeners see the deletion before the message."""
        keys = [domain_key(site) for change in changes for site in change.sites]
        async with self._primary.pipeline(transaction=False) as pipe:
            # a pipeline's commands queue and return the pipeline: nothing to await until `execute`
            if keys:
                _ = pipe.delete(*keys)
            _ = pipe.publish(CHANNEL, invalidation_message(changes))
            await pipe.execute()
