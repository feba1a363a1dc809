"""One collection as a repository uses it: its session, its read preference, and the unique key it guards."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Generic

from pymongo import ASCENDING, IndexModel, ReplaceOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError
from pymongo.read_preferences import Primary, _ServerMode

from campaigns.adapters.mongo.documents import Doc, T, decoded, object_id, value_at
from campaigns.application.errors import ConcurrentUpdate
from campaigns.domain.errors import CampaignError

_DUPLICATE_KEY = 11000


@dataclasses.dataclass(frozen=True)
class UniqueKey:
    """A unique index that stands for a business rule, and the domain error a duplicate of it is."""

    collection: str
    name: str
    fields: tuple[str, ...]
    error: Callable[[], CampaignError]
    only_strings: bool = False
    """Index only documents whose (single) key is a string: many campaigns hold no domain."""

    def index(self) -> IndexModel:
        options: Doc = {"unique": True, "name": self.name}
        if self.only_strings:
            options["partialFilterExpression"] = {self.fields[0]: {"$type": "string"}}
        return IndexModel([(field, ASCENDING) for field in self.fields], **options)

    def of(self, document: Mapping[str, Any]) -> Doc | None:
        """The filter finding holders of `document`'s key, or None when the key is not set (nothing to hold)."""
        values = {field: value_at(document, field) for field in self.fields}
        if any(value is None for value in values.values()):
            return None
        return values

    def is_violated_by(self, error: DuplicateKeyError) -> bool:
        details = error.details or {}
        if (pattern := details.get("keyPattern")) is not None:
            return tuple(pattern) == self.fields
        # The stand-in sends no keyPattern and names its own index, `idx_<collection>_<fields>`, not ours.
        own_name = "_".join((f"idx_{self.collection}", *(field.replace(".", "_") for field in self.fields)))
        message = str(details.get("errmsg", error))
        return f"'{own_name}'" in message or f" {self.name} " in message


@contextlib.contextmanager
def unique_key_errors(key: UniqueKey | None) -> Iterator[None]:
    """A DuplicateKeyError on `key`'s index as its domain error; any other duplicate (an `_id`) stays a bug."""
    try:
        yield
    except DuplicateKeyError as error:
        if key is None or not key.is_violated_by(error):
            raise
        raise key.error() from error


class SessionSlot:
    """The session of the unit of work in progress, read at each call (None outside one, and for readers)."""

    session: AsyncClientSession | None = None


class MongoCollection:
    """One collection as a repository uses it, in the unit of work's session (none for a reader).

    Reads by key go to the primary, lists to the list read preference. The unique key is checked before
    each write: the check (one indexed read in the transaction) raises the domain error while the transaction is still
    usable; a duplicate key from the server would abort it. The index still decides races between
    processes, and its DuplicateKeyError maps to the same error.
    """

    def __init__(
        self,
        database: AsyncDatabase[Doc],
        name: str,
        slot: SessionSlot,
        *,
        lists: _ServerMode,
        unique: UniqueKey | None = None,
        read_only: bool = False,
    ) -> None:
        collection: AsyncCollection[Doc] = database[name]
        self._by_key = collection.with_options(read_preference=Primary())
        self._lists = collection.with_options(read_preference=lists)
        self._slot = slot
        self._database = database
        self.unique = unique
        self._read_only = read_only

    @property
    def _session(self) -> AsyncClientSession | None:
        return self._slot.session

    async def ping(self) -> None:
        await self._database.command("ping")

    async def find_one(self, query: Doc) -> Doc | None:
        return await self._by_key.find_one(query, session=self._session)

    async def find(
        self,
        query: Doc,
        *,
        sort: Sequence[tuple[str, int]] = (("_id", ASCENDING),),
        skip: int = 0,
        limit: int = 0,
        fields: Sequence[str] | None = None,
        by_key: bool = False,
    ) -> list[Doc]:
        """Documents in `sort` order; `fields` projects top-level fields only (the stand-in flattens nested ones)."""
        collection = self._by_key if by_key else self._lists
        cursor = collection.find(query, fields, sort=list(sort), skip=skip, limit=limit, session=self._session)
        return await cursor.to_list()

    async def count(self, query: Doc) -> int:
        return await self._lists.count_documents(query, session=self._session)

    async def current_and_holder(self, document: Doc, fields: Sequence[str] = ()) -> tuple[Doc | None, bool]:
        """The stored version of `document` (`fields` of it) and whether another document holds its unique key.

        Two indexed reads rather than one `$or`, which the stand-in answers with a scan of the collection.
        """
        stored = await self.find({"_id": document["_id"]}, fields=[*fields, "_id"], limit=1, by_key=True)
        key = self.unique.of(document) if self.unique else None
        holders = await self.find(key, fields=["_id"], limit=2, by_key=True) if key else []
        return (stored[0] if stored else None), any(doc["_id"] != document["_id"] for doc in holders)

    async def insert(self, document: Doc) -> None:
        self._ensure_writable()
        key = self.unique.of(document) if self.unique else None
        if self.unique and key and await self.find(key, fields=["_id"], limit=1, by_key=True):
            raise self.unique.error()
        with unique_key_errors(self.unique):
            await self._by_key.insert_one(document, session=self._session)

    async def replace(self, query: Doc, document: Doc) -> bool:
        """Replace the document `query` matches (callers checked the unique key first); False when none did."""
        self._ensure_writable()
        with unique_key_errors(self.unique):
            result = await self._by_key.replace_one(query, document, session=self._session)
        return result.matched_count > 0

    async def replace_each(self, replacements: Sequence[tuple[Doc, Doc]]) -> int:
        """Replace, for each `(query, document)`, the document `query` matches: one `bulk_write`; how many matched.

        Callers checked the unique key first; a duplicate found by the server (a race) is its domain error.
        """
        self._ensure_writable()
        if not replacements:
            return 0
        try:
            result = await self._by_key.bulk_write(
                [ReplaceOne(query, document) for query, document in replacements], session=self._session
            )
        except BulkWriteError as error:
            duplicate = any(e.get("code") == _DUPLICATE_KEY for e in error.details.get("writeErrors", []))
            if duplicate and self.unique is not None:
                raise self.unique.error() from error
            raise
        return result.matched_count

    async def replace_if_present(self, document: Doc) -> None:
        """Replace the stored document with the same `_id`; nothing happens when there is none."""
        current, held = await self.current_and_holder(document)
        if current is None:
            return
        if held and self.unique:
            raise self.unique.error()
        await self.replace({"_id": document["_id"]}, document)

    async def upsert(self, document: Doc) -> None:
        """Replace, or insert when absent (the stand-in's `replace_one(upsert=True)` inserts under another id)."""
        if await self.replace({"_id": document["_id"]}, document):
            return
        try:
            await self.insert(document)
        except DuplicateKeyError as error:  # another process inserted it since: let the caller retry
            raise ConcurrentUpdate from error

    async def delete(self, query: Doc) -> None:
        self._ensure_writable()
        await self._by_key.delete_one(query, session=self._session)

    async def replace_all(self, keys: Sequence[Any], documents: Sequence[Doc]) -> None:
        """Delete the documents with these `_id`s, then insert `documents`: two round trips however many.

        What an upsert of each would do, without `replace_one(upsert=True)`, which the stand-in gets wrong.
        """
        self._ensure_writable()
        await self._by_key.delete_many({"_id": {"$in": list(keys)}}, session=self._session)
        if documents:
            await self._by_key.insert_many(documents, session=self._session)

    def _ensure_writable(self) -> None:
        if self._read_only:
            raise PermissionError("A store reader cannot write.")


def primary(database: AsyncDatabase[Doc], name: str) -> AsyncCollection[Doc]:
    return database[name].with_options(read_preference=Primary())


class Documents(Generic[T]):
    """What every repository does with its collection: decode what it finds, by id or by query."""

    _kind: type[T]
    _derived: frozenset[str] = frozenset()
    """Fields written for queries only, dropped before decoding."""

    def __init__(self, collection: MongoCollection) -> None:
        self._collection = collection

    def _decoded(self, document: Doc) -> T:
        return decoded(document, self._kind, self._derived)

    async def _find(self, query: Doc, **options: Any) -> list[T]:
        return [self._decoded(doc) for doc in await self._collection.find(query, **options)]

    async def _find_one(self, query: Doc) -> T | None:
        found = await self._collection.find_one(query)
        return self._decoded(found) if found is not None else None

    async def _by_id(self, value: str) -> T | None:
        oid = object_id(value)
        return await self._find_one({"_id": oid}) if oid is not None else None

    async def _delete(self, value: str) -> None:
        if (oid := object_id(value)) is not None:
            await self._collection.delete({"_id": oid})
