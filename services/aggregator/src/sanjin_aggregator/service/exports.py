"""The statistics table as headquarters files it: Attachment 1 of the notice (活动情况统计表), one
row per reporting unit in GB/T 2260 order with XPCC last, then the national total, with the
Chinese headers. The same rows feed the .xlsx and the .csv."""

from __future__ import annotations

from typing import Any

from sanjin_aggregator.domain.metrics import METRIC_LABELS, METRICS
from sanjin_aggregator.service.statistics import StatisticsTable
from sanjin_shared.clock import BEIJING
from sanjin_shared.sheets import write_csv

TOTAL_LABEL = "合计"


def title(table: StatisticsTable) -> str:
    as_of = (
        table.as_of.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if table.as_of else "尚无数据"
    )
    return f"{table.campaign}年消费品质量安全“三进”活动情况统计表（数据截至{as_of}）"


def xlsx_layout(table: StatisticsTable) -> tuple[list[str], list[list[Any]]]:
    headers = ["序号", "填报单位", *(METRIC_LABELS[m] for m in METRICS)]
    rows: list[list[Any]] = [
        [i, row.name, *(row.metrics[m] for m in METRICS)]
        for i, row in enumerate(table.provinces, 1)
    ]
    rows.append([None, TOTAL_LABEL, *(table.totals[m] for m in METRICS)])
    return headers, rows


def csv_bytes(table: StatisticsTable) -> bytes:
    rows = [[row.province, row.name, *(row.metrics[m] for m in METRICS)] for row in table.provinces]
    rows.append(["", TOTAL_LABEL, *(table.totals[m] for m in METRICS)])
    return write_csv(["填报单位代码", "填报单位", *(METRIC_LABELS[m] for m in METRICS)], rows)
