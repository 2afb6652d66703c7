"""The workbook engine without a server: columns derived from a model, a template read back,
labels and dates converted, every problem at its sheet, row and column, whole-workbook refusals."""

from __future__ import annotations

import io
from datetime import date
from typing import Annotated

import pytest
from openpyxl import load_workbook
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sanjin_shared.reference import EducationFormat, VenueType
from sanjin_shared.workbook import Kind, Part, RecordSheet, WorkbookRefused, read_records, template
from sanjin_shared.workbook.writer import cell_value


class Thing(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(min_length=1, max_length=5)] = Field(title="名称")
    venue_type: VenueType = Field(title="场所类型")
    held_on: date = Field(title="日期")
    people: int = Field(title="人数", ge=0, le=100)
    formats: list[EducationFormat] = Field(default_factory=list, title="形式")
    external_id: str | None = Field(default=None, title="编号")


class Figures(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int = Field(title="数量", ge=0)


SHEET = RecordSheet(
    name="测试",
    parts=(Part(Thing), Part(Figures, optional=True)),
    example=(
        {
            "name": "甲",
            "venue_type": "campus",
            "held_on": "2019-09-01",
            "people": 3,
            "external_id": "1",
        },
        {"count": 1},
    ),
)


def filled(rows: list[list[object]]) -> bytes:
    book = load_workbook(io.BytesIO(template(SHEET, max_rows=100)))
    ws = book[SHEET.name]
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_columns_come_from_the_declarations() -> None:
    columns = SHEET.columns
    assert [c.title for c in columns] == [
        "名称", "场所类型", "日期", "人数", "形式：发放宣传资料", "形式：接受咨询",
        "形式：实物对比展示", "形式：播放视频资料", "编号", "数量",
    ]  # fmt: skip
    kinds = {c.title: c.kind for c in columns}
    assert (kinds["场所类型"], kinds["日期"], kinds["人数"], kinds["形式：接受咨询"]) == (
        Kind.choice,
        Kind.date,
        Kind.integer,
        Kind.member,
    )
    assert next(c for c in columns if c.title == "编号").required, "every row needs its 编号"
    assert not next(c for c in columns if c.title == "数量").required, "an optional group"
    assert cell_value(columns[1], {"venue_type": "township"}) == "乡镇"


def test_rows_are_read_back_and_problems_named_at_their_place() -> None:
    data = filled(
        [
            ["甲", "社区", date(2019, 9, 1), 10, "是", "否", "否", "是", "A-1", None],
            ["乙", "礼堂", "2019/9/2", 10, "否", "否", "否", "否", "A-2", 5],
            ["丙丙丙丙丙丙", "校园", "2019年9月3日", 101, "否", "否", "否", "否", "A-3", None],
            ["丁", "乡镇", 43712, 1, "否", "否", "否", "否", "A-1", -1],
        ]
    )
    parsed = read_records(data, SHEET, max_rows=100)
    assert parsed.row_count == 4
    [good] = parsed.rows
    thing, figures = good.parts
    assert (good.row, good.key, figures) == (3, "A-1", None)
    assert thing.venue_type is VenueType.community and thing.formats == [
        EducationFormat.materials,
        EducationFormat.video,
    ]
    places = {(e.row, e.column): e.message for e in parsed.errors}
    assert set(places) == {(4, "B"), (5, "A"), (5, "D"), (6, "J")}
    assert "可选：社区、校园、乡镇、医院" in places[(4, "B")]
    assert places[(5, "A")] == "不能超过 5 个字" and places[(5, "D")] == "不能大于 100"
    assert places[(6, "J")] == "不能小于 0"
    assert all(e.sheet == "测试" for e in parsed.errors)


def test_the_example_row_is_not_imported_and_a_repeated_key_is_named() -> None:
    data = filled(
        [
            ["甲", "社区", date(2019, 9, 1), 1, None, None, None, None, "K", None],
            ["乙", "社区", date(2019, 9, 1), 1, None, None, None, None, "K", None],
        ]
    )
    parsed = read_records(data, SHEET, max_rows=100)
    assert [r.key for r in parsed.rows] == ["K"] and parsed.row_count == 2
    assert [(e.row, e.column, e.message) for e in parsed.errors] == [(4, "I", "编号与第 3 行重复")]


def test_a_workbook_is_refused_whole_for_formulas_and_too_many_rows() -> None:
    with pytest.raises(WorkbookRefused) as formulas:
        read_records(
            filled([["甲", "社区", "=TODAY()", 1, None, None, None, None, "K", None]]),
            SHEET,
            max_rows=100,
        )
    assert formulas.value.slug == "workbook-formulas"
    assert [(e.row, e.column) for e in formulas.value.errors] == [(3, "C")]
    rows = [
        ["甲", "社区", "2019-09-01", 1, None, None, None, None, f"K{i}", None] for i in range(6)
    ]
    with pytest.raises(WorkbookRefused) as many:
        read_records(filled(rows), SHEET, max_rows=5)
    assert (many.value.slug, many.value.status) == ("too-many-rows", 413)
    with pytest.raises(WorkbookRefused) as other:
        read_records(
            template(RecordSheet(name="别的", parts=(Part(Figures),)), max_rows=5),
            SHEET,
            max_rows=5,
        )
    assert other.value.slug == "missing-columns" and "名称" in other.value.message
    with pytest.raises(WorkbookRefused) as unrelated:
        read_records(
            template(RecordSheet(name="别的", parts=(Part(BaseModel),)), max_rows=5),
            SHEET,
            max_rows=5,
        )
    assert unrelated.value.slug == "no-data-sheet"
