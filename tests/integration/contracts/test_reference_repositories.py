"""Promoter, contact and event-status repository contracts."""

from __future__ import annotations

import msgspec
import pytest

from campaigns.application.ports.store import StoreReader, UnitOfWorkFactory
from campaigns.domain.contact import Contact
from campaigns.domain.errors import PromoterNameTaken
from campaigns.domain.event_status import EventStatus, EventStatusDates
from campaigns.domain.promoter import PrivacyUrl, Promoter
from tests.integration.contracts.builders import DAY, NOW, doc_id


def promoter(n: int, name: str) -> Promoter:
    return Promoter(
        id=doc_id(n), name=name, privacyUrls=[PrivacyUrl(locale="en-US", url="https://p.test", is_default=True)]
    )


async def test_promoters_round_trip_update_and_delete(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.promoters.add(promoter(1, "Zeta Live"))
        await uow.promoters.add(promoter(2, "Alpha Shows"))
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.promoters.get(doc_id(1)) == promoter(1, "Zeta Live")
        assert await uow.promoters.get(doc_id(404)) is None
        assert [p.name for p in await uow.promoters.list_all()] == ["Alpha Shows", "Zeta Live"]
        await uow.promoters.update(promoter(1, "Beta Live"))
        await uow.promoters.delete(doc_id(2))
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.promoters.list_all() == [promoter(1, "Beta Live")]


async def test_promoter_names_are_unique(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.promoters.add(promoter(1, "Live Nation"))
        await uow.promoters.add(promoter(2, "AEG"))
        await uow.commit()

    async with uow_factory() as uow:
        with pytest.raises(PromoterNameTaken):
            await uow.promoters.add(promoter(3, "Live Nation"))
        with pytest.raises(PromoterNameTaken):
            await uow.promoters.update(promoter(2, "Live Nation"))
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.promoters.list_all() == [promoter(2, "AEG"), promoter(1, "Live Nation")]


async def test_contacts_are_searched_by_name_email_or_keyword(uow_factory: UnitOfWorkFactory) -> None:
    ada = Contact(id=doc_id(1), name="Ada", email="ada@example.test", keyword=["Ops", "london"])
    bob = Contact(id=doc_id(2), name="Bob", email="bob@other.test", keyword=[])
    cy = Contact(id=doc_id(3), name="Cy", email="cy@example.test", keyword=["paris"])
    async with uow_factory() as uow:
        for contact in (cy, bob, ada):
            await uow.contacts.upsert(contact)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.contacts.get(ada.id) == ada
        assert await uow.contacts.get(doc_id(404)) is None
        assert await uow.contacts.search(None, page=0, page_size=10) == ([ada, bob, cy], 3)
        assert await uow.contacts.search("EXAMPLE", page=0, page_size=10) == ([ada, cy], 2)
        assert await uow.contacts.search("ops", page=0, page_size=10) == ([ada], 1)
        assert await uow.contacts.search("bo", page=0, page_size=10) == ([bob], 1)
        assert await uow.contacts.search("_", page=0, page_size=10) == ([], 0)
        assert await uow.contacts.search(None, page=1, page_size=2) == ([cy], 3)
        moved = msgspec.structs.replace(ada, keyword=["berlin"])
        await uow.contacts.upsert(moved)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.contacts.search("london", page=0, page_size=10) == ([], 0)
        assert await uow.contacts.search("berlin", page=0, page_size=10) == ([moved], 1)


async def test_contacts_are_found_by_email_ignoring_case(uow_factory: UnitOfWorkFactory, reader: StoreReader) -> None:
    ada = Contact(id=doc_id(1), name="Ada", email="Ada.Lovelace@Example.test", keyword=[])
    bob = Contact(id=doc_id(2), name="Bob", email="bob@example.test", keyword=[])
    async with uow_factory() as uow:
        await uow.contacts.upsert(ada)
        await uow.contacts.upsert(bob)
        assert await uow.contacts.find_by_email("ada.lovelace@example.test") == ada  # before commit, in the same work
        await uow.commit()

    assert await reader.contacts.find_by_email("ADA.LOVELACE@EXAMPLE.TEST") == ada
    assert await reader.contacts.find_by_email("lovelace@example.test") is None
    assert await reader.contacts.find_by_email("bob@example.test") == bob

    renamed = msgspec.structs.replace(ada, email="ada@example.test")
    async with uow_factory() as uow:
        await uow.contacts.upsert(renamed)
        await uow.commit()

    assert await reader.contacts.find_by_email("Ada.Lovelace@Example.test") is None
    assert await reader.contacts.find_by_email("ada@example.test") == renamed


async def test_an_uncommitted_contact_is_not_found_by_email(
    uow_factory: UnitOfWorkFactory, reader: StoreReader
) -> None:
    async with uow_factory() as uow:
        await uow.contacts.upsert(Contact(id=doc_id(1), name="Ada", email="ada@example.test"))

    assert await reader.contacts.find_by_email("ada@example.test") is None


async def test_event_statuses_are_found_by_status_and_end(uow_factory: UnitOfWorkFactory) -> None:
    def record(event_id: str, status: str, end: int | None) -> EventStatus:
        return EventStatus(
            id=event_id, status=status, date=EventStatusDates(end=NOW + end * DAY if end is not None else None)
        )

    async with uow_factory() as uow:
        for item in (
            record("E3", "onsale", 3),
            record("E1", "onsale", 1),
            record("E2", "cancelled", 2),
            record("E4", "onsale", None),
        ):
            await uow.event_statuses.upsert(item)
        await uow.commit()

    async with uow_factory() as uow:
        assert [r.id for r in await uow.event_statuses.find(None, None)] == ["E1", "E2", "E3", "E4"]
        assert [r.id for r in await uow.event_statuses.find("onsale", None)] == ["E1", "E3", "E4"]
        assert [r.id for r in await uow.event_statuses.find(None, NOW + 2 * DAY)] == ["E1", "E2"]
        assert await uow.event_statuses.find("onsale", NOW + 2 * DAY) == [record("E1", "onsale", 1)]
        await uow.event_statuses.upsert(record("E1", "offsale", 1))
        await uow.commit()

    async with uow_factory() as uow:
        assert [r.id for r in await uow.event_statuses.find("onsale", None)] == ["E3", "E4"]
        assert await uow.event_statuses.find("offsale", None) == [record("E1", "offsale", 1)]
