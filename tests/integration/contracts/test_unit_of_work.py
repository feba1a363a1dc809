"""UnitOfWork contract: changes and their outbox events commit together or not at all."""

from __future__ import annotations

import asyncio
import re

import pytest

from campaigns.application.ports.outbox import OutboxStore
from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.domain.errors import DomainAlreadyClaimed
from tests.integration.contracts.builders import add_all, campaign, created, doc_id, stored
from tests.streams import EVERY_EVENT


class Boom(Exception):
    pass


async def test_leaving_without_commit_writes_nothing(uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore) -> None:
    async with uow_factory() as uow:
        item = campaign(1, site="draft")
        await uow.campaigns.add(item)
        uow.outbox.append([created(item)])
        assert await uow.campaigns.get(item.id) == item

    assert await stored(uow_factory, doc_id(1)) is None
    assert await outbox_store.pending(EVERY_EVENT, 10) == []


async def test_an_error_inside_the_unit_rolls_it_back(
    uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore
) -> None:
    item = campaign(1, site="boom")

    async def fail_midway() -> None:
        async with uow_factory() as uow:
            await uow.campaigns.add(item)
            uow.outbox.append([created(item)])
            raise Boom

    with pytest.raises(Boom):
        await fail_midway()

    assert await stored(uow_factory, item.id) is None
    assert await outbox_store.pending(EVERY_EVENT, 10) == []


async def test_commit_writes_the_change_and_its_events_together(
    uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore
) -> None:
    item = campaign(1, site="together")
    async with uow_factory() as uow:
        await uow.campaigns.add(item)
        uow.outbox.append([created(item)])
        await uow.commit()

    assert await stored(uow_factory, item.id) == item
    [entry] = await outbox_store.pending(EVERY_EVENT, 10)
    assert entry.event == created(item)
    assert re.fullmatch("[0-9a-f]{24}", entry.id)


async def test_work_after_a_commit_is_a_new_unit(uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore) -> None:
    first, second = campaign(1), campaign(2)
    async with uow_factory() as uow:
        await uow.campaigns.add(first)
        uow.outbox.append([created(first)])
        await uow.commit()
        await uow.campaigns.add(second)
        uow.outbox.append([created(second)])

    assert await stored(uow_factory, first.id) == first
    assert await stored(uow_factory, second.id) is None
    assert [entry.event for entry in await outbox_store.pending(EVERY_EVENT, 10)] == [created(first)]


async def test_concurrent_claims_of_one_domain_have_exactly_one_winner(
    uow_factory: UnitOfWorkFactory, outbox_store: OutboxStore
) -> None:
    async def claim(n: int) -> str:
        item = campaign(n, site="contested")
        async with uow_factory() as uow:
            await uow.campaigns.add(item)
            uow.outbox.append([created(item)])
            await uow.commit()
        return item.id

    results = await asyncio.gather(*(claim(n) for n in range(1, 21)), return_exceptions=True)

    winners = [result for result in results if isinstance(result, str)]
    assert len(winners) == 1
    assert all(isinstance(result, DomainAlreadyClaimed) for result in results if not isinstance(result, str))
    async with uow_factory() as uow:
        holder = await uow.campaigns.get_by_site("contested")
    assert holder is not None
    assert holder.id == winners[0]
    assert [entry.event.aggregate_id for entry in await outbox_store.pending(EVERY_EVENT, 100)] == winners


async def test_a_cancelled_unit_writes_nothing_and_frees_the_store(uow_factory: UnitOfWorkFactory) -> None:
    entered = asyncio.Event()

    async def hang() -> None:
        async with uow_factory() as uow:
            await uow.campaigns.add(campaign(1, site="cancelled"))
            entered.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(hang())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    await add_all(uow_factory, campaign(2, site="cancelled"))
    assert await stored(uow_factory, doc_id(1)) is None
