"""Filling a downloaded template the way an officer does in WPS or Excel (with openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import load_workbook

from sanjin_shared.workbook import RecordSheet
from sanjin_shared.workbook.writer import cell_value

FIRST_ROW = 3  # row 1 is the header, row 2 the example


def fill(
    template: bytes,
    sheet: RecordSheet,
    rows: Sequence[Sequence[dict[str, Any] | None]],
    *,
    raw: dict[tuple[int, str], Any] | None = None,
) -> bytes:
    """The template with `rows` (per row, one dict of field values per part) from row 3 on;
    `raw` puts a cell's text as typed, {(row index, field): text}, e.g. a wrong label."""
    book = load_workbook(io.BytesIO(template))
    ws = book[sheet.name]
    columns = sheet.columns
    for r, parts in enumerate(rows):
        for c, column in enumerate(columns, start=1):
            value = cell_value(column, parts[column.part] if column.part < len(parts) else None)
            if raw and (r, column.field) in raw:
                value = raw[(r, column.field)]
            ws.cell(row=FIRST_ROW + r, column=c, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def letter_of(sheet: RecordSheet, field: str) -> str:
    from openpyxl.utils import get_column_letter

    index = next(i for i, c in enumerate(sheet.columns) if c.field == field and c.part == 0)
    return get_column_letter(index + 1)


def upload(data: bytes, name: str = "导入.xlsx") -> dict[str, Any]:
    return {
        "file": (name, data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    }
