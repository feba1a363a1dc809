"""Update a campaign: a partial document, a status change, or both."""

from __future__ import annotations

from campaigns.application.ports.caches import CampaignCache
from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.ports.system import Clock, IdFactory
from campaigns.application.transactions import reruns_aborted_transactions
from campaigns.application.use_cases._campaign_writes import CampaignWrites
from campaigns.domain.campaign import Campaign
from campaigns.domain.campaign_commands import CampaignInput
from campaigns.domain.campaign_writes import campaign_patch
from campaigns.domain.permissions import Operation, Principal


class UpdateCampaign:
    """Apply a partial update to a campaign.

    - Needs `write` on the campaign (`admin` when the status changes); an ungranted campaign
      answers like a forbidden one, whether it exists or not.
    - Objects merge deeply; arrays and scalars replace; `null` clears.
    - Read-only fields a client echoes back from a read are ignored; a body read from a one-locale
      view (it carries `currentLocale`) merges its preference labels per locale.
    - `If-Match` (the version a client read) must still be current, else nothing is written.
    - The merged document is validated in full; a new domain must be free; the campaign as
      answered must still fit in a request body (413), so that it can be written back.
    - A status change follows the lifecycle rules and is recorded in `statusHistory`.
    - Setting `date.open` or `date.close` to an instant at or before now (this use case's clock) is
      a status change too, the next tick applying it, so it needs `admin`; a future one needs `write`.
    - The write is compare-and-set on the version, with its events in the same transaction and,
      after them, `campaign.event-mapping` (the campaign's and its markets' event ids).
    - An update that changes nothing writes nothing.
    - This process's cached copy is dropped at once; other caches follow the outbox.
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, ids: IdFactory, cache: CampaignCache) -> None:
        self._writes = CampaignWrites(uow=uow, clock=clock, ids=ids, cache=cache)

    @reruns_aborted_transactions
    async def execute(
        self, principal: Principal, campaign_id: str, command: CampaignInput, *, if_match: int | None = None
    ) -> Campaign:
        principal.ensure(Operation.WRITE, campaign_id)
        patch = campaign_patch(command)
        async with self._writes.editing(principal, campaign_id, changes_status=patch.status is not None) as edit:
            return await self._writes.apply(edit, patch, if_match=if_match)
