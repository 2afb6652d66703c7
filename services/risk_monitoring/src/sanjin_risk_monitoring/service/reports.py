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
    ReportRepository,
    SignalCounter,
)
from sanjin_risk_monitoring.domain.report import RiskReport
from sanjin_risk_monitoring.domain.triage import SIGNAL_THRESHOLD, product_key
from sanjin_shared.clock import Clock, beijing_date, utc_now
from sanjin_shared.errors import RuleViolation
from sanjin_shared.events.monitoring import RiskSignalRaised
from sanjin_shared.idempotency import Outcome, create_once
from sanjin_shared.mongo import Transaction, UnitOfWork
from sanjin_shared.records import RequestContext, Stored, envelopes, external_id_lookup, visible

PRODUCER = "risk_monitoring"


class ReportService:
    def __init__(self, uow: UnitOfWork, *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._points = PointRepository(uow.db)
        self._reports = ReportRepository(uow.db)
        self._signals = SignalCounter(uow.db)
        self._clock = clock

    async def receive(
        self,
        ctx: RequestContext,
        fields: dict[str, Any],
        *,
        monitoring_point_id: str,
        province: str | None,
        idempotency_key: str | None,
        request_fingerprint: str,
    ) -> Outcome[Stored[RiskReport]]:
        owner = ctx.principal.write_province(province)
        external_id = fields.get("external_id")

        async def create(tx: Transaction) -> Stored[RiskReport]:
            now = self._clock()
            stored_point = await self._points.get(monitoring_point_id, session=tx.session)
            if stored_point is None or stored_point.record.province != owner:
                raise RuleViolation(
                    "monitoring_point_id",
                    f"no monitoring point {monitoring_point_id} in province {owner}",
                )
            key = product_key(fields["product_category"], fields["brand"], fields["model"])
            count = await self._signals.increment(fields["campaign"], key, session=tx.session)
            report = RiskReport.receive(
                id=f"rr_{uuid.uuid4().hex}",
                point=stored_point.record,
                today=beijing_date(now),
                signal=count >= SIGNAL_THRESHOLD,
                **fields,
            )
            stored = await self._reports.add(
                report, fingerprint=request_fingerprint, now=now, session=tx.session
            )
            tx.publish(
                *envelopes(
                    report.events, producer=PRODUCER, version=report.version, ctx=ctx, now=now
                )
            )
            if count == SIGNAL_THRESHOLD:
                await self._raise_signal(tx, ctx, report, now)
                # the signal may have changed this report too: answer what is stored
                stored = await self._reports.get(report.id, session=tx.session) or stored
            return stored

        return await create_once(
            self._uow,
            scope=f"risk_report:{owner}",
            idempotency_key=idempotency_key,
            request_fingerprint=request_fingerprint,
            find_by_external_id=external_id_lookup(self._reports, owner, external_id),
            create=create,
            load=lambda report_id: visible(self._reports, ctx, report_id, what="risk report"),
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
        return await visible(self._reports, ctx, report_id, what="risk report")

    async def list(
        self, ctx: RequestContext, query: dict[str, Any], *, cursor: str | None, limit: int
    ) -> list[Stored[RiskReport]]:
        return await self._reports.list(ctx.scope(query), cursor=cursor, limit=limit)
