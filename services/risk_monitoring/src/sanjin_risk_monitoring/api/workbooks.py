"""Excel in and out for monitoring points (the register of Attachment 2) and risk reports:
`GET <collection>/template.xlsx`, `POST <collection>:import`, `GET <collection>/export.xlsx`.

The sheets are derived from `PointCreate` (whose fields are in the order of Attachment 2) and
`ReportCreate`; rows go through the JSON API's use cases (`service/workbook.py`). Registered
before `routes.py`, so `template.xlsx` is not taken for a record id.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sanjin_risk_monitoring.adapters.repository import PointFilter, ReportFilter
from sanjin_risk_monitoring.api.schemas import PointCreate, PointOut, ReportCreate, ReportOut
from sanjin_risk_monitoring.service.points import PointService
from sanjin_risk_monitoring.service.reports import ReportService
from sanjin_risk_monitoring.service.workbook import PointWorkbookImport, ReportWorkbookImport, Row
from sanjin_shared.app import PlatformDep
from sanjin_shared.batch import ItemConflict
from sanjin_shared.campaigns import CampaignBook, Campaigns
from sanjin_shared.context import Context, RequestContext
from sanjin_shared.idempotency import fingerprint
from sanjin_shared.pagination import MAX_LIMIT
from sanjin_shared.reference import PROVINCES, ProvinceCode
from sanjin_shared.repository import Stored, next_cursor
from sanjin_shared.workbook import Part, RecordSheet, export, template
from sanjin_shared.workbook.imports import (
    TEMPLATE_RESPONSE,
    WorkbookImport,
    import_answer,
    read_upload,
    xlsx_response,
)

router = APIRouter(prefix="/v1")
NO_PROVINCE = frozenset({"province"})

POINTS = RecordSheet(
    name="风险信息监测点",
    parts=(Part(PointCreate, exclude=NO_PROVINCE),),
    example=(
        {
            "campaign": "2019",
            "name": "朝阳社区消费品质量安全风险信息监测点",
            "venue_type": "community",
            "city": "北京市",
            "county": "朝阳区",
            "address": "朝阳路 1 号",
            "host_organization": "朝阳社区居委会",
            "contact_name": "王芳",
            "contact_phone": "13800138000",
            "established_on": "2019-09-01",
            "capabilities": ["信息采集", "宣传"],
            "external_id": "001",
        },
    ),
    notes=("7. 本表各列与通知附件 2《消费品质量安全风险信息监测点登记表》一致。",),
)
REPORTS = RecordSheet(
    name="风险信息",
    parts=(Part(ReportCreate, exclude=NO_PROVINCE),),
    example=(
        {
            "monitoring_point_id": "001",
            "campaign": "2019",
            "occurred_on": "2019-09-20",
            "product_category": "toys",
            "product_name": "儿童电动玩具车",
            "brand": "某品牌",
            "model": "X-1",
            "hazard_type": "injuries",
            "severity": "minor",
            "injured": True,
            "victim_age": 6,
            "description": "车轮脱落划伤手指",
            "external_id": "001",
        },
    ),
    notes=(
        "7. 监测点一列填写该监测点在登记表中的编号（或系统编号）。",
        "8. 风险信息报送后不能修改；编号相同而内容不同的行不会导入。",
    ),
)
Province = Annotated[
    ProvinceCode | None, Query(description="For hq and admin: the province of every row")
]
Upload = Annotated[UploadFile, File(description="The filled-in template (.xlsx)")]
Campaign = Annotated[str | None, Query(max_length=32)]


def _rows(parsed: Any) -> list[Row]:
    return [
        Row(
            index=i,
            external_id=row.key,
            fingerprint=fingerprint(row.parts[0]),
            fields=row.parts[0].model_dump(exclude={"province"}),
        )
        for i, row in enumerate(parsed.rows)
    ]


async def _in_campaigns(
    campaigns: CampaignBook, rows: list[Row], field: str, *, earlier_ok: bool = False
) -> tuple[list[Row], list[ItemConflict]]:
    """The rows that pass the campaign rule (as `:batch` items do), and the others' conflicts."""
    passed, refused = await campaigns.screen(
        [(r.index, r) for r in rows],
        lambda r: (r.fields["campaign"], r.fields[field], field),
        earlier_ok=earlier_ok,
    )
    return [r for _, r in passed], refused


async def _all(
    ctx: RequestContext, page: Callable[[str | None], Awaitable[list[Stored[Any]]]]
) -> list[Stored[Any]]:
    out: list[Stored[Any]] = []
    cursor: str | None = None
    while True:
        items = await page(cursor)
        out.extend(items)
        cursor = next_cursor(items, MAX_LIMIT)
        if cursor is None:
            return out


# -- monitoring points ------------------------------------------------------------------------------


@router.get(
    "/monitoring-points/template.xlsx",
    operation_id="monitoring-points-template-xlsx",
    tags=["monitoring points"],
    summary="The monitoring-point template (Attachment 2) to fill in and import",
    response_class=Response,
    responses=TEMPLATE_RESPONSE,
)
async def points_template(ctx: Context, platform: PlatformDep) -> Response:
    del ctx
    content = await run_in_threadpool(template, POINTS, max_rows=platform.settings.max_import_rows)
    return xlsx_response(content, "风险信息监测点登记表导入模板.xlsx")


@router.post(
    "/monitoring-points:import",
    operation_id="monitoring-points-import-xlsx",
    tags=["monitoring points"],
    response_model=WorkbookImport,
    summary="Register or update monitoring points from a workbook, idempotent by 编号",
    description="A new 编号 registers a point; a stored one with other details updates them; "
    "an identical row changes nothing. `dry_run=true` writes nothing.",
)
async def import_points(
    ctx: Context,
    platform: PlatformDep,
    campaigns: Campaigns,
    file: Upload,
    dry_run: bool = False,
    province: Province = None,
) -> WorkbookImport:
    owner = ctx.principal.write_province(province)
    parsed = await read_upload(file, POINTS, max_rows=platform.settings.max_import_rows)
    rows, refused = await _in_campaigns(campaigns, _rows(parsed), "established_on", earlier_ok=True)
    use_case = PointWorkbookImport(platform.unit_of_work(ctx.actor))
    results, conflicts = await use_case.run(ctx, owner, rows, dry_run=dry_run)
    conflicts = refused + conflicts
    return await import_answer(
        parsed,
        POINTS,
        results,
        conflicts,
        lambda named: use_case.stored(owner, named),
        dry_run=dry_run,
    )


@router.get(
    "/monitoring-points/export.xlsx",
    operation_id="monitoring-points-export-xlsx",
    tags=["monitoring points"],
    summary="The caller's monitoring points as a workbook (a province: its own)",
    response_class=Response,
    responses=TEMPLATE_RESPONSE,
)
async def export_points(
    ctx: Context,
    platform: PlatformDep,
    campaign: Campaign = None,
    province: ProvinceCode | None = None,
) -> Response:
    service = PointService(platform.unit_of_work(ctx.actor))
    points = PointFilter(province=province, campaign=campaign)
    stored = await _all(ctx, lambda c: service.list(ctx, points, cursor=c, limit=MAX_LIMIT))
    rows = []
    for s in stored:
        out = PointOut.shown_to(ctx.principal, s)
        latest = out.latest_evaluation
        rows.append(
            (
                (out.model_dump(),),
                (
                    out.id,
                    PROVINCES[out.province],
                    "在用" if out.status == "active" else "停用",
                    latest.evaluated_on if latest else None,
                    latest.score if latest else None,
                ),
            )
        )
    extra = ("系统编号", "省份", "状态", "最近评估日期", "最近评估得分")
    content = await run_in_threadpool(export, POINTS, rows, extra_titles=extra)
    return xlsx_response(content, "风险信息监测点登记表.xlsx")


# -- risk reports -----------------------------------------------------------------------------------


@router.get(
    "/risk-reports/template.xlsx",
    operation_id="risk-reports-template-xlsx",
    tags=["risk reports"],
    summary="The risk-report template to fill in and import",
    response_class=Response,
    responses=TEMPLATE_RESPONSE,
)
async def reports_template(ctx: Context, platform: PlatformDep) -> Response:
    del ctx
    content = await run_in_threadpool(template, REPORTS, max_rows=platform.settings.max_import_rows)
    return xlsx_response(content, "风险信息导入模板.xlsx")


@router.post(
    "/risk-reports:import",
    operation_id="risk-reports-import-xlsx",
    tags=["risk reports"],
    response_model=WorkbookImport,
    summary="Receive risk reports from a workbook, idempotent by 编号",
    description="Each row is received as by `POST /v1/risk-reports`; the monitoring point may be "
    "named by its 编号. A report is not changed once received: a stored 编号 with other content "
    "is refused at its row. `dry_run=true` writes nothing.",
)
async def import_reports_workbook(
    ctx: Context,
    platform: PlatformDep,
    campaigns: Campaigns,
    file: Upload,
    dry_run: bool = False,
    province: Province = None,
) -> WorkbookImport:
    owner = ctx.principal.write_province(province)
    parsed = await read_upload(file, REPORTS, max_rows=platform.settings.max_import_rows)
    rows, refused = await _in_campaigns(campaigns, _rows(parsed), "occurred_on")
    use_case = ReportWorkbookImport(platform.unit_of_work(ctx.actor))
    results, conflicts = await use_case.run(
        ctx,
        owner,
        rows,
        lambda body: fingerprint(ReportCreate.model_validate(body)),
        dry_run=dry_run,
    )
    conflicts = refused + conflicts
    return await import_answer(
        parsed,
        REPORTS,
        results,
        conflicts,
        lambda named: use_case.stored(owner, named),
        dry_run=dry_run,
    )


@router.get(
    "/risk-reports/export.xlsx",
    operation_id="risk-reports-export-xlsx",
    tags=["risk reports"],
    summary="The caller's risk reports as a workbook (a province: its own)",
    response_class=Response,
    responses=TEMPLATE_RESPONSE,
)
async def export_reports(
    ctx: Context,
    platform: PlatformDep,
    campaign: Campaign = None,
    province: ProvinceCode | None = None,
) -> Response:
    service = ReportService(platform.unit_of_work(ctx.actor))
    reports = ReportFilter(province=province, campaign=campaign)
    stored = await _all(ctx, lambda c: service.list(ctx, reports, cursor=c, limit=MAX_LIMIT))
    rows = []
    for s in stored:
        out = ReportOut.of(s)
        rows.append(
            (
                (out.model_dump(),),
                (
                    out.id,
                    PROVINCES[out.province],
                    out.risk_level.label_zh,
                    "是" if out.signal else "否",
                ),
            )
        )
    extra = ("系统编号", "省份", "风险等级", "风险信号")
    content = await run_in_threadpool(export, REPORTS, rows, extra_titles=extra)
    return xlsx_response(content, "风险信息.xlsx")
