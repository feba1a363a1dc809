"""Create a campaign."""

from __future__ import annotations

from campaigns.application.ports.store import UnitOfWorkFactory
from campaigns.application.ports.system import Clock, IdFactory
from campaigns.application.transactions import reruns_aborted_transactions
from campaigns.application.use_cases._campaign_writes import stage
from campaigns.application.use_cases._time_zones import iana_timezones
from campaigns.domain.campaign import Campaign
from campaigns.domain.campaign_commands import CampaignInput
from campaigns.domain.campaign_writes import campaign_patch, create_campaign
from campaigns.domain.permissions import Principal


class CreateCampaign:
    """Create a campaign from a client document.

    - Supreme users only (so a `date.open` or `date.close` at or before now, a status change the
      next scheduled refresh applies, is always allowed here: supreme users may change any status).
    - The status starts DRAFT unless PREVIEW is asked for; any other status is refused.
    - The document is validated in full before anything is written, and as answered it must fit
      in a request body (413), so that it can be written back.
    - The domain must be free, against concurrent claims too (the store settles them).
    - The campaign, its `campaign.created` event and its `campaign.event-mapping` (its `eventIds`)
      are committed together.
    """

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, ids: IdFactory) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids

    @reruns_aborted_transactions
    async def execute(self, principal: Principal, command: CampaignInput) -> Campaign:
        principal.ensure_supreme()
        now = self._clock.now()
        write = create_campaign(
            campaign_patch(command),
            campaign_id=self._ids.new_id(),
            now=now,
            actor=principal.actor,
            new_salt=self._ids.new_salt,
            known_timezones=iana_timezones(),
        )
        async with self._uow() as uow:
            await stage(uow, write, now, previous=None)
            await uow.commit()
        return write.campaign
