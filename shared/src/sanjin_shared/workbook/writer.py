"""Writing a record type's sheet: the template a province fills in, and the export of its records.

The template (`template`) has the data sheet first (Chinese headers, required ones in red, a
comment with each column's description, one example row, drop-down lists for every enumeration,
date and whole-number validation, dates formatted as dates, the header row locked and everything
below it editable) and the instructions sheet 填写说明. Sheet protection has no password, so an
officer who needs to can lift it in WPS or Excel; it keeps the header from being changed by
accident. Written with openpyxl as plain OOXML that WPS and Excel open, validate and save alike.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sanjin_shared.sheets import texts_stay_text
from sanjin_shared.workbook.columns import NO, YES, Column, Kind, RecordSheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXAMPLE_PREFIX = "示例"  # a row whose 编号 starts with it is the example: never imported
INSTRUCTIONS = "填写说明"
OPTIONS = "选项"
DATE_FORMAT = "yyyy-mm-dd"
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_EXAMPLE_FONT = Font(color="808080", italic=True)
_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEADER_FONT = Font(bold=True)
_INLINE_LIST_MAX = 250  # Excel's limit for a list written in the rule itself is 255 characters


def template(sheet: RecordSheet, *, max_rows: int) -> bytes:
    """The template of a record type, with room (validation) for `max_rows` rows."""
    book = Workbook()
    data = book.active
    assert data is not None
    data.title = sheet.name
    columns = sheet.columns
    _header(data, columns)
    options = book.create_sheet(OPTIONS)
    options.sheet_state = "hidden"
    last = max_rows + 1
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        dimension = data.column_dimensions[letter]
        dimension.width = max(10, min(40, 2 * len(column.title) + 4))
        dimension.protection = Protection(locked=False)
        if column.kind == Kind.date:
            dimension.number_format = DATE_FORMAT
        rule = _validation(column, options, index)
        if rule is not None:
            rule.add(f"{letter}2:{letter}{last}")
            data.add_data_validation(rule)
    _example(data, sheet, columns)
    data.freeze_panes = "A2"
    data.protection.sheet = True
    for allowed in (
        "formatColumns",
        "formatRows",
        "insertRows",
        "deleteRows",
        "sort",
        "autoFilter",
    ):
        setattr(data.protection, allowed, False)
    _instructions(book.create_sheet(INSTRUCTIONS, 1), sheet, columns, max_rows)
    book.active = 0
    return _save(book)


def export(
    sheet: RecordSheet,
    rows: Iterable[tuple[Sequence[dict[str, Any] | None], Sequence[Any]]],
    *,
    extra_titles: Sequence[str] = (),
) -> bytes:
    """Records as a sheet with the template's columns (values shown as their Chinese labels),
    then `extra_titles` (server-owned fields such as the record's id and status)."""
    book = Workbook(write_only=True)
    data = book.create_sheet(sheet.name)
    columns = sheet.columns
    for index, column in enumerate(columns, start=1):
        data.column_dimensions[get_column_letter(index)].width = max(
            10, min(40, 2 * len(column.title) + 4)
        )
    data.append([c.title for c in columns] + list(extra_titles))
    for parts, extra in rows:
        data.append([cell_value(c, parts[c.part]) for c in columns] + list(extra))
    return _save(book)


def cell_value(column: Column, values: dict[str, Any] | None) -> Any:
    """What a cell shows for a record's field (a label for an enumeration, 是/否 for a member)."""
    if values is None:
        return None
    value = values.get(column.field)
    if column.kind == Kind.member:
        return YES if column.member in {str(v) for v in value or ()} else NO
    if value is None:
        return None
    if column.kind == Kind.choice:
        return dict(column.choices).get(str(value), str(value))
    if column.kind == Kind.boolean:
        return YES if value else NO
    if column.kind == Kind.texts:
        return "、".join(str(v) for v in value)
    if column.kind == Kind.date and isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def _header(data: Worksheet, columns: Sequence[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = data.cell(row=1, column=index, value=column.title)
        cell.font = _REQUIRED_FONT if column.required else _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.protection = Protection(locked=True)
        note = _describe(column)
        if note:
            cell.comment = Comment(note, "三进")


def _example(data: Worksheet, sheet: RecordSheet, columns: Sequence[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        part = sheet.example[column.part] if column.part < len(sheet.example) else {}
        value = cell_value(column, part) if part else None
        if column.field == sheet.key and column.part == 0:
            value = f"{EXAMPLE_PREFIX}-{value or '001'}"
        cell = data.cell(row=2, column=index, value=value)
        cell.font = _EXAMPLE_FONT
        cell.protection = Protection(locked=False)
        if column.kind == Kind.date:
            cell.number_format = DATE_FORMAT


def _validation(column: Column, options: Worksheet, index: int) -> DataValidation | None:
    if column.kind in (Kind.choice, Kind.member, Kind.boolean):
        labels = (YES, NO) if column.kind == Kind.boolean else column.labels
        inline = ",".join(labels)
        if len(inline) <= _INLINE_LIST_MAX:
            formula = f'"{inline}"'
        else:
            letter = get_column_letter(index)
            for row, label in enumerate(labels, start=1):
                options.cell(row=row, column=index, value=label)
            formula = f"'{OPTIONS}'!${letter}$1:${letter}${len(labels)}"
        return DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="请从下拉列表中选择",
            error=f"“{column.title}”只能填写下拉列表中的值",
        )
    if column.kind == Kind.date:
        return DataValidation(
            type="date",
            operator="between",
            formula1="DATE(2000,1,1)",
            formula2="DATE(2099,12,31)",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="请填写日期",
            error=f"“{column.title}”应为日期，例如 2019-09-15",
        )
    if column.kind == Kind.integer:
        low = column.constraints.get("ge", column.constraints.get("gt", -(10**9)))
        high = column.constraints.get("le", column.constraints.get("lt", 10**12))
        return DataValidation(
            type="whole",
            operator="between",
            formula1=str(low),
            formula2=str(high),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="请填写整数",
            error=f"“{column.title}”应为 {low} 到 {high} 之间的整数",
        )
    return None


def _describe(column: Column) -> str:
    lines = [column.description] if column.description else []
    if column.required:
        lines.append("必填")
    if column.kind == Kind.choice:
        lines.append("从下拉列表中选择")
    elif column.kind == Kind.member:
        lines.append("是否包含此项：是/否")
    elif column.kind == Kind.date:
        lines.append("日期，例如 2019-09-15")
    elif column.kind == Kind.texts:
        lines.append("可填多项，用顿号“、”分隔")
    if "max_length" in column.constraints and column.kind == Kind.text:
        lines.append(f"不超过 {column.constraints['max_length']} 个字")
    return "\n".join(lines)


def _instructions(
    ws: Worksheet, sheet: RecordSheet, columns: Sequence[Column], max_rows: int
) -> None:
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 10
    ws.column_dimensions["C"].width = 80
    lines = [
        f"{sheet.name}导入模板 填写说明",
        "",
        f"1. 在“{sheet.name}”工作表中每行填写一条记录，第 1 行为表头，请勿修改。",
        f"2. 第 2 行为示例，编号以“{EXAMPLE_PREFIX}”开头的行不会导入，可直接覆盖或删除。",
        "3. 编号是本省为每条记录取的唯一编号。再次上传同一编号时：内容相同则不变，内容不同则更新该记录。"
        "从表中删除的行不会删除已导入的记录，上传结果会列出这些记录。",
        "4. 红色表头为必填列；有下拉列表的列只能选择列表中的值；日期请按日期格式填写（例如 2019-09-15）。",
        f"5. 每个文件最多 {max_rows:,} 行。不接受公式、外部链接和宏，请以数值填写。",
        "6. 可先“仅检查”上传，核对每个错误所在的工作表、行和列，改正后再正式导入。",
        *sheet.notes,
        "",
    ]
    for line in lines:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    header = ["列名", "是否必填", "说明"]
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for column in columns:
        choices = f"可选：{'、'.join(column.labels)}" if column.kind == Kind.choice else ""
        text = "；".join(p for p in (_describe(column).replace("\n", "；"), choices) if p)
        ws.append([column.title, "必填" if column.required else "选填", text])
    for row in ws.iter_rows(min_row=len(lines) + 1):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")


def _save(book: Workbook) -> bytes:
    for worksheet in book.worksheets:
        texts_stay_text(worksheet)  # no text of a sheet is ever a formula (sheets.py)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
