"""Use cases of report submissions (campaigns are defined in service/campaigns.py): submit with
a snapshot of the unit's figures (or record on its behalf a report that came by e-mail or
paper), approve, return, extend one unit's deadline, the tracker for headquarters, and the
overdue notices after each unit's deadline."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from sanjin_aggregator.adapters.campaigns import CampaignRepository
from sanjin_aggregator.adapters.readmodel import StatisticsStore
from sanjin_aggregator.adapters.submissions import SubmissionRepository
from sanjin_aggregator.domain.campaign import Campaign
from sanjin_aggregator.domain.submission import Channel, Submission, SubmissionStatus
from sanjin_aggregator.domain.timeliness import Timeliness, is_past
from sanjin_aggregator.service.package import package_contents
from sanjin_aggregator.service.statistics import compile_table, counters_of, live_cells
from sanjin_shared.auth import Principal, Role
from sanjin_shared.clock import Clock, utc_now
from sanjin_shared.context import RequestContext
from sanjin_shared.errors import RuleViolation
from sanjin_shared.events.submissions import SubmissionDeadlineMissed
from sanjin_shared.logging import get_logger
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.problems import NotFound
from sanjin_shared.reference import PROVINCES
from sanjin_shared.usecases import envelopes

PRODUCER = "aggregator"
log = get_logger(__name__)
_SYSTEM = Principal(sub="aggregator-deadline-watch", role=Role.admin)


@dataclass(frozen=True, slots=True)
class TrackerRow:
    province: str
    name: str
    submission: Submission
    timeliness: Timeliness  # against the unit's own deadline
    overdue: bool  # missing after its deadline


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
            "on_time": sum(1 for r in current if r.timeliness.on_time),
            "late": sum(1 for r in current if r.timeliness.on_time is False),
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

    async def submit(
        self,
        ctx: RequestContext,
        campaign_id: str,
        summary: str,
        *,
        files: tuple[str, ...] = (),
        cases: tuple[str, ...] = (),
    ) -> Submission:
        """The province's report, with its package: the files and typical cases it names."""
        province = ctx.principal.write_province(None)
        await package_contents(self._uow.db, campaign_id, province, files, cases)
        return await self._submit(
            ctx, campaign_id, province, summary, Channel.sanjin, None, files, cases
        )

    async def record_on_behalf(
        self,
        ctx: RequestContext,
        campaign_id: str,
        province: str,
        summary: str,
        channel: Channel,
        received_at: datetime,
        files: tuple[str, ...] = (),
    ) -> Submission:
        """Headquarters records a report that reached it outside Sanjin (e-mail or paper) for
        the unit: marked with its channel; its arrival, not its recording, decides timeliness."""
        if channel is Channel.sanjin:
            raise RuleViolation("channel", "代为登记的报送只能是通过电子邮件或纸质材料送达的")
        await package_contents(self._uow.db, campaign_id, province, files, ())
        return await self._submit(ctx, campaign_id, province, summary, channel, received_at, files)

    async def _submit(
        self,
        ctx: RequestContext,
        campaign_id: str,
        province: str,
        summary: str,
        channel: Channel,
        received_at: datetime | None,
        files: tuple[str, ...],
        cases: tuple[str, ...] = (),
    ) -> Submission:
        campaign = await self.campaign(campaign_id)
        cells = await live_cells(self._store, campaign_id)
        as_of = await self._store.as_of(campaign_id)
        table = compile_table(campaign_id, cells, as_of)
        row = next(r for r in table.provinces if r.province == province)
        snapshot, counters = dict(row.metrics), counters_of(cells, province)

        def change(current: Submission, now: datetime) -> Submission:
            return current.submit(
                campaign,
                summary=summary,
                snapshot=snapshot,
                counters=counters,
                as_of=as_of,
                at=now,
                by=ctx.principal.sub,
                channel=channel,
                received_at=received_at,
                files=files,
                cases=cases,
            )

        return await self._change(ctx, campaign_id, province, change)

    async def approve(
        self, ctx: RequestContext, campaign_id: str, province: str, comment: str | None
    ) -> Submission:
        campaign = await self.campaign(campaign_id)
        return await self._change(
            ctx,
            campaign_id,
            province,
            lambda s, now: s.approve(campaign, at=now, by=ctx.principal.sub, comment=comment),
        )

    async def return_(
        self, ctx: RequestContext, campaign_id: str, province: str, comment: str
    ) -> Submission:
        campaign = await self.campaign(campaign_id)
        return await self._change(
            ctx,
            campaign_id,
            province,
            lambda s, now: s.return_(campaign, at=now, by=ctx.principal.sub, comment=comment),
        )

    async def extend(
        self, ctx: RequestContext, campaign_id: str, province: str, deadline: datetime, reason: str
    ) -> Submission:
        """Give one unit its own deadline, with a reason (an event and its audit entry)."""
        campaign = await self.campaign(campaign_id)
        return await self._change(
            ctx,
            campaign_id,
            province,
            lambda s, now: s.extend(
                campaign, deadline=deadline, reason=reason, at=now, by=ctx.principal.sub
            ),
        )

    async def of_province(self, campaign_id: str, province: str) -> tuple[Campaign, Submission]:
        campaign = await self.campaign(campaign_id)
        return campaign, await self._submissions.get(campaign_id, province)

    async def tracker(self, campaign_id: str) -> Tracker:
        campaign = await self.campaign(campaign_id)
        stored = await self._submissions.of_campaign(campaign_id)
        now = self._clock()
        rows = []
        for code, name in PROVINCES.items():
            submission = stored.get(code) or Submission(campaign=campaign_id, province=code)
            judged = submission.timeliness(campaign, now)
            missing = submission.status is SubmissionStatus.missing
            rows.append(
                TrackerRow(code, name, submission, judged, missing and judged.days_late > 0)
            )
        return Tracker(campaign, rows)

    def now(self) -> datetime:
        return self._clock()

    async def _change(
        self,
        ctx: RequestContext,
        campaign_id: str,
        province: str,
        change: Callable[[Submission, datetime], Submission],
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

        return await self._uow.run(body)  # a ConcurrentModification: problems.py answers

    # -- the deadline ------------------------------------------------------------------------------

    async def mark_overdue(self) -> list[tuple[str, str]]:
        """After each unit's deadline (the campaign's or its extension), say once per unit that
        has not submitted that it is overdue (a notice and a `SubmissionDeadlineMissed` event, in
        one transaction)."""
        now = self._clock()
        marked = []
        for campaign in await self._campaigns.all():
            stored = await self._submissions.of_campaign(campaign.id)
            noted = await self._submissions.overdue_of(campaign.id)
            for province in PROVINCES:
                current = stored.get(province) or Submission(campaign.id, province)
                if province in noted or current.status is not SubmissionStatus.missing:
                    continue
                if not is_past(now, current.deadline(campaign)):
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
                campaign=campaign.id, province=province, deadline=current.deadline(campaign)
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


async def watch_deadlines(
    one_round: Callable[[], Awaitable[None]], every_s: float, stopping: asyncio.Event
) -> None:
    """Background task of the aggregator: every `every_s` seconds, mark overdue units, send the
    reminders due and their e-mails (`one_round`)."""
    while not stopping.is_set():
        try:
            await one_round()
        except Exception as exc:  # the database away: try again at the next round
            log.warning("deadline check failed", error=repr(exc))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), timeout=every_s)
