"""Use cases of the monitoring-point register."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from sanjin_risk_monitoring.adapters.repository import PointFilter, PointRepository
from sanjin_risk_monitoring.domain.commands import (
    DeactivatePoint,
    EvaluatePoint,
    RegisterPoint,
    UpdatePoint,
)
from sanjin_risk_monitoring.domain.point import MonitoringPoint
from sanjin_shared.clock import Clock, beijing_date, utc_now
from sanjin_shared.context import RequestContext
from sanjin_shared.idempotency import Outcome
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.repository import Stored
from sanjin_shared.usecases import Records

PRODUCER = "risk_monitoring"
Point = Stored[MonitoringPoint]


class PointService:
    def __init__(self, uow: UnitOfWork, *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._points = PointRepository(uow.db)
        self._clock = clock
        self._records = Records(uow, self._points, "monitoring point", PRODUCER, clock)

    async def register(
        self,
        ctx: RequestContext,
        command: RegisterPoint,
        *,
        idempotency_key: str | None,
        request_fingerprint: str,
    ) -> Outcome[Point]:
        province = ctx.principal.write_province(command.province)

        async def make(_tx: Transaction) -> MonitoringPoint:
            return MonitoringPoint.register(
                id=f"mp_{uuid.uuid4().hex}",
                province=province,
                details=command,
                external_id=command.external_id,
                today=beijing_date(self._clock()),
            )

        return await self._records.create(
            ctx, make, province, command.external_id, idempotency_key, request_fingerprint
        )

    async def update(self, ctx: RequestContext, point_id: str, command: UpdatePoint) -> Point:
        changes = command.model_dump(exclude_unset=True)
        return await self._change(ctx, point_id, lambda p, today: p.update(today=today, **changes))

    async def evaluate(
        self, ctx: RequestContext, point_id: str, evaluation: EvaluatePoint
    ) -> Point:
        return await self._change(
            ctx, point_id, lambda p, today: p.evaluate(evaluation, today=today)
        )

    async def deactivate(
        self, ctx: RequestContext, point_id: str, command: DeactivatePoint
    ) -> Point:
        return await self._change(
            ctx, point_id, lambda p, today: p.deactivate(command.reason, today=today)
        )

    async def reactivate(self, ctx: RequestContext, point_id: str) -> Point:
        return await self._change(ctx, point_id, lambda p, today: p.reactivate(today=today))

    async def get(self, ctx: RequestContext, point_id: str) -> Point:
        return await self._records.visible(ctx, point_id)

    async def list(
        self, ctx: RequestContext, flt: PointFilter, *, cursor: str | None, limit: int
    ) -> list[Point]:
        return await self._records.list(ctx, flt, cursor=cursor, limit=limit)

    async def _change(
        self,
        ctx: RequestContext,
        point_id: str,
        change: Callable[[MonitoringPoint, date], MonitoringPoint],
    ) -> Point:
        return await self._records.change(
            ctx, point_id, lambda p, now: change(p, beijing_date(now))
        )
