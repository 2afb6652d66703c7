"""Use cases of campaigns: an admin defines or changes one; the change and its event
(`CampaignDefined` / `CampaignChanged`, topic `sanjin.campaigns`) are written in one transaction
through the aggregator's outbox, so every intake service learns it from the topic."""

from __future__ import annotations

from datetime import date, datetime

from sanjin_aggregator.adapters.campaigns import CampaignRepository
from sanjin_aggregator.domain.campaign import Campaign
from sanjin_shared.auth import Principal, Role
from sanjin_shared.clock import Clock, utc_now
from sanjin_shared.context import RequestContext
from sanjin_shared.events.campaigns import CampaignChanged, CampaignDefined, CampaignState
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.problems import NotFound
from sanjin_shared.usecases import envelopes

PRODUCER = "aggregator"


class CampaignService:
    def __init__(self, uow: UnitOfWork, *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._campaigns = CampaignRepository(uow.db)
        self._clock = clock

    async def define(
        self,
        ctx: RequestContext,
        campaign_id: str,
        starts_on: date,
        ends_on: date,
        deadline: datetime,
    ) -> tuple[Campaign, bool]:
        """Define or change a campaign; True when it was defined now."""
        campaign = Campaign(campaign_id, starts_on, ends_on, deadline)

        async def put(tx: Transaction) -> bool:
            now = self._clock()
            version, created = await self._campaigns.put(
                campaign, now=now, by=ctx.principal.sub, session=tx.session
            )
            event = (CampaignDefined if created else CampaignChanged)(campaign=_state(campaign))
            tx.publish(*envelopes((event,), producer=PRODUCER, version=version, ctx=ctx, now=now))
            return created

        return campaign, await self._uow.run(put)

    async def announce_earlier(self) -> list[str]:
        """At start-up: publish `CampaignDefined` for the campaigns defined before campaigns
        were events, once (the upgrade that made them events)."""
        announced = []
        for campaign in await self._campaigns.unannounced():

            async def announce(tx: Transaction, campaign: Campaign = campaign) -> bool:
                if not await self._campaigns.announce(campaign.id, session=tx.session):
                    return False
                event = CampaignDefined(campaign=_state(campaign))
                tx.publish(
                    *envelopes(
                        (event,), producer=PRODUCER, version=1, ctx=_UPGRADE, now=self._clock()
                    )
                )
                return True

            if await self._uow.run(announce):
                announced.append(campaign.id)
        return announced

    async def get(self, campaign_id: str) -> Campaign:
        found = await self._campaigns.get(campaign_id)
        if found is None:
            raise NotFound(f"no campaign {campaign_id}; an admin defines it with PUT")
        return found

    async def all(self) -> list[Campaign]:
        return await self._campaigns.all()


def _state(campaign: Campaign) -> CampaignState:
    return CampaignState(
        id=campaign.id,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        report_deadline=campaign.report_deadline,
    )


_UPGRADE = RequestContext(
    principal=Principal(sub="aggregator-upgrade", role=Role.admin),
    correlation_id="campaigns-upgrade",
)
