"""Files officers open in Excel or WPS: the rule that keeps a text cell from becoming a formula.

A text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by a spreadsheet
as a formula (OWASP "CSV injection"): a monitoring point named `=HYPERLINK("http://…","点击")`
would be a live link in headquarters' register. Every writer of a spreadsheet file applies
`is_formula_text` to every text cell it writes:

- CSV has no cell types, so such a text is written with a leading apostrophe (`write_csv`,
  the only CSV writer of the platform);
- xlsx has them: the text stays as it is, stored as a string with Excel's quote prefix, so it
  is shown and kept as text even when the cell is edited (`texts_stay_text`, which every xlsx
  writer runs over each sheet before saving: the aggregator's exports, the workbook templates).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_text(value: object) -> bool:
    """A text a spreadsheet would take for a formula (numbers are never touched)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def texts_stay_text(worksheet: Any) -> None:
    """Every cell of an openpyxl worksheet that holds a formula-like text (openpyxl writes a
    string starting with `=` as a formula) becomes a string cell with Excel's quote prefix."""
    for line in worksheet.iter_rows():
        for cell in line:
            if is_formula_text(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True


def csv_cell(value: Any) -> Any:
    """A CSV cell: None as empty, a formula-like text behind an apostrophe, the rest as it is."""
    if value is None:
        return ""
    return "'" + value if is_formula_text(value) else value


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file as officers open it: UTF-8 with a byte-order mark (Excel then reads the
    Chinese headers correctly), CRLF line ends, every cell through `csv_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")
