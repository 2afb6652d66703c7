"""The statistics table as headquarters files it: Attachment 1 of the notice (活动情况统计表), one
row per reporting unit in GB/T 2260 order with XPCC last, then the national total, with the
Chinese headers. The same rows feed the .xlsx and the .csv.

The official workbook (`official_workbook`): sheet 1 the table; sheet 2 the same figures by venue
type (社区/校园/乡镇/医院), one printed page per venue type; from the approved snapshots, each unit
with its figures' time and its approval time, and then the live figures and the difference
(live − approved) on sheets 3 and 4. Each sheet has the filler block (填报单位, 填报人, 联系电话,
填报日期) and a note that states how many A4 landscape pages it prints on (`make print-check`
renders it with LibreOffice and checks that).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Literal

from sanjin_aggregator.adapters.xlsx import Sheet, workbook_of
from sanjin_aggregator.domain.metrics import METRIC_LABELS, METRICS
from sanjin_aggregator.service.official import OfficialFigures
from sanjin_aggregator.service.statistics import VENUE_TYPES, ProvinceRow, StatisticsTable
from sanjin_shared.clock import BEIJING
from sanjin_shared.reference import VenueType
from sanjin_shared.sheets import write_csv

TOTAL_LABEL = "合计"
Basis = Literal["live", "approved"]
BASIS_LABELS: dict[str, str] = {"live": "实时数据", "approved": "审核通过数据"}
FILLER_LABELS = ("填报单位", "填报人", "联系电话", "填报日期")
PAGES_NOTE = "打印：A4横向，按页宽缩放，标题和表头每页重复，本表共{pages}页。"
APPROVAL_HEADERS = ("数据截至", "审核通过时间")


def title(table: StatisticsTable, basis: Basis = "live") -> str:
    as_of = (
        table.as_of.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if table.as_of else "尚无数据"
    )
    source = "" if basis == "live" else f"{BASIS_LABELS[basis]}，"
    return f"{table.campaign}年消费品质量安全“三进”活动情况统计表（{source}数据截至{as_of}）"


def xlsx_layout(table: StatisticsTable) -> tuple[list[str], list[list[Any]]]:
    headers = ["序号", "填报单位", *(METRIC_LABELS[m] for m in METRICS)]
    rows: list[list[Any]] = [
        [i, row.name, *(row.metrics[m] for m in METRICS)]
        for i, row in enumerate(table.provinces, 1)
    ]
    rows.append([None, TOTAL_LABEL, *(table.totals[m] for m in METRICS)])
    return headers, rows


def _beijing(moment: datetime | None) -> datetime | None:
    """A time as a spreadsheet keeps it: Beijing wall time, without an offset."""
    return moment.astimezone(BEIJING).replace(tzinfo=None) if moment else None


def _approved_layout(figures: OfficialFigures) -> tuple[list[str], list[list[Any]]]:
    headers, rows = xlsx_layout(figures.approved)
    for row, unit in zip(rows, [*figures.approved.provinces, None], strict=True):
        approval = figures.approvals.get(unit.province) if unit else None
        if unit is None:
            row.extend([None, None])
        elif approval is None:
            row.extend(["未审核通过", None])
        else:
            row.extend([_beijing(approval.as_of), _beijing(approval.approved_at)])
    return [*headers, *APPROVAL_HEADERS], rows


def _difference_layout(figures: OfficialFigures) -> tuple[list[str], list[list[Any]]]:
    headers, _ = xlsx_layout(figures.live)
    rows: list[list[Any]] = []
    for i, unit in enumerate(figures.live.provinces, 1):
        diff = figures.difference(unit.province)
        rows.append([i, unit.name, *(diff.get(m) for m in METRICS)])
    total = figures.difference()
    rows.append([None, TOTAL_LABEL, *(total.get(m) for m in METRICS)])
    return headers, rows


def _by_venue_layout(table: StatisticsTable) -> tuple[list[str], list[list[Any]], list[int]]:
    """One block of 32 units and their total per venue type; a page ends after each block."""
    headers = ["序号", "填报单位", "场所类型", *(METRIC_LABELS[m] for m in METRICS)]
    rows: list[list[Any]] = []
    breaks = []
    for venue in VENUE_TYPES:
        label = VenueType.of(venue).label_zh
        for i, unit in enumerate(table.provinces, 1):
            figures = unit.by_venue_type[venue]
            rows.append([i, unit.name, label, *(figures[m] for m in METRICS)])
        totals = table.venue_totals[venue]
        rows.append([None, TOTAL_LABEL, label, *(totals[m] for m in METRICS)])
        breaks.append(len(rows))
    return headers, rows, breaks[:-1]


def official_workbook(
    live: StatisticsTable,
    figures: OfficialFigures | None,
    *,
    filler_unit: str,
    today: date,
) -> bytes:
    """The statistics workbook of either basis: `figures` given, the approved one."""
    filler = list(zip(FILLER_LABELS, (filler_unit, "", "", today.isoformat()), strict=True))
    table = figures.approved if figures else live
    basis: Basis = "approved" if figures else "live"
    if figures:
        headers, rows = _approved_layout(figures)
        source = "注：依据各单位报送并经审核通过的数据汇总，未审核通过的单位计为0；“数据截至”为该单位报送时数据的截至时间。"
    else:
        headers, rows = xlsx_layout(live)
        source = "注：依据各单位录入的实时数据汇总，审核前后可能变化。"
    venue_headers, venue_rows, breaks = _by_venue_layout(table)
    sheets = [
        Sheet("活动情况统计表", title(table, basis), headers, rows, filler, _notes(source, 1)),
        Sheet(
            "按场所类型",
            f"{title(table, basis)}——按场所类型（社区/校园/乡镇/医院）",
            venue_headers,
            venue_rows,
            filler,
            _notes("注：各场所类型的合计为全国该类场所的汇总。", len(breaks) + 1),
            breaks_after=breaks,
        ),
    ]
    if figures:
        live_headers, live_rows = xlsx_layout(live)
        diff_headers, diff_rows = _difference_layout(figures)
        sheets += [
            Sheet("实时数据", title(live), live_headers, live_rows, filler, _notes(None, 1)),
            Sheet(
                "差异（实时−审核）",
                f"{live.campaign}年“三进”活动情况统计表：实时数据与审核通过数据之差（实时−审核）",
                diff_headers,
                diff_rows,
                filler,
                _notes("注：空白表示两者相同。", 1),
            ),
        ]
    return workbook_of(sheets)


def applicable_venue_types(row: ProvinceRow) -> list[str]:
    """The venue types a unit's row is split by: 社区, 校园, 乡镇 always, 医院 where it has
    figures."""
    always = (VenueType.community, VenueType.campus, VenueType.township)
    return [v for v in VENUE_TYPES if v in always or any(row.by_venue_type[v][m] for m in METRICS)]


def unit_workbook(table: StatisticsTable, row: ProvinceRow, *, today: date) -> bytes:
    """One unit's row of Attachment 1, for the unit to check before it submits: the row by venue
    type, then the row itself (合计), with the filler block under it."""
    headers = ["场所类型", *(METRIC_LABELS[m] for m in METRICS)]
    rows: list[list[Any]] = [
        [VenueType.of(v).label_zh, *(row.by_venue_type[v][m] for m in METRICS)]
        for v in applicable_venue_types(row)
    ]
    rows.append([TOTAL_LABEL, *(row.metrics[m] for m in METRICS)])
    filler = list(zip(FILLER_LABELS, (row.name, "", "", today.isoformat()), strict=True))
    note = "注：依据本单位录入的实时数据；满意度调查不分场所类型，只计入合计。"
    return workbook_of(
        [
            Sheet(
                "本单位统计表",
                f"{title(table)}——{row.name}",
                headers,
                rows,
                filler,
                _notes(note, 1),
            )
        ]
    )


def _notes(note: str | None, pages: int) -> Sequence[str]:
    return [n for n in (note, PAGES_NOTE.format(pages=pages)) if n]


def csv_bytes(table: StatisticsTable, figures: OfficialFigures | None = None) -> bytes:
    """The table as CSV (sheets.write_csv: UTF-8 with a byte-order mark, every text cell safe).
    From the approved snapshots (`figures` given): each unit's figures' time and approval time,
    then the approved figures, then the difference of the live ones."""
    labels = [METRIC_LABELS[m] for m in METRICS]
    if figures is None:
        rows = [[r.province, r.name, *(r.metrics[m] for m in METRICS)] for r in table.provinces]
        rows.append(["", TOTAL_LABEL, *(table.totals[m] for m in METRICS)])
        return write_csv(["填报单位代码", "填报单位", *labels], rows)
    table = figures.approved
    header = [
        "填报单位代码",
        "填报单位",
        *APPROVAL_HEADERS,
        *labels,
        *(f"{label}（实时−审核）" for label in labels),
    ]
    rows = []
    for row in table.provinces:
        approval = figures.approvals.get(row.province)
        diff = figures.difference(row.province)
        rows.append(
            [
                row.province,
                row.name,
                _time(approval.as_of if approval else None),
                _time(approval.approved_at if approval else None),
                *(row.metrics[m] for m in METRICS),
                *(diff.get(m) for m in METRICS),
            ]
        )
    diff = figures.difference()
    rows.append(
        [
            "",
            TOTAL_LABEL,
            "",
            "",
            *(table.totals[m] for m in METRICS),
            *(diff.get(m) for m in METRICS),
        ]
    )
    return write_csv(header, rows)


def _time(moment: datetime | None) -> str:
    return moment.astimezone(BEIJING).isoformat() if moment else ""
