"""The contact repository over MongoDB: the document, its search text and its lowered email address for lookups."""

from __future__ import annotations

from pymongo import ASCENDING

from campaigns.adapters.mongo.collection import Documents
from campaigns.adapters.mongo.documents import as_document, contains, new_key
from campaigns.adapters.mongo.transactions import translate_driver_errors
from campaigns.application.ports.store import ContactRepository
from campaigns.application.search_text import contact_search_text
from campaigns.domain.contact import Contact


@translate_driver_errors
class MongoContactRepository(Documents[Contact], ContactRepository):
    _kind = Contact
    _derived = frozenset({"searchText", "emailLower"})

    async def get(self, contact_id: str) -> Contact | None:
        return await self._by_id(contact_id)

    async def search(self, text: str | None, *, page: int, page_size: int) -> tuple[list[Contact], int]:
        query = contains(text) if text else {}
        found = await self._find(
            query, sort=[("name", ASCENDING), ("_id", ASCENDING)], skip=page * page_size, limit=page_size
        )
        return found, await self._collection.count(query)

    async def find_by_email(self, email: str) -> Contact | None:
        found = await self._find({"emailLower": email.lower()}, limit=1, by_key=True)
        return found[0] if found else None

    async def upsert(self, contact: Contact) -> None:
        await self._collection.upsert(
            as_document(
                new_key(contact.id),
                contact,
                searchText=contact_search_text(contact),
                emailLower=contact.email.lower(),
            )
        )
