"""The contact repository over SQLite: the document, its search text and a table of its email address for lookups."""

from __future__ import annotations

import msgspec

from campaigns.adapters.sqlite.sql import Documents, execute_write
from campaigns.application.ports.store import ContactRepository
from campaigns.application.search_text import contact_search_text
from campaigns.domain.contact import Contact


class SqliteContactRepository(Documents[Contact], ContactRepository):
    _decoder = msgspec.json.Decoder(Contact)

    async def get(self, contact_id: str) -> Contact | None:
        return await self._document("SELECT document FROM contacts WHERE id = ?", (contact_id,))

    async def search(self, text: str | None, *, page: int, page_size: int) -> tuple[list[Contact], int]:
        where, params = ("instr(search_text, ?) > 0", [text.lower()]) if text else ("1", [])
        # Only one of two fixed conditions is formatted in; the search text is a parameter.
        total = await self._db.execute_fetchall(f"SELECT count(*) FROM contacts WHERE {where}", params)  # noqa: S608
        found = await self._documents(
            f"SELECT document FROM contacts WHERE {where} ORDER BY name, id LIMIT ? OFFSET ?",  # noqa: S608
            [*params, page_size, page * page_size],
        )
        return found, next(iter(total))[0]

    async def find_by_email(self, email: str) -> Contact | None:
        return await self._document(
            "SELECT c.document FROM contact_emails AS e JOIN contacts AS c ON c.id = e.contact_id "
            "WHERE e.email = ? ORDER BY c.id LIMIT 1",
            (email.lower(),),
        )

    async def upsert(self, contact: Contact) -> None:
        await execute_write(
            self._db,
            "INSERT INTO contacts (id, name, search_text, document) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, search_text = excluded.search_text, "
            "document = excluded.document",
            (contact.id, contact.name, contact_search_text(contact), msgspec.json.encode(contact)),
        )
        # The lookup by email lives in a table of its own, derived from the document as `search_text` is.
        await execute_write(self._db, "DELETE FROM contact_emails WHERE contact_id = ?", (contact.id,))
        await execute_write(
            self._db,
            "INSERT INTO contact_emails (email, contact_id) VALUES (?, ?)",
            (contact.email.lower(), contact.id),
        )
