"""HTTP routes of reminders and of the units' contacts: the in-app list of reminders (hq,
viewer, admin; a province its own), run the due reminders now and remind one unit now (hq), the
addresses reminders go to (hq)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from sanjin_aggregator.api.routes import CampaignId
from sanjin_aggregator.service.reminders import ReminderService
from sanjin_aggregator.service.runtime import reminder_service
from sanjin_shared.app import PlatformDep
from sanjin_shared.auth import HQReader, Role
from sanjin_shared.clock import BEIJING
from sanjin_shared.context import Context, ReaderContext
from sanjin_shared.problems import NotFound
from sanjin_shared.reference import PROVINCES, ProvinceCode

router = APIRouter(prefix="/v1", tags=["reminders"])

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def _email(value: str) -> str:
    value = value.strip()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError("not an e-mail address (name@example.gov.cn)")
    return value


Email = Annotated[str, AfterValidator(_email)]


async def get_reminders(platform: PlatformDep, ctx: ReaderContext) -> ReminderService:
    return reminder_service(platform, platform.unit_of_work(ctx.actor))


Reminders = Annotated[ReminderService, Depends(get_reminders)]


class ReminderOut(BaseModel):
    campaign: str
    province: str
    name: str
    kind: Literal["reminder", "escalation"] = Field(
        description="reminder: before the deadline; escalation: after it"
    )
    step: str = Field(description="before-7d, after-1d, ... or manual-<time> (sent by hq)")
    days: int = Field(description="Days left before the deadline, or days after it")
    deadline: datetime = Field(description="The unit's deadline the reminder was about")
    at: datetime
    by: str | None = Field(description="Who sent it by hand; null: sent by the schedule")
    email: Literal["none", "pending", "sending", "sent", "failed"] = Field(
        description="none: no address on file or no SMTP server configured"
    )
    email_recipients: int
    email_sent_at: datetime | None

    @classmethod
    def of(cls, doc: dict[str, Any]) -> ReminderOut:
        email = doc["email"]
        sent = email.get("sent_at")
        return cls(
            campaign=doc["campaign"],
            province=doc["province"],
            name=PROVINCES[doc["province"]],
            kind=doc["kind"],
            step=doc["step"],
            days=doc["days"],
            deadline=doc["deadline"].astimezone(BEIJING),
            at=doc["at"].astimezone(BEIJING),
            by=doc.get("by"),
            email=email["status"],
            email_recipients=len(email["recipients"]),
            email_sent_at=sent.astimezone(BEIJING) if sent else None,
        )


class ReminderList(BaseModel):
    campaign: str
    items: list[ReminderOut]


class ContactsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    emails: list[Email] = Field(
        max_length=10, description="Where the unit's reminders go; empty: nobody"
    )


class UnitContacts(BaseModel):
    province: str
    name: str
    emails: list[str]


class ContactsList(BaseModel):
    items: list[UnitContacts]


@router.get(
    "/campaigns/{campaign}/reminders",
    response_model=ReminderList,
    operation_id="reminders-list",
    summary="The reminders and escalations sent, newest first (hq, viewer; a province its own)",
)
async def list_reminders(
    campaign: CampaignId,
    ctx: ReaderContext,
    reminders: Reminders,
    province: ProvinceCode | None = None,
) -> ReminderList:
    principal = ctx.principal
    if principal.role is Role.province:
        if province not in (None, principal.province):
            raise NotFound(f"no reminders of {province} for this token")
        province = principal.province
    docs = await reminders.of_campaign(campaign, province)
    return ReminderList(campaign=campaign, items=[ReminderOut.of(d) for d in docs])


class ReminderRun(BaseModel):
    campaign: str
    items: list[ReminderOut] = Field(description="The reminders and escalations this run sent")
    emails_sent: int = Field(description="E-mails handed to the SMTP server by this run")


@router.post(
    "/campaigns/{campaign}/reminders/run",
    response_model=ReminderRun,
    operation_id="reminders-run",
    summary="Send the reminders and escalations now due in the campaign, as the schedule does (hq)",
    description="Each step still goes once per unit and never to a unit that has submitted: a "
    "step the schedule has already sent is not sent again. The pending e-mails are then handed "
    "to the SMTP server.",
)
async def run_reminders(
    campaign: CampaignId, _hq: HQReader, ctx: Context, reminders: Reminders
) -> ReminderRun:
    said = await reminders.run_by_hand(ctx, campaign)
    sent = await reminders.deliver()
    steps = {(r.province, r.step) for r in said}
    docs = await reminders.of_campaign(campaign, None)
    return ReminderRun(
        campaign=campaign,
        items=[ReminderOut.of(d) for d in docs if (d["province"], d["step"]) in steps],
        emails_sent=sent,
    )


@router.post(
    "/campaigns/{campaign}/submissions/{province}/remind",
    response_model=ReminderOut,
    status_code=201,
    operation_id="submissions-remind",
    summary="Remind one unit that has not submitted, now (hq)",
    responses={409: {"description": "The unit has submitted"}},
)
async def remind(
    campaign: CampaignId,
    province: ProvinceCode,
    _hq: HQReader,
    ctx: Context,
    reminders: Reminders,
) -> ReminderOut:
    said = await reminders.remind_now(ctx, campaign, province)
    docs = await reminders.of_campaign(campaign, province)
    return ReminderOut.of(next(d for d in docs if d["step"] == said.step))


@router.get(
    "/unit-contacts",
    response_model=ContactsList,
    operation_id="unit-contacts-list",
    summary="Where each unit's reminders go (hq)",
)
async def list_contacts(_hq: HQReader, reminders: Reminders) -> ContactsList:
    stored = await reminders.contacts()
    return ContactsList(
        items=[UnitContacts(province=p, name=PROVINCES[p], emails=e) for p, e in stored.items()]
    )


@router.put(
    "/unit-contacts/{province}",
    response_model=UnitContacts,
    operation_id="unit-contacts-put",
    summary="Set the addresses a unit's reminders go to (hq; audited)",
)
async def put_contacts(
    province: ProvinceCode, body: ContactsIn, _hq: HQReader, ctx: Context, reminders: Reminders
) -> UnitContacts:
    emails = list(dict.fromkeys(body.emails))
    await reminders.put_contacts(ctx, province, emails)
    return UnitContacts(province=province, name=PROVINCES[province], emails=emails)
