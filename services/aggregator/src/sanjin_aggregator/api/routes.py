"""HTTP routes of the aggregator: the national statistics for headquarters."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from sanjin_aggregator.adapters.readmodel import StatisticsStore
from sanjin_aggregator.adapters.submissions import SubmissionRepository
from sanjin_aggregator.adapters.xlsx import XLSX_MEDIA_TYPE
from sanjin_aggregator.api.schemas import (
    DailyStatistics,
    DayOut,
    OfficialStatistics,
    ProvinceStatistics,
    Statistics,
)
from sanjin_aggregator.service import exports
from sanjin_aggregator.service.exports import Basis
from sanjin_aggregator.service.official import OfficialFigures, official_figures
from sanjin_aggregator.service.runtime import statistics_store
from sanjin_aggregator.service.statistics import daily_series, statistics
from sanjin_aggregator.settings import AggregatorSettings
from sanjin_shared.api_types import CAMPAIGN_ID_PATTERN
from sanjin_shared.app import PlatformDep
from sanjin_shared.auth import AnyPrincipal, Role, StatisticsReader
from sanjin_shared.clock import beijing_date, utc_now
from sanjin_shared.problems import NotFound
from sanjin_shared.reference import ProvinceCode

router = APIRouter(prefix="/v1", tags=["statistics"])

CampaignId = Annotated[str, Path(pattern=CAMPAIGN_ID_PATTERN)]


async def get_store(platform: PlatformDep) -> StatisticsStore:
    return statistics_store(platform)


Store = Annotated[StatisticsStore, Depends(get_store)]


BasisParam = Annotated[
    Basis,
    Query(
        description="live: the records as they stand (the default); approved: compiled from the "
        "snapshots headquarters approved, each unit with its figures' time and approval time, "
        "beside the live figures and the difference"
    ),
]


async def official(platform: PlatformDep, store: StatisticsStore, campaign: str) -> OfficialFigures:
    return await official_figures(SubmissionRepository(platform.db), store, campaign)


@router.get(
    "/campaigns/{campaign}/statistics",
    operation_id="statistics-get",
    response_model=Statistics | OfficialStatistics,
    summary="The national statistics table: every reporting unit, totals, venue types",
)
async def national_statistics(
    campaign: CampaignId,
    _reader: StatisticsReader,
    store: Store,
    platform: PlatformDep,
    basis: BasisParam = "live",
) -> Statistics | OfficialStatistics:
    if basis == "approved":
        return OfficialStatistics.of(await official(platform, store, campaign))
    return Statistics.of(await statistics(store, campaign))


@router.get(
    "/campaigns/{campaign}/statistics/daily",
    operation_id="daily-statistics-get",
    response_model=DailyStatistics,
    summary="Every metric day by day (Beijing dates), national or for one province",
    description="Each day carries the figures as they stood at its end, as changed by the "
    "events of that day; the days from the first change to the last are all present. A "
    "province token reads its own province.",
)
async def daily_statistics(
    campaign: CampaignId,
    principal: AnyPrincipal,
    store: Store,
    province: ProvinceCode | None = None,
) -> DailyStatistics:
    if principal.role is Role.province:
        if province not in (None, principal.province):
            raise NotFound(f"no statistics of {province} for this token")
        province = principal.province
    series = await daily_series(store, campaign, province)
    return DailyStatistics(
        campaign=campaign,
        province=province,
        days=[DayOut.model_validate({"date": d.day, "metrics": d.metrics}) for d in series],
    )


@router.get(
    "/campaigns/{campaign}/statistics/{province}.xlsx",
    operation_id="province-statistics-export-xlsx",
    summary="One reporting unit's row of Attachment 1 as a workbook, by venue type (a province "
    "token reads its own)",
    description="The row split by 社区/校园/乡镇 (医院 where it has figures) and the row itself "
    "(合计), with the filler block; texts stay texts. Declared before `statistics/{province}`, "
    "which would take `110000.xlsx` for a province code.",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}},
)
async def province_statistics_xlsx(
    campaign: CampaignId, province: ProvinceCode, principal: AnyPrincipal, store: Store
) -> Response:
    if not principal.can_read(province):
        raise NotFound(f"no statistics of {province} for this token")
    table = await statistics(store, campaign)
    row = next(r for r in table.provinces if r.province == province)
    body = exports.unit_workbook(table, row, today=beijing_date(utc_now()))
    return attachment(body, XLSX_MEDIA_TYPE, f"三进活动情况统计表-{campaign}-{row.name}.xlsx")


@router.get(
    "/campaigns/{campaign}/statistics/{province}",
    operation_id="province-statistics-get",
    response_model=ProvinceStatistics,
    summary="One reporting unit's statistics (a province token reads its own)",
)
async def province_statistics(
    campaign: CampaignId, province: ProvinceCode, principal: AnyPrincipal, store: Store
) -> ProvinceStatistics:
    if not principal.can_read(province):
        raise NotFound(f"no statistics of {province} for this token")
    table = await statistics(store, campaign)
    row = next(r for r in table.provinces if r.province == province)
    return ProvinceStatistics.of(row)


def attachment(body: bytes, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


@router.get(
    "/campaigns/{campaign}/statistics.xlsx",
    operation_id="statistics-export-xlsx",
    summary="The statistics workbook, laid out as Attachment 1 of the notice, for print on A4",
    description="Sheet 1 the table, sheet 2 by venue type (社区/校园/乡镇/医院), the filler "
    "block (填报单位, 填报人, 联系电话, 填报日期), A4 landscape fitted to the width with the title "
    "and header rows on every page. basis=approved adds each unit's figures' time and approval "
    "time, and the live figures and the difference on sheets 3 and 4.",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}},
)
async def statistics_xlsx(
    campaign: CampaignId,
    _reader: StatisticsReader,
    store: Store,
    platform: PlatformDep,
    basis: BasisParam = "live",
) -> Response:
    live = await statistics(store, campaign)
    figures = await official(platform, store, campaign) if basis == "approved" else None
    settings: AggregatorSettings = platform.settings  # type: ignore[assignment]
    body = exports.official_workbook(
        live, figures, filler_unit=settings.report_filler_unit, today=beijing_date(utc_now())
    )
    suffix = "-审核通过" if figures else ""
    return attachment(body, XLSX_MEDIA_TYPE, f"三进活动情况统计表-{campaign}{suffix}.xlsx")


@router.get(
    "/campaigns/{campaign}/statistics.csv",
    operation_id="statistics-export-csv",
    summary="The statistics table as CSV (UTF-8 with BOM, Chinese headers)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def statistics_csv(
    campaign: CampaignId,
    _reader: StatisticsReader,
    store: Store,
    platform: PlatformDep,
    basis: BasisParam = "live",
) -> Response:
    figures = await official(platform, store, campaign) if basis == "approved" else None
    body = exports.csv_bytes(await statistics(store, campaign), figures)
    suffix = "-审核通过" if figures else ""
    return attachment(body, "text/csv; charset=utf-8", f"三进活动情况统计表-{campaign}{suffix}.csv")
