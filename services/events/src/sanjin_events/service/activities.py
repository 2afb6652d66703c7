"""Use cases of the events service. Each runs in one unit of work: the activity and its events
are written together, and the relay publishes the events afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sanjin_events.adapters.repository import ActivityFilter, ActivityRepository, StoredActivity
from sanjin_events.domain.activity import Activity
from sanjin_events.domain.commands import CancelActivity, ReportActivity, ScheduleActivity
from sanjin_shared.clock import Clock, beijing_date, utc_now
from sanjin_shared.context import RequestContext
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.idempotency import Outcome
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.usecases import Records, envelopes

PRODUCER = "events"


def new_activity_id() -> str:
    return f"act_{uuid.uuid4().hex}"


class ActivityService:
    def __init__(self, uow: UnitOfWork, *, clock: Clock = utc_now) -> None:
        self._clock = clock
        self._records = Records(uow, ActivityRepository(uow.db), "activity", PRODUCER, clock)

    async def schedule(
        self,
        ctx: RequestContext,
        command: ScheduleActivity,
        *,
        idempotency_key: str | None,
        request_fingerprint: str,
    ) -> Outcome[StoredActivity]:
        province = ctx.principal.write_province(command.province)

        async def make(_tx: Transaction) -> Activity:
            return Activity.schedule(
                id=new_activity_id(),
                province=province,
                details=command,
                external_id=command.external_id,
            )

        return await self._records.create(
            ctx, make, province, command.external_id, idempotency_key, request_fingerprint
        )

    async def report(
        self, ctx: RequestContext, activity_id: str, command: ReportActivity
    ) -> StoredActivity:
        today = beijing_date(self._clock())
        return await self._change(ctx, activity_id, lambda a: a.submit_report(command, today=today))

    async def cancel(
        self, ctx: RequestContext, activity_id: str, command: CancelActivity
    ) -> StoredActivity:
        return await self._change(ctx, activity_id, lambda a: a.cancel(command.reason))

    async def get(self, ctx: RequestContext, activity_id: str) -> StoredActivity:
        return await self._records.visible(ctx, activity_id)

    async def list(
        self, ctx: RequestContext, flt: ActivityFilter, *, cursor: str | None, limit: int
    ) -> list[StoredActivity]:
        return await self._records.repo.list(
            flt.for_caller(ctx.principal), cursor=cursor, limit=limit
        )

    async def _change(
        self, ctx: RequestContext, activity_id: str, change: Callable[[Activity], Activity]
    ) -> StoredActivity:
        return await self._records.change(ctx, activity_id, lambda activity, _now: change(activity))


def envelopes_of(activity: Activity, ctx: RequestContext, now: datetime) -> list[EventEnvelope]:
    """The events an activity raised, in envelopes at its new version."""
    return envelopes(activity.events, producer=PRODUCER, version=activity.version, ctx=ctx, now=now)
