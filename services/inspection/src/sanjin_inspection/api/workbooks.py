"""Excel in and out for inspection results: `GET /v1/inspection-results/template.xlsx`,
`POST /v1/inspection-sessions/{session_id}/results:import` and
`GET /v1/inspection-results/export.xlsx`. The sheet is derived from `ResultCreate`; rows go
through the use case of the session's `results:batch`. Registered before `routes.py`, so
`template.xlsx` is not taken for a result id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sanjin_inspection.adapters.repository import ResultFilter
from sanjin_inspection.api.routes import Sessions, session_in_campaign
from sanjin_inspection.api.schemas import ResultCreate, ResultOut
from sanjin_inspection.service.results import ImportItem, ResultService
from sanjin_inspection.service.workbook import ResultWorkbookImport
from sanjin_shared.app import PlatformDep
from sanjin_shared.campaigns import Campaigns
from sanjin_shared.context import Context
from sanjin_shared.idempotency import fingerprint
from sanjin_shared.pagination import MAX_LIMIT
from sanjin_shared.reference import PROVINCES, ProvinceCode
from sanjin_shared.repository import next_cursor
from sanjin_shared.workbook import Part, RecordSheet, export, template
from sanjin_shared.workbook.imports import (
    TEMPLATE_RESPONSE,
    WorkbookImport,
    import_report,
    missing_rows,
    read_upload,
    xlsx_response,
)

router = APIRouter(prefix="/v1", tags=["inspection results"])

SHEET = RecordSheet(
    name="检测鉴别结果",
    parts=(Part(ResultCreate),),
    example=(
        {
            "product_category": "toys",
            "service": "testing",
            "outcome": "pass",
            "external_id": "001",
        },
    ),
    notes=(
        "7. 每个文件对应一场检测鉴别活动，上传到该场活动的“导入结果”。",
        "8. 免费检测填“合格/不合格”，真假鉴别填“真品/假冒/无法判定”，认证咨询和消费咨询填“已服务”。",
        "9. 结果记录后不能修改；编号相同而内容不同的行不会导入。",
    ),
)


@router.get(
    "/inspection-results/template.xlsx",
    operation_id="inspection-results-template-xlsx",
    summary="The inspection-results template to fill in and import into a session",
    response_class=Response,
    responses=TEMPLATE_RESPONSE,
)
async def results_template(ctx: Context, platform: PlatformDep) -> Response:
    del ctx
    content = await run_in_threadpool(template, SHEET, max_rows=platform.settings.max_import_rows)
    return xlsx_response(content, "检测鉴别结果导入模板.xlsx")


@router.post(
    "/inspection-sessions/{session_id}/results:import",
    operation_id="inspection-results-import-xlsx",
    response_model=WorkbookImport,
    summary="Record a session's results from a workbook, idempotent by 编号",
    description="Each row is a result of the session, recorded as by its `results:batch`. "
    "`dry_run=true` checks every row and writes nothing.",
)
async def import_results_workbook(
    session_id: str,
    ctx: Context,
    platform: PlatformDep,
    sessions: Sessions,
    campaigns: Campaigns,
    file: Annotated[UploadFile, File(description="The filled-in template (.xlsx)")],
    dry_run: bool = False,
) -> WorkbookImport:
    use_case = ResultWorkbookImport(platform.unit_of_work(ctx.actor))
    stored = await use_case.stored(ctx, session_id)  # 404 before reading a session not visible
    await session_in_campaign(sessions, ctx, session_id, campaigns)  # as its results:batch
    parsed = await read_upload(file, SHEET, max_rows=platform.settings.max_import_rows)
    items = [
        ImportItem(i, fingerprint(row.parts[0]), row.parts[0])  # type: ignore[arg-type]
        for i, row in enumerate(parsed.rows)
    ]
    results, conflicts = await use_case.run(ctx, session_id, items, dry_run=dry_run)
    if not dry_run:
        stored = await use_case.stored(ctx, session_id)
    return import_report(
        parsed,
        SHEET,
        results,
        conflicts,
        dry_run=dry_run,
        missing=missing_rows(stored, parsed.keys),
    )


@router.get(
    "/inspection-results/export.xlsx",
    operation_id="inspection-results-export-xlsx",
    summary="The caller's inspection results as a workbook (a province: its own)",
    response_class=Response,
    responses=TEMPLATE_RESPONSE,
)
async def export_results(
    ctx: Context,
    platform: PlatformDep,
    campaign: Annotated[str | None, Query(max_length=32)] = None,
    province: ProvinceCode | None = None,
) -> Response:
    service = ResultService(platform.unit_of_work(ctx.actor))
    flt = ResultFilter(province=province, campaign=campaign)
    rows = []
    cursor: str | None = None
    while True:
        page = await service.list(ctx, flt, cursor=cursor, limit=MAX_LIMIT)
        for stored in page:
            out = ResultOut.of(stored)
            rows.append(((out.model_dump(),), (out.id, PROVINCES[out.province], out.session_id)))
        cursor = next_cursor(page, MAX_LIMIT)
        if cursor is None:
            break
    extra = ("系统编号", "省份", "检测鉴别活动")
    content = await run_in_threadpool(export, SHEET, rows, extra_titles=extra)
    return xlsx_response(content, "检测鉴别结果.xlsx")
