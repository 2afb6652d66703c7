"""HTTP routes of the aggregator: the national statistics for headquarters."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response

from sanjin_aggregator.adapters.readmodel import StatisticsStore
from sanjin_aggregator.adapters.xlsx import XLSX_MEDIA_TYPE, workbook
from sanjin_aggregator.api.schemas import DailyStatistics, DayOut, ProvinceStatistics, Statistics
from sanjin_aggregator.service import exports
from sanjin_aggregator.service.readmodels import statistics_store
from sanjin_aggregator.service.statistics import daily_series, statistics
from sanjin_shared.app import PlatformDep
from sanjin_shared.auth import CurrentPrincipal, HQReader, Role
from sanjin_shared.problems import NotFound
from sanjin_shared.reference import ProvinceCode

router = APIRouter(prefix="/v1", tags=["statistics"])

CampaignId = Annotated[str, Path(pattern=r"^[0-9A-Za-z_-]{1,32}$")]


async def get_store(platform: PlatformDep) -> StatisticsStore:
    return statistics_store(platform)


Store = Annotated[StatisticsStore, Depends(get_store)]


@router.get(
    "/campaigns/{campaign}/statistics",
    response_model=Statistics,
    summary="The national statistics table: every reporting unit, totals, venue types",
)
async def national_statistics(campaign: CampaignId, _hq: HQReader, store: Store) -> Statistics:
    return Statistics.of(await statistics(store, campaign))


@router.get(
    "/campaigns/{campaign}/statistics/daily",
    response_model=DailyStatistics,
    summary="Every metric day by day (Beijing dates), national or for one province",
    description="Each day carries the figures as they stood at its end, as changed by the "
    "events of that day; the days from the first change to the last are all present. A "
    "province token reads its own province.",
)
async def daily_statistics(
    campaign: CampaignId,
    principal: CurrentPrincipal,
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
    "/campaigns/{campaign}/statistics/{province}",
    response_model=ProvinceStatistics,
    summary="One reporting unit's statistics (a province token reads its own)",
)
async def province_statistics(
    campaign: CampaignId, province: ProvinceCode, principal: CurrentPrincipal, store: Store
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
    summary="The statistics table as a spreadsheet, laid out as Attachment 1 of the notice",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}},
)
async def statistics_xlsx(campaign: CampaignId, _hq: HQReader, store: Store) -> Response:
    table = await statistics(store, campaign)
    headers, rows = exports.xlsx_layout(table)
    body = workbook(exports.title(table), "活动情况统计表", headers, rows)
    return attachment(body, XLSX_MEDIA_TYPE, f"三进活动情况统计表-{campaign}.xlsx")


@router.get(
    "/campaigns/{campaign}/statistics.csv",
    summary="The statistics table as CSV (UTF-8 with BOM, Chinese headers)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def statistics_csv(campaign: CampaignId, _hq: HQReader, store: Store) -> Response:
    body = exports.csv_bytes(await statistics(store, campaign))
    return attachment(body, "text/csv; charset=utf-8", f"三进活动情况统计表-{campaign}.csv")
