"""The HTTP side of Excel in and out, the same for every record type.

- `read_upload`: the uploaded file read, checked and parsed (off the event loop); a refused
  workbook is a problem+json with the places it names (`errors: [{sheet, row, column, ...}]`).
- `WorkbookImport`: the answer of `POST <collection>:import`: per row its status, every problem
  at its place, and the records stored under an 编号 the workbook no longer has (`missing`):
  they are reported, never kept silently nor deleted. `import_answer` builds it, the same for
  every record type, from the use case's results and a reader of the stored records.
- `xlsx_response`: a workbook as a download with a Chinese file name.

Rows are committed by each service through the same use cases as its JSON `:batch`; this module
only maps the batch's results (by item index) back to the workbook's rows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any
from urllib.parse import quote

from fastapi import UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sanjin_shared.batch import ItemConflict, ItemResult, ItemStatus
from sanjin_shared.problems import Problem
from sanjin_shared.workbook.columns import RecordSheet
from sanjin_shared.workbook.reader import ParsedRow, ParsedWorkbook, WorkbookRefused, read_records
from sanjin_shared.workbook.writer import XLSX

DEFAULT_MAX_ROWS = 10_000


class RowError(BaseModel):
    sheet: str
    row: int = Field(description="The row number as WPS and Excel show it")
    column: str = Field(description="The column letter; empty when the whole row is meant")
    title: str = Field(description="The column's header")
    field: str | None
    message: str = Field(description="In Chinese, for the officer")


class RowResult(BaseModel):
    row: int
    status: ItemStatus
    id: str | None = None
    external_id: str | None = None


class MissingRow(BaseModel):
    external_id: str
    id: str


class WorkbookImport(BaseModel):
    dry_run: bool
    sheet: str
    rows: int = Field(description="Rows read (the example row excluded)")
    created: int
    updated: int
    ignored: int
    rejected: int = Field(description="Rows not imported; `errors` says why")
    errors: list[RowError]
    items: list[RowResult]
    missing: list[MissingRow] = Field(
        description="Records stored under an 编号 that this workbook no longer has: "
        "kept as they are, listed so the province can cancel or restore them"
    )


TEMPLATE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}
}


async def read_upload(file: UploadFile, sheet: RecordSheet, *, max_rows: int) -> ParsedWorkbook:
    data = await file.read()
    try:
        return await run_in_threadpool(read_records, data, sheet, max_rows=max_rows)
    except WorkbookRefused as exc:
        raise Problem(
            exc.message,
            status=exc.status,
            slug=exc.slug,
            errors=[e.as_dict() for e in exc.errors],
        ) from exc


def import_report(
    parsed: ParsedWorkbook,
    sheet: RecordSheet,
    results: Iterable[ItemResult],
    conflicts: Iterable[ItemConflict],
    *,
    dry_run: bool,
    missing: Sequence[MissingRow] = (),
) -> WorkbookImport:
    """The answer for a workbook whose `parsed.rows[i]` went through a batch as item `i`."""
    rows = parsed.rows
    titles = {(c.part, c.field): c for c in sheet.columns}
    errors = [RowError(**e.as_dict()) for e in parsed.errors]
    for conflict in conflicts:
        row = rows[conflict.index]
        errors.append(_row_error(parsed.sheet, row, conflict, titles, sheet))
    items = [
        RowResult(row=row, status=ItemStatus.conflict)
        for row in sorted(parsed.bad_rows)  # rows refused before any use case saw them
    ]
    for result in results:
        if result.status is ItemStatus.conflict:
            continue
        items.append(
            RowResult(
                row=rows[result.index].row,
                status=result.status,
                id=result.id,
                external_id=result.external_id,
            )
        )
    refused = {e.row for e in errors}
    answered = {r.row for r in items}
    items.extend(
        RowResult(row=row.row, status=ItemStatus.conflict, external_id=row.key)
        for row in rows
        if row.row in refused and row.row not in answered
    )
    items.sort(key=lambda r: r.row)
    count = {s: sum(1 for r in items if r.status is s) for s in ItemStatus}
    errors.sort(key=lambda e: (e.row, e.column))
    return WorkbookImport(
        dry_run=dry_run,
        sheet=parsed.sheet,
        rows=parsed.row_count,
        created=count[ItemStatus.created],
        updated=count[ItemStatus.updated],
        ignored=count[ItemStatus.ignored],
        rejected=count[ItemStatus.conflict],
        errors=errors,
        items=items,
        missing=list(missing),
    )


def _row_error(
    sheet_name: str,
    row: ParsedRow,
    conflict: ItemConflict,
    titles: dict[tuple[int, str], Any],
    sheet: RecordSheet,
) -> RowError:
    from openpyxl.utils import get_column_letter

    column = None
    letter = ""
    if conflict.field:
        name = conflict.field.split(".")[0].split("[")[0]
        column = next((c for (_, f), c in titles.items() if f == name), None)
        if column is not None:
            letter = get_column_letter(sheet.columns.index(column) + 1)
    detail = conflict.detail
    if conflict.field and detail.startswith(f"{conflict.field}: "):
        detail = detail[len(conflict.field) + 2 :]
    return RowError(
        sheet=sheet_name,
        row=row.row,
        column=letter,
        title=column.title if column else "",
        field=conflict.field,
        message=f"未能保存：{detail}",
    )


async def import_answer(
    parsed: ParsedWorkbook,
    sheet: RecordSheet,
    results: Iterable[ItemResult],
    conflicts: Iterable[ItemConflict],
    stored: Callable[[set[str]], Awaitable[dict[str, str]]],
    *,
    dry_run: bool,
) -> WorkbookImport:
    """The answer of `POST <collection>:import` once its rows went through the use case: each
    row's outcome, and the records (external id -> id) that `stored` finds for the campaigns the
    rows name but whose 编号 the workbook no longer has. `stored` may ignore the campaigns (a
    session's results are compared with the session's)."""
    found = await stored(campaigns_named(parsed))
    return import_report(
        parsed,
        sheet,
        results,
        conflicts,
        dry_run=dry_run,
        missing=missing_rows(found, parsed.keys),
    )


def campaigns_named(parsed: ParsedWorkbook) -> set[str]:
    """The campaigns the rows of a workbook name (the `campaign` of their first part, for the
    record types that have one), whose stored records `missing_rows` compares with the rows."""
    firsts = (row.parts[0] for row in parsed.rows if row.parts[0] is not None)
    return {str(c) for part in firsts if (c := getattr(part, "campaign", None)) is not None}


def missing_rows(stored: dict[str, str], keys: Iterable[str | None]) -> list[MissingRow]:
    """The records (external id -> id) whose 编号 is not among the workbook's keys."""
    present = {k for k in keys if k is not None}
    return [
        MissingRow(external_id=external_id, id=record_id)
        for external_id, record_id in sorted(stored.items())
        if external_id not in present
    ]


def xlsx_response(content: bytes, filename: str) -> Response:
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
