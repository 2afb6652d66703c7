"""Reading an uploaded workbook into items of a record type, every problem at its place.

The package is checked first (`sanjin_shared.office.check_package`: zip bombs, XML entities,
macros, external links); then `sheetxml` streams the data sheet's cells with expat. A workbook is refused as a whole (`WorkbookRefused`) when it is not safe, has no sheet with
the expected header, holds a formula, or has more than `max_rows` rows: the counting stops there,
so a 100,000-row file costs no more than the limit. Otherwise every row is converted cell by
cell (Chinese labels back to enumeration values, dates, whole numbers, 是/否) and validated by the
same pydantic models as the JSON API; each problem is a `CellError` {sheet, row, column, title,
field, message} with the message in Chinese.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from xml.parsers.expat import ExpatError

from openpyxl.utils import get_column_letter
from pydantic import BaseModel, ValidationError

from sanjin_shared.messages import chinese_message
from sanjin_shared.office import MediaType, PackageLimits, UnsafeFile, check_package
from sanjin_shared.workbook import sheetxml
from sanjin_shared.workbook.columns import NO, YES, Column, Kind, RecordSheet
from sanjin_shared.workbook.writer import EXAMPLE_PREFIX

_SEPARATORS = re.compile(r"[、;；,，\n]+")
_DATE_TEXT = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_EXCEL_EPOCH = date(1899, 12, 30)
_TRUE = {YES, "true", "True", "TRUE", "1", "Y", "y", "yes"}
_FALSE = {NO, "false", "False", "FALSE", "0", "N", "n", "no"}
MAX_FORMULA_PLACES = 20


@dataclass(frozen=True, slots=True)
class CellError:
    sheet: str
    row: int
    column: str  # the column's letter, as WPS and Excel show it ("" for the whole row)
    title: str  # the column's header
    field: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class WorkbookRefused(Exception):
    """The workbook as a whole cannot be read; nothing of it is used."""

    def __init__(
        self, slug: str, message: str, *, status: int = 422, errors: Sequence[CellError] = ()
    ) -> None:
        super().__init__(message)
        self.slug = slug
        self.message = message
        self.status = status
        self.errors = list(errors)


@dataclass(frozen=True, slots=True)
class ParsedRow:
    row: int
    key: str | None
    parts: tuple[BaseModel | None, ...]


@dataclass(slots=True)
class ParsedWorkbook:
    sheet: str
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    row_count: int = 0  # rows that hold something (the example excluded)
    keys: set[str] = field(default_factory=set)  # every row's 编号, rows with errors included

    @property
    def bad_rows(self) -> set[int]:
        return {e.row for e in self.errors}


WORKBOOK_LIMITS = PackageLimits(max_unpacked=128 * 1024 * 1024)


def read_records(
    data: bytes,
    sheet: RecordSheet,
    *,
    max_rows: int,
    limits: PackageLimits | None = None,
) -> ParsedWorkbook:
    try:
        kind = check_package(data, limits or WORKBOOK_LIMITS)
    except UnsafeFile as exc:
        raise WorkbookRefused(exc.slug, exc.message, status=exc.status) from exc
    if kind is not MediaType.xlsx:
        raise WorkbookRefused("not-a-workbook", "上传的文件不是 Excel 工作簿（.xlsx）")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            paths = sheetxml.sheet_paths(archive)
            strings = sheetxml.shared_strings(archive)
            for name, path in sorted(paths.items(), key=lambda item: item[0] != sheet.name):
                stream = sheetxml.rows(archive, path, strings)
                mapping = _header(name, next(stream, None), sheet)
                if mapping is not None:
                    return _read_rows(name, stream, sheet, mapping, max_rows)
    except (sheetxml.SheetError, ExpatError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise WorkbookRefused(
            "unreadable-workbook", "无法读取该工作簿，请用 WPS 或 Excel 另存为 .xlsx 后再上传"
        ) from exc
    raise WorkbookRefused(
        "no-data-sheet",
        f"找不到“{sheet.name}”工作表或它的表头。请使用下载的模板填写，不要修改第 1 行",
    )


def _header(
    name: str, first: tuple[int, list[sheetxml.Cell]] | None, sheet: RecordSheet
) -> dict[int, Column] | None:
    """The columns of a sheet whose first row holds the template's titles (None: it does not)."""
    if first is None:
        return None
    columns = sheet.columns
    by_name = {c.title: c for c in columns} | {c.field: c for c in columns if c.kind != Kind.member}
    mapping: dict[int, Column] = {}
    for cell in first[1]:
        if isinstance(cell.value, str):
            column = by_name.get(cell.value.strip().rstrip("*＊").strip())
            if column is not None:
                mapping[cell.column] = column
    if not mapping:
        return None
    found = set(mapping.values())
    missing = [c.title for c in columns if c.required and c not in found]
    if missing:
        raise WorkbookRefused(
            "missing-columns",
            f"工作表“{name}”缺少必填列：{'、'.join(missing)}。请使用下载的模板填写",
        )
    return mapping


def _read_rows(
    name: str,
    stream: Iterator[tuple[int, list[sheetxml.Cell]]],
    sheet: RecordSheet,
    mapping: dict[int, Column],
    max_rows: int,
) -> ParsedWorkbook:
    out = ParsedWorkbook(sheet=name)
    formulas: list[CellError] = []
    seen_keys: dict[str, int] = {}
    for row_number, cells in stream:
        raw: dict[int, Any] = {}
        for cell in cells:
            column = mapping.get(cell.column)
            if cell.formula:  # a text that merely starts with "=" is text (a quote prefix)
                if len(formulas) < MAX_FORMULA_PLACES:
                    formulas.append(
                        CellError(
                            name,
                            row_number,
                            get_column_letter(cell.column + 1),
                            column.title if column else "",
                            column.field if column else None,
                            "单元格含有公式，请改为直接填写数值（复制后“选择性粘贴-数值”）",
                        )
                    )
                continue
            if column is not None and cell.value is not None and cell.value != "":
                raw[cell.column] = cell.value
        if not raw or _is_example(raw, mapping, sheet):
            continue
        out.row_count += 1
        if out.row_count > max_rows:
            raise WorkbookRefused(
                "too-many-rows",
                f"工作簿超过 {max_rows:,} 行，请拆分为多个文件上传",
                status=413,
            )
        if formulas:
            continue
        _convert_row(out, name, row_number, raw, mapping, sheet, seen_keys)
    if formulas:
        raise WorkbookRefused(
            "workbook-formulas",
            "工作簿含有公式，不接受公式，请改为直接填写数值后再上传",
            errors=formulas,
        )
    return out


def _is_example(raw: dict[int, Any], mapping: dict[int, Column], sheet: RecordSheet) -> bool:
    for index, value in raw.items():
        column = mapping[index]
        if column.field == sheet.key and column.part == 0:
            return str(value).strip().startswith(EXAMPLE_PREFIX)
    return False


def _convert_row(
    out: ParsedWorkbook,
    sheet_name: str,
    row: int,
    raw: dict[int, Any],
    mapping: dict[int, Column],
    sheet: RecordSheet,
    seen_keys: dict[str, int],
) -> None:
    values: list[dict[str, Any]] = [{} for _ in sheet.parts]
    touched = [False] * len(sheet.parts)
    errors: list[CellError] = []
    unreadable: set[tuple[int, str]] = set()  # cells already reported: pydantic would add "missing"
    letters = {column: get_column_letter(i + 1) for i, column in mapping.items()}

    def error(column: Column | None, message: str, field_name: str | None = None) -> None:
        errors.append(
            CellError(
                sheet_name,
                row,
                letters.get(column, "") if column else "",
                column.title if column else "",
                column.field if column else field_name,
                message,
            )
        )

    for index, value in raw.items():
        column = mapping[index]
        try:
            converted = _convert(column, value)
        except ValueError as exc:
            error(column, str(exc))
            unreadable.add((column.part, column.field))
            touched[column.part] = True
            continue
        if column.kind == Kind.member:
            bucket = values[column.part].setdefault(column.field, [])
            if converted:
                bucket.append(column.member)
                touched[column.part] = True
            continue
        values[column.part][column.field] = converted
        touched[column.part] = True
    for column in set(mapping.values()):  # a member list left all 否 is an empty list
        if column.kind == Kind.member:
            values[column.part].setdefault(column.field, [])
    parts: list[BaseModel | None] = []
    by_field = {(c.part, c.field): c for c in mapping.values()}
    for index, part in enumerate(sheet.parts):
        if part.optional and not touched[index]:
            parts.append(None)
            continue
        try:
            parts.append(part.model.model_validate(values[index]))
        except ValidationError as exc:
            parts.append(None)
            for problem in exc.errors():
                name = str(problem["loc"][0]) if problem["loc"] else None
                if (index, name) in unreadable:
                    continue
                found = by_field.get((index, name)) if name else None
                if found is None and name is not None:
                    found = _column_of(sheet, index, name)
                error(found, chinese_message(dict(problem)), name)
    key = values[0].get(sheet.key)
    key = str(key) if key is not None else None
    if key is not None:
        out.keys.add(key)
    key_column = next((c for c in mapping.values() if c.part == 0 and c.field == sheet.key), None)
    if key is None and (0, sheet.key) not in unreadable:
        error(key_column, "必填，不能为空（编号用于再次上传时识别同一条记录）", sheet.key)
    elif key is not None and not errors:
        if key in seen_keys:
            error(key_column, f"编号与第 {seen_keys[key]} 行重复")
        else:
            seen_keys[key] = row
    if errors:
        out.errors.extend(errors)
        return
    out.rows.append(ParsedRow(row=row, key=key, parts=tuple(parts)))


def _column_of(sheet: RecordSheet, part: int, name: str) -> Column | None:
    return next((c for c in sheet.columns if c.part == part and c.field == name), None)


def _convert(column: Column, value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
    kind = column.kind
    if kind in (Kind.text, Kind.texts):
        if isinstance(value, bool):
            value = YES if value else NO
        elif isinstance(value, float) and value.is_integer():
            value = str(int(value))
        elif isinstance(value, datetime):
            value = value.date().isoformat() if value.time() == datetime.min.time() else str(value)
        elif isinstance(value, date):
            value = value.isoformat()
        else:
            value = str(value)
        if kind == Kind.texts:
            return [p.strip() for p in _SEPARATORS.split(value) if p.strip()]
        return value
    if kind == Kind.integer:
        if isinstance(value, bool):
            raise ValueError("应为整数")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.replace(",", "")):
            return int(value.replace(",", ""))
        raise ValueError(f"应为整数，填写的是“{value}”")
    if kind == Kind.number:
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ValueError(f"应为数字，填写的是“{value}”") from None
    if kind == Kind.date:
        return _date(value)
    if kind in (Kind.boolean, Kind.member):
        if isinstance(value, bool):
            return value
        text = str(value).strip()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"应填“{YES}”或“{NO}”，填写的是“{text}”")
    if kind == Kind.choice:
        text = str(value).strip()
        for choice_value, label in column.choices:
            if text in (label, choice_value):
                return choice_value
        raise ValueError(f"“{text}”不在下拉列表中，可选：{'、'.join(column.labels)}")
    return value


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    text = str(value).strip()
    match = _DATE_TEXT.match(text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise ValueError(f"应为日期，例如 2019-09-15，填写的是“{text}”")
