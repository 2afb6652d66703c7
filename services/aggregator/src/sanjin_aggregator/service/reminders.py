"""Use cases of reminders: remind the units that have not submitted before their deadline and
escalate after it (each step once per unit: a document and a `SubmissionReminderSent` event in
one transaction), send the e-mails through SMTP after the commit, remind one unit now (hq), the
in-app list, and the units' contacts kept by headquarters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from pymongo.errors import DuplicateKeyError

from sanjin_aggregator.adapters.campaigns import CampaignRepository
from sanjin_aggregator.adapters.mail import SmtpMailer
from sanjin_aggregator.adapters.reminders import ReminderRepository, reminder_id
from sanjin_aggregator.adapters.submissions import SubmissionRepository
from sanjin_aggregator.domain.campaign import Campaign
from sanjin_aggregator.domain.reminders import (
    DueStep,
    ReminderPlan,
    due_step,
    manual_step,
    message,
)
from sanjin_aggregator.domain.submission import Submission, SubmissionStatus
from sanjin_aggregator.settings import AggregatorSettings
from sanjin_shared.auth import Principal, Role
from sanjin_shared.clock import Clock, utc_now
from sanjin_shared.context import RequestContext
from sanjin_shared.errors import InvalidTransition
from sanjin_shared.events.submissions import SubmissionReminderSent
from sanjin_shared.logging import get_logger
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.problems import NotFound
from sanjin_shared.reference import PROVINCES
from sanjin_shared.usecases import envelopes

PRODUCER = "aggregator"
STALE_CLAIM = timedelta(minutes=10)
log = get_logger(__name__)
_SYSTEM = RequestContext(
    principal=Principal(sub="aggregator-reminders", role=Role.admin), correlation_id="reminders"
)


class Mailer(Protocol):
    async def send(self, to: Sequence[str], subject: str, text: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Reminded:
    campaign: str
    province: str
    step: str


class ReminderService:
    def __init__(
        self,
        uow: UnitOfWork,
        plan: ReminderPlan,
        *,
        mailer: Mailer | None = None,
        escalate_to: Sequence[str] = (),
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._plan = plan
        self._mailer = mailer
        self._escalate_to = tuple(escalate_to)
        self._clock = clock
        self._campaigns = CampaignRepository(uow.db)
        self._submissions = SubmissionRepository(uow.db)
        self._reminders = ReminderRepository(uow.db)

    # -- the watch ------------------------------------------------------------------------------------

    async def remind(
        self, campaign_id: str | None = None, ctx: RequestContext = _SYSTEM
    ) -> list[Reminded]:
        """Every step now due, for every unit that has not submitted, once: in every campaign
        (the schedule), or in one when headquarters runs them by hand."""
        now = self._clock()
        said = []
        campaigns = (
            [await self._campaign(campaign_id)]
            if campaign_id is not None
            else await self._campaigns.all()
        )
        for campaign in campaigns:
            stored = await self._submissions.of_campaign(campaign.id)
            known = await self._reminders.ids_of(campaign.id)
            for province in PROVINCES:
                current = stored.get(province) or Submission(campaign.id, province)
                if current.status is not SubmissionStatus.missing:
                    continue
                step = due_step(self._plan, current.deadline(campaign), now)
                if step is None or reminder_id(campaign.id, province, step) in known:
                    continue
                if await self._say(campaign, province, step, now, ctx):
                    said.append(Reminded(campaign.id, province, step.step))
        return said

    async def run_by_hand(self, ctx: RequestContext, campaign_id: str) -> list[Reminded]:
        """Headquarters runs the steps now due in one campaign: the same round as the schedule's,
        and the run itself is audited (who ran it), even when nothing was due."""
        said = await self.remind(campaign_id, ctx)

        async def body(tx: Transaction) -> None:
            tx.audit("RemindersRun", "campaign", campaign_id)

        await self._uow.run(body)
        return said

    async def remind_now(self, ctx: RequestContext, campaign_id: str, province: str) -> Reminded:
        """Headquarters reminds one unit that has not submitted, now (its own step)."""
        campaign = await self._campaign(campaign_id)
        now = self._clock()
        current = await self._submissions.get(campaign_id, province)
        if current.status is not SubmissionStatus.missing:
            raise InvalidTransition(
                f"该单位已报送（当前状态：{current.status.label_zh}），无需催报"
            )
        step = manual_step(current.deadline(campaign), now)
        await self._say(campaign, province, step, now, ctx)
        return Reminded(campaign_id, province, step.step)

    async def _say(
        self,
        campaign: Campaign,
        province: str,
        step: DueStep,
        now: datetime,
        ctx: RequestContext,
    ) -> bool:
        subject, text = message(campaign.id, PROVINCES[province], step)

        async def body(tx: Transaction) -> bool:
            current = await self._submissions.get(campaign.id, province, session=tx.session)
            if current.status is not SubmissionStatus.missing:
                return False  # submitted meanwhile
            recipients = await self._reminders.emails_of(province, session=tx.session)
            if step.kind == "escalation":
                recipients += [a for a in self._escalate_to if a not in recipients]
            await self._reminders.add(
                campaign.id,
                province,
                step,
                recipients=recipients,
                mail=self._mailer is not None,
                subject=subject,
                text=text,
                manual_by=ctx.principal.sub if step.manual else None,
                now=now,
                session=tx.session,
            )
            event = SubmissionReminderSent(
                campaign=campaign.id,
                province=province,
                kind=step.kind,
                step=step.step,
                days=step.days,
                deadline=step.deadline,
            )
            tx.publish(*envelopes((event,), producer=PRODUCER, version=1, ctx=ctx, now=now))
            return True

        try:
            return await self._uow.run(body)
        except DuplicateKeyError:
            return False  # another aggregator process said it first

    async def deliver(self) -> int:
        """Send the pending e-mails; the number sent."""
        if self._mailer is None:
            return 0
        sent = 0
        while doc := await self._reminders.claim(now=self._clock(), stale_after=STALE_CLAIM):
            email = doc["email"]
            try:
                await self._mailer.send(email["recipients"], email["subject"], email["text"])
            except Exception as exc:  # the server away or refusing: again at the next round
                # the type only: a server's refusal may quote the addresses
                log.warning(
                    "reminder e-mail not sent", reminder=doc["_id"], error=type(exc).__name__
                )
                await self._reminders.failed(doc["_id"], email["attempts"], repr(exc))
                break
            await self._reminders.sent(doc["_id"], now=self._clock())
            sent += 1
        return sent

    # -- reading and contacts -------------------------------------------------------------------------

    async def of_campaign(self, campaign_id: str, province: str | None) -> list[dict[str, Any]]:
        await self._campaign(campaign_id)
        return await self._reminders.of_campaign(campaign_id, province)

    async def contacts(self) -> dict[str, list[str]]:
        stored = await self._reminders.contacts()
        return {p: list(stored.get(p, {}).get("emails", [])) for p in PROVINCES}

    async def put_contacts(self, ctx: RequestContext, province: str, emails: list[str]) -> None:
        async def body(tx: Transaction) -> None:
            await self._reminders.put_contacts(
                province, emails, by=ctx.principal.sub, now=self._clock(), session=tx.session
            )
            tx.audit("UnitContactsChanged", "unit_contacts", province)

        await self._uow.run(body)

    async def _campaign(self, campaign_id: str) -> Campaign:
        found = await self._campaigns.get(campaign_id)
        if found is None:
            raise NotFound(f"no campaign {campaign_id}; an admin defines it with PUT")
        return found


def reminders_of(settings: AggregatorSettings) -> Callable[[UnitOfWork], ReminderService]:
    """How the aggregator makes its reminder service: the plan, the SMTP server, the copies."""
    smtp = settings.smtp()
    mailer = SmtpMailer(smtp) if smtp else None
    plan = settings.reminder_plan()

    def make(uow: UnitOfWork) -> ReminderService:
        return ReminderService(uow, plan, mailer=mailer, escalate_to=settings.escalation_to)

    return make
