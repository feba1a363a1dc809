"""The store's unit of work: one multi-document transaction, its outbox entries numbered per aggregate in it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from types import TracebackType
from typing import Self

import msgspec
from bson import ObjectId
from pymongo import UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import PyMongoError
from pymongo.read_preferences import Primary

from campaigns.adapters.mongo.collection import SessionSlot, primary
from campaigns.adapters.mongo.database import MongoDatabase
from campaigns.adapters.mongo.documents import OUTBOX, OUTBOX_STREAMS, Doc
from campaigns.adapters.mongo.outbox import UNNUMBERED
from campaigns.adapters.mongo.repositories import mongo_repositories
from campaigns.adapters.mongo.transactions import (
    TRANSACTION,
    UNCONFIRMED_COMMIT,
    UNKNOWN_COMMIT_RESULT,
    translate_driver_errors,
)
from campaigns.application.errors import DependencyUnavailable
from campaigns.application.outbox import StagedOutbox
from campaigns.application.ports.store import UnitOfWork
from campaigns.application.ports.system import IdFactory
from campaigns.domain.events import AnyEvent

COMMIT_ATTEMPTS = 3
"""Commits of one transaction while the driver cannot tell whether it committed; then DependencyUnavailable."""


@translate_driver_errors
class MongoUnitOfWork(UnitOfWork):
    """One transaction in its own session; `commit()` writes the staged outbox entries in it, then commits.

    MongoDB's retry rules: a commit the driver cannot confirm (`UnknownTransactionCommitResult`) is sent again,
    which the server answers with the outcome of the first one, up to `COMMIT_ATTEMPTS`, then DependencyUnavailable;
    a transaction the server aborted (`TransientTransactionError`) is TransactionAborted, and the use case runs
    again (`reruns_aborted_transactions`).
    """

    def __init__(self, db: MongoDatabase, ids: IdFactory) -> None:
        self._db = db
        self._ids = ids
        self._slot = SessionSlot()
        self.campaigns, self.markets, self.promoters, self.contacts, self.event_statuses, self.event_maps = (
            mongo_repositories(db.database, self._slot, lists=Primary(), read_only=False)
        )
        self.outbox = StagedOutbox()

    def _session(self) -> AsyncClientSession:
        if self._slot.session is None:
            raise RuntimeError("The unit of work is not open; use it in `async with`.")
        return self._slot.session

    async def __aenter__(self) -> Self:
        await self._db.lock.acquire()
        session: AsyncClientSession | None = None
        try:
            session = self._db.client.start_session()
            await session.start_transaction(**TRANSACTION)
        except BaseException:
            if session is not None:
                await session.end_session()
            self._db.lock.release()
            raise
        self._slot.session = session
        self.outbox.staged.clear()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        session, self._slot.session = self._slot.session, None
        try:
            if session is not None:
                await session.end_session()  # aborts the transaction in progress, if any
        finally:
            self._db.lock.release()

    async def commit(self) -> None:
        session = self._session()
        if self.outbox.staged:
            await primary(self._db.database, OUTBOX).insert_many(
                await self._outbox_entries(session, self.outbox.staged), session=session
            )
        await _commit(session)
        self.outbox.staged.clear()
        await session.start_transaction(**TRANSACTION)

    async def _outbox_entries(self, session: AsyncClientSession, events: Sequence[AnyEvent]) -> list[Doc]:
        """The staged events as outbox documents, each numbered in its aggregate's stream, in the transaction.

        One stream document per aggregate: units of work on different aggregates write none in common, and two on
        one aggregate conflict on it, so its entries are numbered in commit order. The delivery sequence comes later.
        """
        streams = primary(self._db.database, OUTBOX_STREAMS)
        counts = Counter(event.aggregate_id for event in events)
        found = await streams.find({"_id": {"$in": sorted(counts)}}, session=session).to_list()
        last = {doc["_id"]: int(doc["last"]) for doc in found}
        await streams.bulk_write(
            [UpdateOne({"_id": key}, {"$inc": {"last": count}}, upsert=True) for key, count in counts.items()],
            session=session,
        )
        entries: list[Doc] = []
        for event in events:
            last[event.aggregate_id] = last.get(event.aggregate_id, 0) + 1
            entries.append(
                {
                    "_id": ObjectId(self._ids.new_id()),
                    "stage": UNNUMBERED,
                    "aggregateId": event.aggregate_id,
                    "streamSeq": last[event.aggregate_id],
                    "type": type(event).__struct_config__.tag,
                    "event": msgspec.to_builtins(event, builtin_types=(dt.datetime,)),
                    "occurredAt": event.occurred_at,
                }
            )
        return entries


async def _commit(session: AsyncClientSession) -> None:
    """Commit; while the driver cannot tell whether it did, ask again (the server answers with the first outcome)."""
    for _ in range(COMMIT_ATTEMPTS):
        try:
            await session.commit_transaction()
        except PyMongoError as error:
            if not error.has_error_label(UNKNOWN_COMMIT_RESULT):
                raise
            unknown = error
        else:
            return
    raise DependencyUnavailable(UNCONFIRMED_COMMIT) from unknown
