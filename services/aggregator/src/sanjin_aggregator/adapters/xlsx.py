"""Spreadsheets for headquarters: Chinese headers, a frozen header row, widths, number formats,
and a print layout: A4 landscape, fitted to the page's width, the title and header rows repeated
on every printed page, page numbers in the footer, and a page break where a sheet asks for one.
A text that a spreadsheet would take for a formula is stored as text (sheets.texts_stay_text)."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from sanjin_shared.sheets import texts_stay_text

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLE_ROWS = 2  # the title and the header row, repeated on every printed page
_THIN = Side(style="thin", color="808080")
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_LINES = 4  # a header wraps onto at most this many lines


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    filler: Sequence[tuple[str, str]] = ()  # the filler block under the table: label, value
    notes: Sequence[str] = ()  # lines under it
    breaks_after: Sequence[int] = ()  # a printed page ends after these many data rows
    print_layout: bool = True


def workbook(
    title: str, sheet: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]
) -> bytes:
    """One sheet: the title, the header row, the rows."""
    return workbook_of([Sheet(sheet, title, headers, rows)])


def workbook_of(sheets: Sequence[Sheet]) -> bytes:
    wb = Workbook()
    for i, sheet in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        assert ws is not None
        _fill(ws, sheet)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _fill(ws: Worksheet, sheet: Sheet) -> None:
    headers, rows, width = sheet.headers, sheet.rows, len(sheet.headers)
    ws.title = sheet.name
    ws.append([sheet.title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 24
    ws.append(list(headers))
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _GRID
    for row in rows:
        ws.append(list(row))
    last = TITLE_ROWS + len(rows)
    ws.freeze_panes = "A3"  # title and header stay in view
    lines = 1
    for i, header in enumerate(headers, 1):
        values = [_text(r[i - 1]) for r in rows if r[i - 1] is not None][:200]
        longest = max([_display_width(v) for v in values] or [0])
        column_width = min(max(longest, math.ceil(_display_width(header) / _HEADER_LINES), 4), 40)
        ws.column_dimensions[get_column_letter(i)].width = column_width + 2
        lines = max(lines, math.ceil(_display_width(header) / (column_width + 1)))
        for row_cells in ws.iter_rows(min_row=TITLE_ROWS + 1, max_row=last, min_col=i, max_col=i):
            for cell in row_cells:
                cell.border = _GRID
                if isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(cell.value, int):
                    cell.number_format = "#,##0"
                elif isinstance(cell.value, float):
                    cell.number_format = "0.00"
    ws.row_dimensions[2].height = 15 * min(lines, _HEADER_LINES + 1)
    end = _filler_and_notes(ws, sheet, last)
    if sheet.print_layout:
        _print_layout(ws, sheet, end)
    texts_stay_text(ws)  # title, headers, rows, filler and notes alike


def _text(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else str(value)


def _display_width(text: str) -> int:
    """Columns a text takes: a CJK character is two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _filler_and_notes(ws: Worksheet, sheet: Sheet, last: int) -> int:
    """The filler block (填报单位, 填报人, ...) one row under the table, the notes under it; the
    last row used."""
    row = last
    width = len(sheet.headers)
    if sheet.filler:
        row += 2
        span = max(width // len(sheet.filler), 1)
        for i, (label, value) in enumerate(sheet.filler):
            start = 1 + i * span
            end = width if i == len(sheet.filler) - 1 else start + span - 1
            ws.cell(row=row, column=start, value=f"{label}：{value}").font = Font(bold=True)
            if end > start:
                ws.merge_cells(start_row=row, start_column=start, end_row=row, end_column=end)
    for note in sheet.notes:
        row += 1
        ws.cell(row=row, column=1, value=note)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    return row


def _print_layout(ws: Worksheet, sheet: Sheet, end: int) -> None:
    setup = ws.page_setup
    setup.orientation = "landscape"
    setup.paperSize = ws.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"1:{TITLE_ROWS}"
    ws.print_area = f"A1:{get_column_letter(len(sheet.headers))}{end}"
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    for rows in sheet.breaks_after:
        ws.row_breaks.append(Break(id=TITLE_ROWS + rows))
