"""HTTP routes of the aggregator: the national statistics for headquarters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from sanjin_aggregator.adapters.readmodel import StatisticsStore
from sanjin_aggregator.api.schemas import ProvinceStatistics, Statistics
from sanjin_aggregator.service.statistics import statistics
from sanjin_shared.app import PlatformDep
from sanjin_shared.auth import CurrentPrincipal, HQReader
from sanjin_shared.problems import NotFound
from sanjin_shared.reference import ProvinceCode

router = APIRouter(prefix="/v1", tags=["statistics"])

CampaignId = Annotated[str, Path(pattern=r"^[0-9A-Za-z_-]{1,32}$")]


def get_store(platform: PlatformDep) -> StatisticsStore:
    return platform.extras["statistics_store"]


Store = Annotated[StatisticsStore, Depends(get_store)]


@router.get(
    "/campaigns/{campaign}/statistics",
    response_model=Statistics,
    summary="The national statistics table: every reporting unit, totals, venue types",
)
async def national_statistics(campaign: CampaignId, _hq: HQReader, store: Store) -> Statistics:
    return Statistics.of(await statistics(store, campaign))


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
