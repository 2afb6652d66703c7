"""Use cases of the monitoring-point register."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sanjin_risk_monitoring.adapters.repository import (
    ConcurrentModification,
    PointRepository,
    Stored,
)
from sanjin_risk_monitoring.domain.point import Evaluation, MonitoringPoint
from sanjin_risk_monitoring.service.context import RequestContext, wrap
from sanjin_shared.auth import Role
from sanjin_shared.clock import Clock, beijing_date, utc_now
from sanjin_shared.idempotency import Outcome, PriorRecord, create_once
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.problems import Conflict, NotFound


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
    ) -> Outcome[Stored]:
        owner = ctx.principal.write_province(province)
        external_id = fields.get("external_id")

        async def find_prior(tx: Transaction) -> PriorRecord | None:
            if external_id is None:
                return None
            return await self._points.prior_by_external_id(owner, external_id, session=tx.session)

        async def create(tx: Transaction) -> str:
            now = self._clock()
            point = MonitoringPoint.register(
                id=f"mp_{uuid.uuid4().hex}", province=owner, today=beijing_date(now), **fields
            )
            await self._points.add(
                point, fingerprint=request_fingerprint, now=now, session=tx.session
            )
            tx.publish(*wrap(point.events, point.version, ctx, now))
            return point.id

        return await create_once(
            self._uow,
            scope=f"monitoring_point:{owner}",
            idempotency_key=idempotency_key,
            request_fingerprint=request_fingerprint,
            find_by_external_id=find_prior,
            create=create,
            load=self._load,
        )

    async def update(self, ctx: RequestContext, point_id: str, changes: dict[str, Any]) -> Stored:
        return await self._change(ctx, point_id, lambda p, today: p.update(today=today, **changes))

    async def evaluate(self, ctx: RequestContext, point_id: str, evaluation: Evaluation) -> Stored:
        return await self._change(
            ctx, point_id, lambda p, today: p.evaluate(evaluation, today=today)
        )

    async def deactivate(self, ctx: RequestContext, point_id: str, reason: str) -> Stored:
        return await self._change(ctx, point_id, lambda p, _today: p.deactivate(reason))

    async def reactivate(self, ctx: RequestContext, point_id: str) -> Stored:
        return await self._change(ctx, point_id, lambda p, _today: p.reactivate())

    async def get(self, ctx: RequestContext, point_id: str) -> Stored:
        stored = await self._points.get(point_id)
        if stored is None or not ctx.principal.can_read(stored.record.province):
            raise NotFound(f"no monitoring point {point_id}")
        return stored

    async def list(
        self, ctx: RequestContext, query: dict[str, Any], *, cursor: str | None, limit: int
    ) -> list[Stored]:
        if ctx.principal.role is Role.province:
            query = query | {"province": ctx.principal.province}
        return await self._points.list(query, cursor=cursor, limit=limit)

    async def _change(
        self,
        ctx: RequestContext,
        point_id: str,
        change: Callable[[MonitoringPoint, Any], MonitoringPoint],
    ) -> Stored:
        async def body(tx: Transaction) -> None:
            stored = await self._points.get(point_id, session=tx.session)
            if stored is None or not ctx.principal.can_read(stored.record.province):
                raise NotFound(f"no monitoring point {point_id}")
            now = self._clock()
            changed = change(stored.record, beijing_date(now))
            await self._points.save(
                changed, expected_version=stored.record.version, now=now, session=tx.session
            )
            tx.publish(*wrap(changed.events, changed.version, ctx, now))

        try:
            await self._uow.run(body)
        except ConcurrentModification as exc:
            raise Conflict(
                "the monitoring point was changed by another request; try again"
            ) from exc
        return await self._load(point_id)

    async def _load(self, point_id: str) -> Stored:
        stored = await self._points.get(point_id)
        assert stored is not None
        return stored
