"""Year over year (GET /v1/campaigns/{campaign}/statistics/compare?with={earlier}). Included
before the statistics router, whose `/statistics/{province}` would take the path otherwise."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from sanjin_aggregator.adapters.xlsx import XLSX_MEDIA_TYPE, workbook
from sanjin_aggregator.api.routes import CampaignId, Store, attachment
from sanjin_aggregator.service.compare import Comparison, compare, xlsx_rows
from sanjin_shared.auth import StatisticsReader

router = APIRouter(prefix="/v1", tags=["statistics"])

Earlier = Annotated[
    str,
    Query(
        alias="with",
        pattern=r"^[0-9A-Za-z_-]{1,32}$",
        description="An earlier campaign, e.g. the previous year's",
    ),
]


class MetricChange(BaseModel):
    current: int | float | None
    earlier: int | float | None
    change: int | float | None = Field(description="current - earlier")
    percent: float | None = Field(
        description="The change in percent of the earlier value (None when that was 0)"
    )


class UnitComparison(BaseModel):
    province: str | None = Field(description="None for the national total")
    name: str
    metrics: dict[str, MetricChange]


class ComparisonOut(BaseModel):
    campaign: str
    earlier: str
    units: list[UnitComparison] = Field(
        description="The 32 reporting units in GB/T 2260 order (XPCC last), then the total"
    )

    @classmethod
    def of(cls, c: Comparison) -> ComparisonOut:
        return cls(
            campaign=c.campaign,
            earlier=c.earlier,
            units=[
                UnitComparison(
                    province=u.province,
                    name=u.name,
                    metrics={
                        m: MetricChange(
                            current=ch.current,
                            earlier=ch.earlier,
                            change=ch.change,
                            percent=ch.percent,
                        )
                        for m, ch in u.metrics.items()
                    },
                )
                for u in c.units
            ],
        )


@router.get(
    "/campaigns/{campaign}/statistics/compare",
    response_model=ComparisonOut,
    operation_id="statistics-compare",
    summary="Year over year: the campaign beside an earlier one, per unit and metric",
)
async def compare_statistics(
    campaign: CampaignId, earlier: Earlier, _reader: StatisticsReader, store: Store
) -> ComparisonOut:
    return ComparisonOut.of(await compare(store, campaign, earlier))


@router.get(
    "/campaigns/{campaign}/statistics/compare.xlsx",
    operation_id="statistics-compare-xlsx",
    summary="Year over year as a spreadsheet: one row per unit and metric",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}},
)
async def compare_statistics_xlsx(
    campaign: CampaignId, earlier: Earlier, _reader: StatisticsReader, store: Store
) -> Response:
    comparison = await compare(store, campaign, earlier)
    headers, rows = xlsx_rows(comparison)
    title = f"{campaign}年与{earlier}年消费品质量安全“三进”活动情况对比表"
    body = workbook(title, "同比", headers, rows)
    return attachment(body, XLSX_MEDIA_TYPE, f"三进活动情况对比表-{campaign}-{earlier}.xlsx")
