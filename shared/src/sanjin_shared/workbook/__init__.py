"""Excel in and out, for any record type: templates, exports and the reading of uploads, all
derived from the record type's pydantic models (`columns.py`)."""

from sanjin_shared.workbook.columns import Column, Kind, Part, RecordSheet
from sanjin_shared.workbook.reader import (
    CellError,
    ParsedRow,
    ParsedWorkbook,
    WorkbookRefused,
    read_records,
)
from sanjin_shared.workbook.writer import XLSX, export, template

__all__ = [
    "XLSX",
    "CellError",
    "Column",
    "Kind",
    "ParsedRow",
    "ParsedWorkbook",
    "Part",
    "RecordSheet",
    "WorkbookRefused",
    "export",
    "read_records",
    "template",
]
