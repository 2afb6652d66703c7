"""Year over year: a campaign's statistics beside an earlier campaign's, per reporting unit and
metric, with the change and the percentage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sanjin_aggregator.adapters.readmodel import StatisticsStore
from sanjin_aggregator.domain.metrics import METRIC_LABELS, METRICS
from sanjin_aggregator.service.exports import TOTAL_LABEL
from sanjin_aggregator.service.statistics import StatisticsTable, statistics
from sanjin_shared.campaigns import UnknownCampaign
from sanjin_shared.problems import Unprocessable

Value = int | float | None


@dataclass(frozen=True, slots=True)
class Change:
    current: Value
    earlier: Value
    change: Value  # current - earlier
    percent: float | None  # the change in percent of the earlier value; None when it was 0

    @classmethod
    def of(cls, current: Value, earlier: Value) -> Change:
        if current is None or earlier is None:
            return cls(current, earlier, None, None)
        diff = current - earlier
        if isinstance(diff, float):
            diff = round(diff, 2)
        percent = round(diff / earlier * 100, 1) if earlier else None
        return cls(current, earlier, diff, percent)


@dataclass(frozen=True, slots=True)
class UnitChanges:
    province: str | None  # None: the national total
    name: str
    metrics: dict[str, Change]


@dataclass(frozen=True, slots=True)
class Comparison:
    campaign: str
    earlier: str
    units: list[UnitChanges]  # the 32 reporting units in GB/T 2260 order, then the total


def compare_tables(current: StatisticsTable, earlier: StatisticsTable) -> Comparison:
    before = {row.province: row for row in earlier.provinces}
    units = [
        UnitChanges(
            row.province,
            row.name,
            {m: Change.of(row.metrics[m], before[row.province].metrics[m]) for m in METRICS},
        )
        for row in current.provinces
    ]
    units.append(
        UnitChanges(
            None,
            TOTAL_LABEL,
            {m: Change.of(current.totals[m], earlier.totals[m]) for m in METRICS},
        )
    )
    return Comparison(current.campaign, earlier.campaign, units)


async def compare(store: StatisticsStore, campaign: str, earlier: str) -> Comparison:
    """The campaign beside an earlier one: both known, the other one not starting later."""
    now, before = await store.windows.get(campaign), await store.windows.get(earlier)
    if now is None:
        raise UnknownCampaign(campaign)
    if before is None:
        raise UnknownCampaign(earlier)
    if earlier == campaign or before.starts_on > now.starts_on:
        raise Unprocessable(
            f"活动批次“{earlier}”不早于“{campaign}” (campaign {earlier} does not start before "
            f"{campaign}: compare a campaign with an earlier one)",
            field="with",
        )
    return compare_tables(await statistics(store, campaign), await statistics(store, earlier))


def xlsx_rows(c: Comparison) -> tuple[list[str], list[list[Any]]]:
    """One row per unit and metric, so a sheet can be filtered by either."""
    headers = [
        "填报单位",
        "指标",
        f"{c.campaign}年",
        f"{c.earlier}年",
        "增减",
        "增减幅度(%)",
    ]
    rows = [
        [unit.name, METRIC_LABELS[m], ch.current, ch.earlier, ch.change, ch.percent]
        for unit in c.units
        for m, ch in unit.metrics.items()
    ]
    return headers, rows
