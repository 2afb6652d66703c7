"""Use cases of the monitoring-point register."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from sanjin_risk_monitoring.adapters.repository import PointRepository
from sanjin_risk_monitoring.domain.point import Evaluation, MonitoringPoint
from sanjin_shared.clock import Clock, beijing_date, utc_now
from sanjin_shared.idempotency import Outcome, create_once
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.records import (
    RequestContext,
    Stored,
    change_record,
    envelopes,
    external_id_lookup,
    visible,
)

PRODUCER = "risk_monitoring"
Point = Stored[MonitoringPoint]


class PointService:
    def __init__(self, uow: UnitOfWork, *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._points = PointRepository(uow.db)
        self._clock = clock

    async def register(
        self,
        ctx: RequestContext,
        fields: dict[str, Any],
        *,
        province: str | None,
        idempotency_key: str | None,
        request_fingerprint: str,
    ) -> Outcome[Point]:
        owner = ctx.principal.write_province(province)
        external_id = fields.get("external_id")

        async def create(tx: Transaction) -> Stored[MonitoringPoint]:
            now = self._clock()
            point = MonitoringPoint.register(
                id=f"mp_{uuid.uuid4().hex}", province=owner, today=beijing_date(now), **fields
            )
            stored = await self._points.add(
                point, fingerprint=request_fingerprint, now=now, session=tx.session
            )
            tx.publish(
                *envelopes(point.events, producer=PRODUCER, version=point.version, ctx=ctx, now=now)
            )
            return stored

        return await create_once(
            self._uow,
            scope=f"monitoring_point:{owner}",
            idempotency_key=idempotency_key,
            request_fingerprint=request_fingerprint,
            find_by_external_id=external_id_lookup(self._points, owner, external_id),
            create=create,
            load=lambda point_id: visible(self._points, ctx, point_id, what="monitoring point"),
        )

    async def update(self, ctx: RequestContext, point_id: str, changes: dict[str, Any]) -> Point:
        return await self._change(ctx, point_id, lambda p, today: p.update(today=today, **changes))

    async def evaluate(self, ctx: RequestContext, point_id: str, evaluation: Evaluation) -> Point:
        return await self._change(
            ctx, point_id, lambda p, today: p.evaluate(evaluation, today=today)
        )

    async def deactivate(self, ctx: RequestContext, point_id: str, reason: str) -> Point:
        return await self._change(ctx, point_id, lambda p, today: p.deactivate(reason, today=today))

    async def reactivate(self, ctx: RequestContext, point_id: str) -> Point:
        return await self._change(ctx, point_id, lambda p, today: p.reactivate(today=today))

    async def get(self, ctx: RequestContext, point_id: str) -> Point:
        return await visible(self._points, ctx, point_id, what="monitoring point")

    async def list(
        self, ctx: RequestContext, query: dict[str, Any], *, cursor: str | None, limit: int
    ) -> list[Point]:
        return await self._points.list(ctx.scope(query), cursor=cursor, limit=limit)

    async def _change(
        self,
        ctx: RequestContext,
        point_id: str,
        change: Callable[[MonitoringPoint, date], MonitoringPoint],
    ) -> Point:
        return await change_record(
            self._uow,
            self._points,
            ctx,
            point_id,
            lambda p, now: change(p, beijing_date(now)),
            what="monitoring point",
            producer=PRODUCER,
            clock=self._clock,
        )
