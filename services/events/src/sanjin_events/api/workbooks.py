"""Excel in and out for activities: `GET /v1/activities/template.xlsx`,
`POST /v1/activities:import` and `GET /v1/activities/export.xlsx`.

The sheet is derived from `ActivityCreate` (the record) and `ActivityReportIn` (its report
figures, optional: for an activity already held); rows are committed through the use cases of
`:batch` and of `/report` (`service/workbook.py`). Registered before the routes of `routes.py`,
so `template.xlsx` is not taken for an activity id.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sanjin_events.adapters.repository import ActivityFilter
from sanjin_events.api.commands import batch_item, report_of
from sanjin_events.api.schemas import ActivityCreate, ActivityOut, ActivityReportIn
from sanjin_events.service.activities import ActivityService
from sanjin_events.service.workbook import ActivityWorkbookImport
from sanjin_shared.app import PlatformDep
from sanjin_shared.campaigns import Campaigns
from sanjin_shared.context import Context
from sanjin_shared.pagination import MAX_LIMIT
from sanjin_shared.reference import PROVINCES, ProvinceCode
from sanjin_shared.repository import next_cursor
from sanjin_shared.workbook import Part, RecordSheet, export, template
from sanjin_shared.workbook.imports import (
    TEMPLATE_RESPONSE,
    WorkbookImport,
    campaigns_named,
    import_report,
    missing_rows,
    read_upload,
    xlsx_response,
)

router = APIRouter(prefix="/v1", tags=["activities"])

SHEET = RecordSheet(
    name="宣传教育活动",
    parts=(
        Part(ActivityCreate, exclude=frozenset({"province"})),
        Part(ActivityReportIn, optional=True, title="活动报告"),
    ),
    example=(
        {
            "campaign": "2019",
            "kind": "education",
            "title": "质量月进社区宣传",
            "venue_type": "community",
            "venue_name": "朝阳社区",
            "city": "北京市",
            "county": "朝阳区",
            "scheduled_on": "2019-09-15",
            "formats": ["materials", "consultation"],
            "organizer": "北京市市场监督管理局",
            "external_id": "001",
        },
        {
            "held_on": "2019-09-15",
            "participants": 120,
            "materials_distributed": 300,
            "consultations": 45,
            "comparison_items_displayed": 0,
            "video_showings": 0,
            "media_reports": 1,
        },
    ),
    notes=(
        "7. 已举办的活动可同时填写右侧的报告数字（举办日期和参与人数必填）；尚未举办的活动将报告列留空。",
    ),
)
STATUS_LABELS = {"scheduled": "已安排", "completed": "已举办", "cancelled": "已取消"}


@router.get(
    "/activities/template.xlsx",
    operation_id="activities-template-xlsx",
    summary="The activities template (xlsx) to fill in and import",
    response_class=Response,
    responses=TEMPLATE_RESPONSE,
)
async def activities_template(ctx: Context, platform: PlatformDep) -> Response:
    del ctx  # any signed-in caller
    content = await run_in_threadpool(template, SHEET, max_rows=platform.settings.max_import_rows)
    return xlsx_response(content, "宣传教育活动导入模板.xlsx")


@router.post(
    "/activities:import",
    operation_id="activities-import-xlsx",
    response_model=WorkbookImport,
    summary="Import activities from a workbook (the template), idempotent by 编号",
    description="Each row is an activity (`external_id` = 编号), with its report figures when "
    "it was held. `dry_run=true` checks every row and writes nothing; otherwise the valid rows "
    "are committed through the same use cases as `:batch` and `/report`, and the others are "
    "reported at their sheet, row and column. Records stored under an 编号 the workbook no "
    "longer has are listed in `missing`, never changed.",
)
async def import_activities_workbook(
    ctx: Context,
    platform: PlatformDep,
    campaigns: Campaigns,
    file: Annotated[UploadFile, File(description="The filled-in template (.xlsx)")],
    dry_run: bool = False,
    province: Annotated[
        ProvinceCode | None, Query(description="For hq and admin: the province of every row")
    ] = None,
) -> WorkbookImport:
    owner = ctx.principal.write_province(province)
    parsed = await read_upload(file, SHEET, max_rows=platform.settings.max_import_rows)
    items = [batch_item(i, row.parts[0], province=owner) for i, row in enumerate(parsed.rows)]  # type: ignore[arg-type]
    reports = {
        i: report_of(row.parts[1])  # type: ignore[arg-type]
        for i, row in enumerate(parsed.rows)
        if row.parts[1] is not None
    }
    # the campaign rule, as for `:batch` items and `/report`
    scheduled, refused = await campaigns.screen(
        [(i.index, i) for i in items],
        lambda i: (i.command.campaign, i.command.scheduled_on, "scheduled_on"),
    )
    campaign_of = {i: item.command.campaign for i, item in scheduled}
    held, late = await campaigns.screen(
        [(i, (campaign_of[i], r)) for i, r in reports.items() if i in campaign_of],
        lambda cr: (cr[0], cr[1].held_on, "held_on"),
    )
    kept = {i for i, _ in held} | (set(campaign_of) - set(reports))
    items = [item for item in items if item.index in kept]
    reports = {i: r for i, r in reports.items() if i in kept}
    use_case = ActivityWorkbookImport(platform.unit_of_work(ctx.actor))
    results, conflicts = await use_case.run(ctx, items, reports, dry_run=dry_run)
    conflicts = refused + late + conflicts
    named = campaigns_named(parsed)
    stored = await use_case.stored(ctx, owner, named) if named else {}
    return import_report(
        parsed,
        SHEET,
        results,
        conflicts,
        dry_run=dry_run,
        missing=missing_rows(stored, parsed.keys),
    )


@router.get(
    "/activities/export.xlsx",
    operation_id="activities-export-xlsx",
    summary="The caller's activities as a workbook (a province: its own)",
    response_class=Response,
    responses=TEMPLATE_RESPONSE,
)
async def export_activities(
    ctx: Context,
    platform: PlatformDep,
    campaign: Annotated[str | None, Query(max_length=32)] = None,
    province: ProvinceCode | None = None,
) -> Response:
    service = ActivityService(platform.unit_of_work(ctx.actor))
    flt = ActivityFilter(province=province, campaign=campaign)
    rows = []
    cursor: str | None = None
    while True:
        page = await service.list(ctx, flt, cursor=cursor, limit=MAX_LIMIT)
        for stored in page:
            out = ActivityOut.of(stored).model_dump()
            rows.append(
                (
                    (out, out["report"]),
                    (out["id"], PROVINCES[out["province"]], STATUS_LABELS[out["status"]]),
                )
            )
        cursor = next_cursor(page, MAX_LIMIT)
        if cursor is None:
            break
    content = await run_in_threadpool(
        export, SHEET, rows, extra_titles=("系统编号", "省份", "状态")
    )
    return xlsx_response(content, "宣传教育活动.xlsx")
