"""StoreReader contract: queries see committed state only, and never wait for a writer."""

from __future__ import annotations

import sqlite3

import pytest

from campaigns.application.ports.store import StoreReader, UnitOfWorkFactory
from campaigns.application.queries import CampaignQuery
from tests.integration.contracts.builders import add_all, campaign, doc_id, market


async def test_a_reader_sees_what_was_committed(uow_factory: UnitOfWorkFactory, reader: StoreReader) -> None:
    item = campaign(1, site="committed")
    await add_all(uow_factory, item)
    async with uow_factory() as uow:
        await uow.markets.add(market(2, item.id, name="Boston"))
        await uow.commit()

    assert await reader.campaigns.get(item.id) == item
    assert await reader.campaigns.get_by_site("committed") == item
    assert [m.name for m in await reader.markets.list_for_campaign(item.id)] == ["Boston"]
    assert (await reader.campaigns.search(CampaignQuery())).total == 1


# nx-27017 runs every transaction on one shared SQLite connection: the reader would see the open write.
@pytest.mark.standin_gap("no transaction isolation: uncommitted writes are visible outside the transaction")
async def test_a_reader_answers_while_a_write_is_open_and_does_not_see_it(
    uow_factory: UnitOfWorkFactory, reader: StoreReader
) -> None:
    before = campaign(1, site="before")
    await add_all(uow_factory, before)

    async with uow_factory() as uow:
        await uow.campaigns.add(campaign(2, site="uncommitted"))
        # The write unit of work holds the store's write lock here: a reader that needed it would hang.
        assert await reader.campaigns.get(before.id) == before
        assert await reader.campaigns.get(doc_id(2)) is None
        assert await reader.campaigns.get_by_site("uncommitted") is None
        await uow.commit()

    assert await reader.campaigns.get_by_site("uncommitted") is not None


async def test_an_abandoned_write_is_never_seen_by_a_reader(
    uow_factory: UnitOfWorkFactory, reader: StoreReader
) -> None:
    async with uow_factory() as uow:
        await uow.campaigns.add(campaign(1, site="abandoned"))

    assert await reader.campaigns.get(doc_id(1)) is None


async def test_the_reader_answers_the_health_probe(reader: StoreReader) -> None:
    await reader.campaigns.ping()


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
async def test_the_sqlite_reader_cannot_write(reader: StoreReader) -> None:
    """The read connection is opened read-only: a write through it fails instead of bypassing the lock."""
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await reader.campaigns.add(campaign(1, site="sneaky"))  # type: ignore[attr-defined]
