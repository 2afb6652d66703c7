"""Excel in for a session's results, through `ResultService.record_many`, the use case of
`POST /v1/inspection-sessions/{id}/results:batch` (chunks of the batch's size, one transaction
each). Results are not changed once recorded: a row under a stored 编号 with other content is a
conflict at its row, as in the batch."""

from __future__ import annotations

from sanjin_inspection.adapters.repository import ResultRepository
from sanjin_inspection.service.results import ImportItem, ResultService
from sanjin_shared.batch import MAX_BATCH_ITEMS, ItemConflict, ItemResult, ItemStatus
from sanjin_shared.mongo import UnitOfWork
from sanjin_shared.records import RequestContext


class ResultWorkbookImport:
    def __init__(self, uow: UnitOfWork) -> None:
        self._results = ResultService(uow)
        self._repo = ResultRepository(uow.db)

    async def run(
        self, ctx: RequestContext, session_id: str, items: list[ImportItem], *, dry_run: bool
    ) -> tuple[list[ItemResult], list[ItemConflict]]:
        results: list[ItemResult] = []
        conflicts: list[ItemConflict] = []
        for start in range(0, len(items), MAX_BATCH_ITEMS):
            summary = await self._results.record_many(
                ctx, session_id, items[start : start + MAX_BATCH_ITEMS], [], dry_run=dry_run
            )
            results.extend(r for r in summary.items if r.status is not ItemStatus.conflict)
            conflicts.extend(summary.conflicts)
        return results, conflicts

    async def stored(self, ctx: RequestContext, session_id: str) -> dict[str, str]:
        """external id -> id of the session's results (404 for a session the caller may not see)."""
        await self._results.list(ctx, {"session_id": session_id}, cursor=None, limit=1)
        return await self._repo.external_ids({"session_id": session_id})
