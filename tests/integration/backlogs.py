"""A relay's backlog in a data dir's store, for tests whose relays run as processes: filled, and read back."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack, contextmanager
from pathlib import Path

from campaigns.application.outbox import OutboxStats, SinkRoute
from campaigns.domain.campaign import Status
from campaigns.domain.events import CampaignCreated
from campaigns.main.container import resolve
from tests.bootstrap import composed, settings_for
from tests.streams import EVERY_EVENT


def commit_entries(data_dir: Path, count: int, *, first: int = 0) -> list[str]:
    """`count` more committed outbox entries, in a few transactions; returns every entry id in commit order.

    Each is a `campaign.created` of a campaign of its own (ids from `first` on), so they spread over partitions.
    """

    async def main() -> list[str]:
        async with composed(settings_for(data_dir)) as container:
            uow_factory = await resolve(container.store.unit_of_work)
            now = (await resolve(container.clock)).now()
            for start in range(first, first + count, 1_000):
                async with uow_factory() as uow:
                    uow.outbox.append(
                        [
                            CampaignCreated(occurred_at=now, campaign_id=f"{n:024x}", status=Status.DRAFT)
                            for n in range(start, min(start + 1_000, first + count))
                        ]
                    )
                    await uow.commit()
            outbox = await resolve(container.store.outbox)
            return [entry.id for entry in await outbox.pending(EVERY_EVENT, first + count)]

    return asyncio.run(main())


@contextmanager
def watching(data_dir: Path) -> Iterator[Callable[[SinkRoute], OutboxStats]]:
    """`stats(route)`: what the sink of `route` has still to take, as the store in `data_dir` tells it now.

    One store connection for the block, so polling it costs little beside the processes it watches.
    """
    with asyncio.Runner() as runner:
        resources = AsyncExitStack()
        container = runner.run(resources.enter_async_context(composed(settings_for(data_dir))))
        try:
            outbox = runner.run(resolve(container.store.outbox))
            yield lambda route: runner.run(outbox.stats(route))
        finally:
            runner.run(resources.aclose())
