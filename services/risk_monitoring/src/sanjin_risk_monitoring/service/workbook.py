"""Excel in for monitoring points and risk reports, through the use cases of the JSON API.

Points: a row whose 编号 is new is registered (`PointService.register`, as `POST
/v1/monitoring-points`); a row whose 编号 is stored with other details changes them
(`PointService.update`, as `PATCH`); an identical row changes nothing.

Risk reports: each row is received by `ReportService.receive`, the use case of `POST
/v1/risk-reports` and of its `:batch`. A report is information as it was received and is not
changed afterwards (it was triaged and counted towards its product's signal when it came, and
the contract has no event that would correct it): a row stored under its 编号 with other content
is refused at its place, in the dry run as in the commit, never reported as unchanged. The
monitoring point of a report row may be named by its id or by its 编号 in the register.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sanjin_risk_monitoring.adapters.repository import PointRepository, ReportRepository
from sanjin_risk_monitoring.domain.commands import ReceiveReport, RegisterPoint, UpdatePoint
from sanjin_risk_monitoring.domain.point import EDITABLE
from sanjin_risk_monitoring.service.points import PointService
from sanjin_risk_monitoring.service.reports import ReportService
from sanjin_shared.batch import ItemConflict, ItemResult, ItemStatus
from sanjin_shared.context import RequestContext
from sanjin_shared.errors import DomainError, RuleViolation
from sanjin_shared.mongo import UnitOfWork
from sanjin_shared.problems import Conflict, Problem


@dataclass(frozen=True, slots=True)
class Row:
    index: int
    external_id: str
    fingerprint: str
    fields: dict[str, Any]  # the create body's fields, without province


class PointWorkbookImport:
    def __init__(self, uow: UnitOfWork) -> None:
        self._points = PointService(uow)
        self._repo = PointRepository(uow.db)

    async def run(
        self, ctx: RequestContext, province: str, rows: list[Row], *, dry_run: bool
    ) -> tuple[list[ItemResult], list[ItemConflict]]:
        results: list[ItemResult] = []
        conflicts: list[ItemConflict] = []
        found = await self._repo.with_external_ids(province, [r.external_id for r in rows])
        current = {key: stored.record for key, stored in found.items()}
        for row in rows:
            point = current.get(row.external_id)
            fields = {k: tuple(v) if isinstance(v, list) else v for k, v in row.fields.items()}
            try:
                if point is None:
                    status, record_id = ItemStatus.created, None
                    if not dry_run:
                        outcome = await self._points.register(
                            ctx,
                            RegisterPoint.model_validate(fields | {"province": province}),
                            idempotency_key=None,
                            request_fingerprint=row.fingerprint,
                        )
                        record_id = outcome.record.record.id
                        status = ItemStatus.created if outcome.created else ItemStatus.ignored
                elif point.campaign != fields["campaign"]:
                    raise Conflict(
                        f"编号 {row.external_id} 已用于活动 {point.campaign} 的监测点，不能改到另一期活动"
                    )
                else:
                    record_id = point.id
                    changes = {k: fields[k] for k in EDITABLE if getattr(point, k) != fields[k]}
                    status = ItemStatus.updated if changes else ItemStatus.ignored
                    if changes and not dry_run:
                        await self._points.update(
                            ctx, point.id, UpdatePoint.model_validate(changes)
                        )
            except (DomainError, Problem) as exc:
                conflicts.append(ItemConflict.of_error(row.index, exc, external_id=row.external_id))
                continue
            results.append(
                ItemResult(
                    index=row.index, status=status, id=record_id, external_id=row.external_id
                )
            )
        return results, conflicts

    async def stored(self, province: str, campaigns: set[str]) -> dict[str, str]:
        return await self._repo.external_ids(province, campaigns)


def unchangeable(external_id: str) -> Conflict:
    """A row whose 编号 names a report already received with other content."""
    return Conflict(
        f"编号 {external_id} 的风险信息已报送，本行内容与已报送的不同。风险信息报送后不能修改；"
        "如有新的情况，请以新的编号另行报送",
        slug="external-id-conflict",
    )


class ReportWorkbookImport:
    def __init__(self, uow: UnitOfWork) -> None:
        self._reports = ReportService(uow)
        self._repo = ReportRepository(uow.db)
        self._points = PointRepository(uow.db)

    async def run(
        self,
        ctx: RequestContext,
        province: str,
        rows: list[Row],
        fingerprint: Callable[[dict[str, Any]], str],
        *,
        dry_run: bool,
    ) -> tuple[list[ItemResult], list[ItemConflict]]:
        """`fingerprint` gives a row's fingerprint once its point is named by id (as the JSON
        API would have received it), so a report sent either way is the same report."""
        point_ids = await self._points.external_ids(province)
        stored = await self._repo.priors(province, [r.external_id for r in rows])
        results: list[ItemResult] = []
        conflicts: list[ItemConflict] = []
        for row in rows:
            fields = dict(row.fields)
            named = fields.pop("monitoring_point_id")
            point_id = point_ids.get(named, named)
            body = {**fields, "monitoring_point_id": point_id}
            try:
                earlier = stored.get(row.external_id)
                if earlier is not None and earlier.fingerprint != fingerprint(body):
                    raise unchangeable(row.external_id)
                if dry_run:
                    if point_id not in point_ids.values():
                        raise RuleViolation(
                            "monitoring_point_id", f"本省没有编号或标识为 {named} 的监测点"
                        )
                    results.append(
                        ItemResult(
                            index=row.index,
                            status=ItemStatus.created if earlier is None else ItemStatus.ignored,
                            id=earlier.id if earlier else None,
                            external_id=row.external_id,
                        )
                    )
                    continue
                outcome = await self._reports.receive(
                    ctx,
                    ReceiveReport.model_validate(body | {"province": province}),
                    idempotency_key=None,
                    request_fingerprint=fingerprint(body),
                )
            except (DomainError, Problem) as exc:
                conflicts.append(ItemConflict.of_error(row.index, exc, external_id=row.external_id))
                continue
            results.append(
                ItemResult(
                    index=row.index,
                    status=ItemStatus.created if outcome.created else ItemStatus.ignored,
                    id=outcome.record.record.id,
                    external_id=row.external_id,
                )
            )
        return results, conflicts

    async def stored(self, province: str, campaigns: set[str]) -> dict[str, str]:
        return await self._repo.external_ids(province, campaigns)
