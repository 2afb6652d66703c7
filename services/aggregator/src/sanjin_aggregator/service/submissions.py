"""Use cases of report submissions (campaigns are defined in service/campaigns.py): submit with a
snapshot of the province's figures, approve, return, the tracker for headquarters, and the overdue notices
after the deadline."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from sanjin_aggregator.adapters.campaigns import CampaignRepository
from sanjin_aggregator.adapters.readmodel import StatisticsStore
from sanjin_aggregator.adapters.submissions import SubmissionRepository
from sanjin_aggregator.domain.campaign import Campaign
from sanjin_aggregator.domain.submission import Submission, SubmissionStatus
from sanjin_aggregator.service.statistics import statistics
from sanjin_shared.auth import Principal, Role
from sanjin_shared.clock import Clock, utc_now
from sanjin_shared.events.submissions import SubmissionDeadlineMissed
from sanjin_shared.logging import get_logger
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.problems import Conflict, NotFound
from sanjin_shared.records import ConcurrentModification, RequestContext, envelopes
from sanjin_shared.reference import PROVINCES

PRODUCER = "aggregator"
log = get_logger(__name__)
_SYSTEM = Principal(sub="aggregator-deadline-watch", role=Role.admin)


@dataclass(frozen=True, slots=True)
class TrackerRow:
    province: str
    name: str
    submission: Submission
    overdue: bool


@dataclass(frozen=True, slots=True)
class Tracker:
    campaign: Campaign
    rows: list[TrackerRow]

    @property
    def summary(self) -> dict[str, Any]:
        current = [
            r
            for r in self.rows
            if r.submission.status in (SubmissionStatus.submitted, SubmissionStatus.approved)
        ]
        return {
            "expected": len(PROVINCES),
            "submitted": len(current),
            "on_time": sum(
                1 for r in current if r.submission.latest and r.submission.latest.on_time
            ),
            "late": sum(
                1 for r in current if r.submission.latest and not r.submission.latest.on_time
            ),
            "approved": sum(
                1 for r in self.rows if r.submission.status is SubmissionStatus.approved
            ),
            "returned": sum(
                1 for r in self.rows if r.submission.status is SubmissionStatus.returned
            ),
            "missing": [
                r.province for r in self.rows if r.submission.status is SubmissionStatus.missing
            ],
            "overdue": [r.province for r in self.rows if r.overdue],
        }


class SubmissionService:
    def __init__(self, uow: UnitOfWork, store: StatisticsStore, *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._campaigns = CampaignRepository(uow.db)
        self._submissions = SubmissionRepository(uow.db)
        self._store = store
        self._clock = clock

    # -- campaigns ---------------------------------------------------------------------------------

    async def campaign(self, campaign_id: str) -> Campaign:
        found = await self._campaigns.get(campaign_id)
        if found is None:
            raise NotFound(f"no campaign {campaign_id}; an admin defines it with PUT")
        return found

    async def campaigns(self) -> list[Campaign]:
        return await self._campaigns.all()

    # -- submissions -------------------------------------------------------------------------------

    async def submit(self, ctx: RequestContext, campaign_id: str, summary: str) -> Submission:
        province = ctx.principal.write_province(None)
        campaign = await self.campaign(campaign_id)
        table = await statistics(self._store, campaign_id)
        row = next(r for r in table.provinces if r.province == province)
        snapshot = dict(row.metrics)

        def change(current: Submission, now: datetime) -> Submission:
            return current.submit(
                campaign, summary=summary, snapshot=snapshot, at=now, by=ctx.principal.sub
            )

        return await self._change(ctx, campaign_id, province, change)

    async def approve(
        self, ctx: RequestContext, campaign_id: str, province: str, comment: str | None
    ) -> Submission:
        await self.campaign(campaign_id)
        return await self._change(
            ctx,
            campaign_id,
            province,
            lambda s, now: s.approve(at=now, by=ctx.principal.sub, comment=comment),
        )

    async def return_(
        self, ctx: RequestContext, campaign_id: str, province: str, comment: str
    ) -> Submission:
        await self.campaign(campaign_id)
        return await self._change(
            ctx,
            campaign_id,
            province,
            lambda s, now: s.return_(at=now, by=ctx.principal.sub, comment=comment),
        )

    async def of_province(self, campaign_id: str, province: str) -> Submission:
        await self.campaign(campaign_id)
        return await self._submissions.get(campaign_id, province)

    async def tracker(self, campaign_id: str) -> Tracker:
        campaign = await self.campaign(campaign_id)
        stored = await self._submissions.of_campaign(campaign_id)
        overdue = await self._submissions.overdue_of(campaign_id)
        past = campaign.is_past_deadline(self._clock())
        rows = []
        for code, name in PROVINCES.items():
            submission = stored.get(code) or Submission(campaign=campaign_id, province=code)
            missing = submission.status is SubmissionStatus.missing
            rows.append(
                TrackerRow(code, name, submission, overdue=missing and (past or code in overdue))
            )
        return Tracker(campaign, rows)

    async def _change(
        self, ctx: RequestContext, campaign_id: str, province: str, change: Any
    ) -> Submission:
        async def body(tx: Transaction) -> Submission:
            current = await self._submissions.get(campaign_id, province, session=tx.session)
            now = self._clock()
            changed = change(current, now)
            await self._submissions.save(
                changed, expected_version=current.version, now=now, session=tx.session
            )
            tx.publish(
                *envelopes(
                    changed.events, producer=PRODUCER, version=changed.version, ctx=ctx, now=now
                )
            )
            return changed

        try:
            return await self._uow.run(body)
        except ConcurrentModification as exc:
            raise Conflict(
                "the submission was changed by another request; try again",
                slug="concurrent-modification",
            ) from exc

    # -- the deadline ------------------------------------------------------------------------------

    async def mark_overdue(self) -> list[tuple[str, str]]:
        """After each campaign's deadline, say once per province that has not submitted that it
        is overdue (a notice and a `SubmissionDeadlineMissed` event, in one transaction)."""
        now = self._clock()
        marked = []
        for campaign in await self._campaigns.all():
            if not campaign.is_past_deadline(now):
                continue
            stored = await self._submissions.of_campaign(campaign.id)
            noted = await self._submissions.overdue_of(campaign.id)
            for province in PROVINCES:
                if province in noted or province in stored:
                    continue
                if await self._note_overdue(campaign, province, now):
                    marked.append((campaign.id, province))
        return marked

    async def _note_overdue(self, campaign: Campaign, province: str, now: datetime) -> bool:
        async def body(tx: Transaction) -> bool:
            if await self._submissions.is_noted_overdue(campaign.id, province, session=tx.session):
                return False
            current = await self._submissions.get(campaign.id, province, session=tx.session)
            if current.status is not SubmissionStatus.missing:
                return False
            await self._submissions.note_overdue(campaign.id, province, now=now, session=tx.session)
            event = SubmissionDeadlineMissed(
                campaign=campaign.id, province=province, deadline=campaign.report_deadline
            )
            ctx_id = f"deadline-{campaign.id}"
            tx.publish(
                *envelopes(
                    (event,),
                    producer=PRODUCER,
                    version=1,
                    ctx=RequestContext(principal=_SYSTEM, correlation_id=ctx_id),
                    now=now,
                )
            )
            return True

        try:
            return await self._uow.run(body)
        except DuplicateKeyError:
            return False  # another aggregator process said it first


async def watch_deadlines(service_factory: Any, every_s: float, stopping: asyncio.Event) -> None:
    """Background task of the aggregator: mark overdue provinces every `every_s` seconds."""
    while not stopping.is_set():
        try:
            marked = await service_factory().mark_overdue()
            for campaign, province in marked:
                log.info("submission overdue", campaign=campaign, province=province)
        except Exception as exc:  # the database away: try again at the next round
            log.warning("deadline check failed", error=repr(exc))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), timeout=every_s)
