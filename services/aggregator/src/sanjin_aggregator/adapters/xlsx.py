"""Spreadsheets for headquarters: Chinese headers, a frozen header row, widths, number formats."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(
    title: str, sheet: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]
) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook has one worksheet
    ws.title = sheet
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(list(headers))
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        ws.append(list(row))
    ws.freeze_panes = "A3"  # title and header stay in view
    for i, header in enumerate(headers, 1):
        values = [str(r[i - 1]) for r in rows if r[i - 1] is not None][:200]
        width = max([len(header) * 2, *(min(len(v), 40) * 1.6 for v in values)]) + 2
        ws.column_dimensions[get_column_letter(i)].width = min(width, 60)
        for row_cells in ws.iter_rows(min_row=3, min_col=i, max_col=i):
            for cell in row_cells:
                if isinstance(cell.value, int):
                    cell.number_format = "#,##0"
                elif isinstance(cell.value, float):
                    cell.number_format = "0.00"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
