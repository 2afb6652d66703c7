"""Events of campaigns, published by the aggregator (topic `sanjin.campaigns`): a campaign was
defined, or its dates or deadline changed. Every intake service keeps its own copy of the
campaigns from them (`sanjin_shared.campaigns`), so none asks another service."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from sanjin_shared.clock import BEIJING
from sanjin_shared.events.envelope import DomainEvent
from sanjin_shared.topics import CAMPAIGNS


class CampaignState(BaseModel):
    """A campaign after the change: its activity period (Beijing dates, both days included) and
    the deadline of the provinces' reports."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    starts_on: date
    ends_on: date
    report_deadline: datetime


# Campaign 2019 as the notice set it: known to every service without any event.
DEFAULT_CAMPAIGNS: tuple[CampaignState, ...] = (
    CampaignState(
        id="2019",
        starts_on=date(2019, 9, 1),
        ends_on=date(2019, 11, 30),
        report_deadline=datetime(2019, 11, 30, 23, 59, 59, tzinfo=BEIJING),
    ),
)


class CampaignEvent(DomainEvent):
    aggregate_type = "campaign"
    topic = CAMPAIGNS.name

    campaign: CampaignState

    def aggregate_id(self) -> str:
        return self.campaign.id


class CampaignDefined(CampaignEvent):
    """An admin defined a new campaign."""

    event_type = "CampaignDefined"


class CampaignChanged(CampaignEvent):
    """An admin changed a campaign's dates or deadline."""

    event_type = "CampaignChanged"
