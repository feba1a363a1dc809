"""The contact repository over SQLite: the document, its search text and a table of its email address for lookups."""

from __future__ import annotations

import aiosqlite
import msgspec

from campaigns.adapters.sqlite.sql import execute_write
from campaigns.application.ports.store import ContactRepository
from campaigns.application.search_text import contact_search_text
from campaigns.domain.contact import Contact

_CONTACT = msgspec.json.Decoder(Contact)


class SqliteContactRepository(ContactRepository):
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection

    async def get(self, contact_id: str) -> Contact | None:
        rows = list(await self._db.execute_fetchall("SELECT document FROM contacts WHERE id = ?", (contact_id,)))
        return _CONTACT.decode(rows[0][0]) if rows else None

    async def search(self, text: str | None, *, page: int, page_size: int) -> tuple[list[Contact], int]:
        where, params = ("instr(search_text, ?) > 0", [text.lower()]) if text else ("1", [])
        # Only one of two fixed conditions is formatted in; the search text is a parameter.
        total = await self._db.execute_fetchall(f"SELECT count(*) FROM contacts WHERE {where}", params)  # noqa: S608
        rows = await self._db.execute_fetchall(
            f"SELECT document FROM contacts WHERE {where} ORDER BY name, id LIMIT ? OFFSET ?",  # noqa: S608
            [*params, page_size, page * page_size],
        )
        return [_CONTACT.decode(row[0]) for row in rows], next(iter(total))[0]

    async def find_by_email(self, email: str) -> Contact | None:
        rows = list(
            await self._db.execute_fetchall(
                "SELECT c.document FROM contact_emails AS e JOIN contacts AS c ON c.id = e.contact_id "
                "WHERE e.email = ? ORDER BY c.id LIMIT 1",
                (email.lower(),),
            )
        )
        return _CONTACT.decode(rows[0][0]) if rows else None

    async def upsert(self, contact: Contact) -> None:
        await execute_write(
            self._db,
            "INSERT INTO contacts (id, name, search_text, document) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, search_text = excluded.search_text, "
            "document = excluded.document",
            (
                contact.id,
                contact.name,
                contact_search_text(contact),
                msgspec.json.encode(contact),
            ),
        )
        # The lookup by email lives in a table of its own, derived from the document as `search_text` is.
        await execute_write(self._db, "DELETE FROM contact_emails WHERE contact_id = ?", (contact.id,))
        await execute_write(
            self._db,
            "INSERT INTO contact_emails (email, contact_id) VALUES (?, ?)",
            (contact.email.lower(), contact.id),
        )
