"""The campaign repository over MongoDB: compare-and-set writes, keyset paging of the due campaigns, the list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING

from campaigns.adapters.mongo.collection import Documents, UniqueKey
from campaigns.adapters.mongo.documents import (
    CAMPAIGNS,
    EARLIEST,
    EPOCH,
    MILLISECOND,
    REWRITE_BATCH,
    Doc,
    as_document,
    contains,
    epoch_millis,
    new_key,
    object_id,
    object_ids,
    value_at,
)
from campaigns.adapters.mongo.transactions import translate_driver_errors
from campaigns.application.errors import ConcurrentUpdate
from campaigns.application.ports.store import CampaignRepository
from campaigns.application.queries import CampaignPage, CampaignQuery, GuardedUpdate, SortDirection
from campaigns.application.search_text import campaign_search_text
from campaigns.domain.campaign import Campaign
from campaigns.domain.errors import DomainAlreadyClaimed
from campaigns.domain.lifecycle import next_transition_at

DUE_MILLIS = "nextTransitionMs"
"""A campaign's next scheduled transition, in milliseconds since the epoch (ADR 0008): what the due query ranges on."""
LEGACY_DUE = "nextTransitionAt"
"""The same instant as a BSON date, in documents written before `nextTransitionMs`; `db init` replaces it."""


CAMPAIGN_SITE = UniqueKey(CAMPAIGNS, "domain_site_unique", ("domain.site",), DomainAlreadyClaimed, only_strings=True)


def _campaign_document(campaign: Campaign) -> Doc:
    return as_document(
        new_key(campaign.id),
        campaign,
        **{DUE_MILLIS: epoch_millis(due) if (due := next_transition_at(campaign)) is not None else None},
        searchText=campaign_search_text(campaign),
    )


def _campaign_filter(query: CampaignQuery) -> Doc:
    conditions: Doc = {}
    if query.text:
        conditions |= contains(query.text)
    conditions |= {field.value: value for field, value in query.exact_filters().items()}
    if query.readable_ids is not None:
        conditions["_id"] = {"$in": object_ids(query.readable_ids)}
    return conditions


@translate_driver_errors
class MongoCampaignRepository(Documents[Campaign], CampaignRepository):
    _kind = Campaign
    _derived = frozenset({DUE_MILLIS, LEGACY_DUE, "searchText"})

    async def get(self, campaign_id: str) -> Campaign | None:
        return await self._by_id(campaign_id)

    async def get_by_site(self, site: str) -> Campaign | None:
        return await self._find_one({"domain.site": site})

    async def add(self, campaign: Campaign) -> None:
        await self._collection.insert(_campaign_document(campaign))

    async def update(self, campaign: Campaign) -> None:
        """Compare-and-set on id, version and status, checked first in the transaction, then by the write's filter."""
        document = _campaign_document(campaign)
        current, held = await self._collection.current_and_holder(document, ["version", "status"])
        if current is None or current.get("version") != campaign.version - 1:
            raise ConcurrentUpdate
        if held:
            raise DomainAlreadyClaimed
        cas = {"_id": document["_id"], "version": campaign.version - 1, "status": current["status"]}
        if not await self._collection.replace(cas, document):
            raise ConcurrentUpdate

    async def update_many(self, updates: Sequence[GuardedUpdate]) -> set[str]:
        """One read of the stored versions and statuses, then one `bulk_write` of compare-and-set replacements.

        In the unit of work's transaction: a campaign another transaction changes meanwhile is a write
        conflict on a replica set, which aborts the transaction (ConcurrentUpdate: run it again). A
        replacement whose filter matched nothing (the stand-in, which does not isolate transactions)
        is the same: this write cannot tell which one missed.
        """
        if not updates:
            return set()
        documents = [(update, _campaign_document(update.campaign)) for update in updates]
        found = await self._collection.find(
            {"_id": {"$in": [document["_id"] for _, document in documents]}},
            fields=["_id", "version", "status", "domain"],
            by_key=True,
        )
        stored = {doc["_id"]: doc for doc in found}
        fresh = [
            (update, document)
            for update, document in documents
            if (current := stored.get(document["_id"])) is not None
            and (current.get("version"), current.get("status"))
            == (update.campaign.version - 1, update.expected_status.value)
        ]
        for update, document in fresh:
            claimed = update.campaign.site
            if claimed and claimed != value_at(stored[document["_id"]], "domain.site"):
                _, held = await self._collection.current_and_holder(document)
                if held:
                    raise DomainAlreadyClaimed
        replacements = [
            (
                {
                    "_id": document["_id"],
                    "version": update.campaign.version - 1,
                    "status": update.expected_status.value,
                },
                document,
            )
            for update, document in fresh
        ]
        if await self._collection.replace_each(replacements) != len(replacements):
            raise ConcurrentUpdate
        return {update.campaign.id for update, _ in fresh}

    async def find_due(self, now: dt.datetime, *, after: tuple[dt.datetime, str] | None, limit: int) -> list[Campaign]:
        """Keyset paging on the `nextTransitionMs` index: integer ranges on it alone, no `$or`, no condition on `_id`.

        The stand-in answers a range from its index only when the bounds are numbers (a range on a date,
        `$or`, or a condition on `_id` next to another one, it answers by reading the whole collection: ADR 0008).
        Past `after`, the range starts at its millisecond, and the campaigns up to it in (due instant, id)
        order (the previous page's last ones, already returned) are dropped here.
        """
        order = [(DUE_MILLIS, ASCENDING), ("_id", ASCENDING)]
        until = epoch_millis(now)
        if after is None:
            return await self._find({DUE_MILLIS: {"$lte": until}}, sort=order, limit=limit)
        at, last_id = after
        cursor = (at, object_id(last_id) or ObjectId("0" * 24))
        kept: list[Doc] = []
        skip = 0
        while len(kept) < limit:
            batch = await self._collection.find(
                {DUE_MILLIS: {"$gte": epoch_millis(at), "$lte": until}}, sort=order, skip=skip, limit=limit
            )
            kept.extend(doc for doc in batch if (EPOCH + doc[DUE_MILLIS] * MILLISECOND, doc["_id"]) > cursor)
            if len(batch) < limit:
                break
            skip += len(batch)
        return [self._decoded(doc) for doc in kept[:limit]]

    async def add_due_millis(self) -> int:
        """Rewrite the documents still carrying `nextTransitionAt` in today's shape (`nextTransitionMs`); how many.

        `campaigns db init` runs it before it creates the `nextTransitionMs` index, so a store with that
        index has no such document left (unless a process of the previous release wrote one since: run
        `db init` again once none runs). Each document is replaced whole, on its `_id` and `version`: one
        a writer changed meanwhile was rewritten by that writer. No event is emitted: nothing changed.
        """
        ids = [doc["_id"] for doc in await self._collection.find({LEGACY_DUE: {"$gte": EARLIEST}}, fields=["_id"])]
        rewritten = 0
        for start in range(0, len(ids), REWRITE_BATCH):
            found = await self._collection.find({"_id": {"$in": ids[start : start + REWRITE_BATCH]}}, by_key=True)
            rewritten += await self._collection.replace_each(
                [
                    ({"_id": doc["_id"], "version": doc["version"]}, _campaign_document(self._decoded(doc)))
                    for doc in found
                ]
            )
        return rewritten

    async def search(self, query: CampaignQuery) -> CampaignPage:
        conditions = _campaign_filter(query)
        direction = DESCENDING if query.direction is SortDirection.DESC else ASCENDING
        campaigns = await self._find(
            conditions,
            sort=[(query.sort_by.value, direction), ("_id", direction)],
            skip=query.page * query.page_size,
            limit=query.page_size,
        )
        if query.readable_ids is None:
            total = await self._collection.count(conditions)
        else:  # at most that many: count their ids (the stand-in's count_documents never matches an ObjectId)
            total = len(await self._collection.find(conditions, fields=["_id"]))
        return CampaignPage(campaigns=campaigns, total=total)

    async def get_many(self, campaign_ids: Sequence[str]) -> list[Campaign]:
        return await self._find({"_id": {"$in": object_ids(campaign_ids)}}, by_key=True)

    async def ids(self) -> list[str]:
        """Every campaign's id (for `db init`)."""
        return [str(doc["_id"]) for doc in await self._collection.find({}, fields=["_id"], by_key=True)]

    async def ping(self) -> None:
        await self._collection.ping()
