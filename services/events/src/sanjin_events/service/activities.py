"""Use cases of the events service. Each runs in one unit of work: the activity and its events
are written together, and the relay publishes the events afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime

from sanjin_events.adapters.repository import ActivityRepository, StoredActivity
from sanjin_events.domain.activity import Activity, Report
from sanjin_shared.clock import Clock, beijing_date, utc_now
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.idempotency import Outcome, create_once, fingerprint
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.records import (
    RequestContext,
    change_record,
    envelopes,
    external_id_lookup,
    visible,
)
from sanjin_shared.reference import ActivityKind, EducationFormat, VenueType

PRODUCER = "events"


@dataclass(frozen=True, slots=True)
class ScheduleActivity:
    province: str | None
    campaign: str
    kind: ActivityKind
    title: str
    venue_type: VenueType
    venue_name: str
    city: str
    county: str
    scheduled_on: date
    organizer: str
    formats: tuple[EducationFormat, ...]
    external_id: str | None


@dataclass(frozen=True, slots=True)
class ListFilter:
    province: str | None = None
    campaign: str | None = None
    kind: str | None = None
    venue_type: str | None = None
    status: str | None = None
    scheduled_from: date | None = None
    scheduled_to: date | None = None


def new_activity_id() -> str:
    return f"act_{uuid.uuid4().hex}"


class ActivityService:
    def __init__(self, uow: UnitOfWork, *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._repo = ActivityRepository(uow.db)
        self._clock = clock

    async def schedule(
        self,
        ctx: RequestContext,
        command: ScheduleActivity,
        *,
        idempotency_key: str | None,
        request_fingerprint: str,
    ) -> Outcome[StoredActivity]:
        province = ctx.principal.write_province(command.province)
        attributes = {
            f.name: getattr(command, f.name) for f in fields(command) if f.name != "province"
        }

        async def create(tx: Transaction) -> StoredActivity:
            activity = Activity.schedule(id=new_activity_id(), province=province, **attributes)
            stored = await self._repo.add(
                activity, fingerprint=request_fingerprint, now=self._clock(), session=tx.session
            )
            tx.publish(*envelopes_of(activity, ctx, self._clock()))
            return stored

        return await create_once(
            self._uow,
            scope=f"activity:{province}",
            idempotency_key=idempotency_key,
            request_fingerprint=request_fingerprint,
            find_by_external_id=external_id_lookup(self._repo, province, command.external_id),
            create=create,
            load=lambda activity_id: visible(self._repo, ctx, activity_id, what="activity"),
        )

    async def report(self, ctx: RequestContext, activity_id: str, report: Report) -> StoredActivity:
        today = beijing_date(self._clock())
        return await self._change(ctx, activity_id, lambda a: a.submit_report(report, today=today))

    async def cancel(
        self, ctx: RequestContext, activity_id: str, reason: str | None
    ) -> StoredActivity:
        return await self._change(ctx, activity_id, lambda a: a.cancel(reason))

    async def get(self, ctx: RequestContext, activity_id: str) -> StoredActivity:
        return await visible(self._repo, ctx, activity_id, what="activity")

    async def list(
        self, ctx: RequestContext, flt: ListFilter, *, cursor: str | None, limit: int
    ) -> list[StoredActivity]:
        query: dict[str, object] = {
            key: value
            for key, value in (
                ("province", flt.province),
                ("campaign", flt.campaign),
                ("kind", flt.kind),
                ("venue_type", flt.venue_type),
                ("status", flt.status),
            )
            if value is not None
        }
        span = {
            **({"$gte": flt.scheduled_from.isoformat()} if flt.scheduled_from else {}),
            **({"$lte": flt.scheduled_to.isoformat()} if flt.scheduled_to else {}),
        }
        if span:
            query["scheduled_on"] = span
        # a province sees only its own, whatever it asks for
        return await self._repo.list(ctx.scope(query), cursor=cursor, limit=limit)

    async def _change(
        self, ctx: RequestContext, activity_id: str, change: Callable[[Activity], Activity]
    ) -> StoredActivity:
        return await change_record(
            self._uow,
            self._repo,
            ctx,
            activity_id,
            lambda activity, _now: change(activity),
            what="activity",
            producer=PRODUCER,
            clock=self._clock,
        )


def envelopes_of(activity: Activity, ctx: RequestContext, now: datetime) -> list[EventEnvelope]:
    """The events an activity raised, in envelopes at its new version."""
    return envelopes(activity.events, producer=PRODUCER, version=activity.version, ctx=ctx, now=now)


__all__ = ["ActivityService", "ListFilter", "RequestContext", "ScheduleActivity", "fingerprint"]
