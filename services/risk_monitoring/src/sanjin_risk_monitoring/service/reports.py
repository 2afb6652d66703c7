"""Risk-information intake: reports from active monitoring points, triaged, with the signal rule.

The signal rule: when the same product (category + brand + model, compared without
case, width or spaces) reaches three reports in a campaign, the report that reaches it and the
earlier ones are re-triaged once, and one `RiskSignalRaised` says so. A per-product counter,
written in each report's transaction, makes this exact under concurrency.
"""

from __future__ import annotations

import uuid
from typing import Any

from sanjin_risk_monitoring.adapters.repository import (
    PointRepository,
    ReportFilter,
    ReportRepository,
    SignalCounter,
)
from sanjin_risk_monitoring.domain.commands import ReceiveReport
from sanjin_risk_monitoring.domain.report import RiskReport
from sanjin_risk_monitoring.domain.triage import SIGNAL_THRESHOLD, product_key
from sanjin_shared.clock import Clock, beijing_date, utc_now
from sanjin_shared.context import RequestContext
from sanjin_shared.errors import RuleViolation
from sanjin_shared.events.monitoring import RiskSignalRaised
from sanjin_shared.idempotency import Outcome
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.repository import Stored
from sanjin_shared.usecases import Records, envelopes

PRODUCER = "risk_monitoring"


class ReportService:
    def __init__(self, uow: UnitOfWork, *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._points = PointRepository(uow.db)
        self._reports = ReportRepository(uow.db)
        self._signals = SignalCounter(uow.db)
        self._clock = clock
        self._records = Records(uow, self._reports, "risk report", PRODUCER, clock)

    async def receive(
        self,
        ctx: RequestContext,
        command: ReceiveReport,
        *,
        idempotency_key: str | None,
        request_fingerprint: str,
    ) -> Outcome[Stored[RiskReport]]:
        province = ctx.principal.write_province(command.province)
        point_id = command.monitoring_point_id

        reached = False  # this report is the one that makes its product a signal

        async def make(tx: Transaction) -> RiskReport:
            nonlocal reached
            stored_point = await self._points.get(point_id, session=tx.session)
            if stored_point is None or stored_point.record.province != province:
                raise RuleViolation("monitoring_point_id", f"本省没有标识为 {point_id} 的监测点")
            key = product_key(command.product_category, command.brand, command.model)
            count = await self._signals.increment(command.campaign, key, session=tx.session)
            reached = count == SIGNAL_THRESHOLD
            return RiskReport.receive(
                id=f"rr_{uuid.uuid4().hex}",
                point=stored_point.record,
                details=command,
                external_id=command.external_id,
                today=beijing_date(self._clock()),
                signal=count >= SIGNAL_THRESHOLD,
            )

        async def signal_after(tx: Transaction, stored: Stored[RiskReport]) -> Stored[RiskReport]:
            if not reached:
                return stored
            report = stored.record
            await self._raise_signal(tx, ctx, report, self._clock())
            # the signal may have changed this report too: answer what is stored
            return await self._reports.get(report.id, session=tx.session) or stored

        return await self._records.create(
            ctx,
            make,
            province,
            command.external_id,
            idempotency_key,
            request_fingerprint,
            then=signal_after,
        )

    async def _raise_signal(
        self, tx: Transaction, ctx: RequestContext, trigger: RiskReport, now: Any
    ) -> None:
        same = await self._reports.same_product(
            trigger.campaign, trigger.product_key, session=tx.session
        )
        for earlier in same:
            retriaged = earlier.raise_signal()
            if retriaged.events:
                await self._reports.save(
                    retriaged, expected_version=earlier.version, now=now, session=tx.session
                )
                tx.publish(
                    *envelopes(
                        retriaged.events,
                        producer=PRODUCER,
                        version=retriaged.version,
                        ctx=ctx,
                        now=now,
                    )
                )
        signal = RiskSignalRaised(
            campaign=trigger.campaign,
            product_key=trigger.product_key,
            product_category=trigger.product_category,
            brand=trigger.brand,
            model=trigger.model,
            report_ids=sorted(r.id for r in same),
        )
        tx.publish(*envelopes((signal,), producer=PRODUCER, version=1, ctx=ctx, now=now))

    async def get(self, ctx: RequestContext, report_id: str) -> Stored[RiskReport]:
        return await self._records.visible(ctx, report_id)

    async def list(
        self, ctx: RequestContext, flt: ReportFilter, *, cursor: str | None, limit: int
    ) -> list[Stored[RiskReport]]:
        return await self._records.list(ctx, flt, cursor=cursor, limit=limit)
