"""Excel in for activities: a workbook's rows go through the same use cases as the JSON API.

The rows are sent to `ActivityImport` (the use case of `POST /v1/activities:batch`) in chunks
of the batch's size, each chunk one transaction; a row that carries report figures is then
reported through `ActivityService.report` (the use case of `POST /v1/activities/{id}/report`)
when its figures differ from the stored ones, so the same workbook again changes nothing. A dry
run checks the report figures against the domain's rules without writing.
"""

from __future__ import annotations

from sanjin_events.adapters.repository import ActivityRepository
from sanjin_events.domain.activity import Activity, Report
from sanjin_events.service.activities import ActivityService
from sanjin_events.service.batch import ActivityImport, ImportItem
from sanjin_shared.batch import MAX_BATCH_ITEMS, ItemConflict, ItemResult, ItemStatus
from sanjin_shared.clock import Clock, beijing_date, utc_now
from sanjin_shared.errors import DomainError
from sanjin_shared.mongo import UnitOfWork
from sanjin_shared.problems import Problem
from sanjin_shared.records import RequestContext


class ActivityWorkbookImport:
    def __init__(self, uow: UnitOfWork, *, clock: Clock = utc_now) -> None:
        self._batch = ActivityImport(uow, clock=clock)
        self._activities = ActivityService(uow, clock=clock)
        self._repo = ActivityRepository(uow.db)
        self._clock = clock

    async def run(
        self,
        ctx: RequestContext,
        items: list[ImportItem],
        reports: dict[int, Report],
        *,
        dry_run: bool,
    ) -> tuple[list[ItemResult], list[ItemConflict]]:
        results: list[ItemResult] = []
        conflicts: list[ItemConflict] = []
        for start in range(0, len(items), MAX_BATCH_ITEMS):
            summary = await self._batch.run(
                ctx, items[start : start + MAX_BATCH_ITEMS], [], dry_run=dry_run
            )
            results.extend(r for r in summary.items if r.status is not ItemStatus.conflict)
            conflicts.extend(summary.conflicts)
        if reports:
            results = await self._report(ctx, items, results, conflicts, reports, dry_run=dry_run)
        return results, conflicts

    async def stored(
        self, ctx: RequestContext, province: str, campaigns: set[str]
    ) -> dict[str, str]:
        """external id -> id of the province's activities of these campaigns."""
        ctx.principal.write_province(province)
        return await self._repo.external_ids(
            {"province": province, "campaign": {"$in": sorted(campaigns)}}
        )

    async def _report(
        self,
        ctx: RequestContext,
        items: list[ImportItem],
        results: list[ItemResult],
        conflicts: list[ItemConflict],
        reports: dict[int, Report],
        *,
        dry_run: bool,
    ) -> list[ItemResult]:
        by_index = {item.index: item for item in items}
        wanted = [r for r in results if r.index in reports and r.external_id is not None]
        provinces = {ctx.principal.write_province(by_index[r.index].province) for r in wanted}
        current: dict[tuple[str, str], Activity] = {}
        for province in provinces:
            found = await self._repo.by_external_ids(
                province, [r.external_id for r in wanted if r.external_id is not None]
            )
            current |= {(province, key): activity for key, (activity, _) in found.items()}
        today = beijing_date(self._clock())
        out: list[ItemResult] = []
        for result in results:
            report = reports.get(result.index)
            if report is None or result.external_id is None:
                out.append(result)
                continue
            item = by_index[result.index]
            province = ctx.principal.write_province(item.province)
            activity = current.get((province, result.external_id))
            if activity is None:  # new (a dry run, or created just now): check it as scheduled
                activity = Activity.schedule(
                    id=result.id or "new", province=province, **item.details
                )
            if activity.report == report:
                out.append(result)
                continue
            try:
                if dry_run or result.id is None:
                    activity.submit_report(report, today=today)
                else:
                    await self._activities.report(ctx, result.id, report)
            except (DomainError, Problem) as exc:
                conflicts.append(
                    ItemConflict.of_error(result.index, exc, external_id=result.external_id)
                )
                continue
            if result.status is ItemStatus.ignored:
                result = result.model_copy(update={"status": ItemStatus.updated})
            out.append(result)
        return out
