"""The rule that keeps a text cell of an exported file from being a formula, and that every
spreadsheet writer of the platform goes through it."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from sanjin_aggregator.adapters.xlsx import workbook
from sanjin_aggregator.domain.metrics import METRICS
from sanjin_aggregator.service.exports import csv_bytes, xlsx_layout
from sanjin_aggregator.service.statistics import ProvinceRow, StatisticsTable
from sanjin_devstack.paths import REPO
from sanjin_shared.sheets import csv_cell, is_formula_text, write_csv

HOSTILE = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x","点击")']


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_texts_are_written_as_text(text: str) -> None:
    assert is_formula_text(text)
    assert csv_cell(text) == "'" + text
    cell = load_workbook(io.BytesIO(workbook("t", "s", ["a"], [[text]]))).active["A3"]
    stored = text.replace("\r", "\n")  # XML reads a carriage return back as a line feed
    assert (cell.value, cell.data_type, cell.quotePrefix) == (stored, "s", True)


@pytest.mark.parametrize("value", ["北京市", "a=b", "", 5, -3, 2.5, None])
def test_other_cells_are_untouched(value: object) -> None:
    assert not is_formula_text(value)
    assert csv_cell(value) == ("" if value is None else value)


def test_a_hostile_name_in_the_statistics_csv_and_xlsx_reads_back_as_text() -> None:
    """Unit names come from the reference data today; the writer does not rely on that."""
    name = '=HYPERLINK("http://203.0.113.7/x","点击")'
    metrics = dict.fromkeys(METRICS, 1)
    table = StatisticsTable(
        campaign="2019",
        as_of=datetime(2019, 10, 1, tzinfo=UTC),
        totals=metrics,
        provinces=[ProvinceRow("110000", name, metrics, {})],
    )
    rows = list(csv.reader(io.StringIO(csv_bytes(table).decode("utf-8-sig"))))
    assert rows[1][:2] == ["110000", "'" + name]
    headers, lines = xlsx_layout(table)
    cell = load_workbook(io.BytesIO(workbook("t", "s", headers, lines))).active["B3"]
    assert (cell.value, cell.data_type) == (name, "s")


def test_csv_files_open_in_excel() -> None:
    body = write_csv(["名称"], [["=1"], [None]])
    assert body.startswith("\ufeff".encode())
    assert body.decode("utf-8-sig") == '名称\r\n\'=1\r\n""\r\n'


def test_every_spreadsheet_writer_goes_through_the_rule() -> None:
    """CSV is written by sheets.write_csv only; every module that creates an xlsx workbook runs
    sheets.texts_stay_text over its sheets."""
    csv_writers, xlsx_writers = set(), {}
    for path in [*REPO.glob("services/*/src/**/*.py"), *REPO.glob("shared/src/**/*.py")]:
        text = path.read_text()
        name = str(path.relative_to(REPO))
        if re.search(r"^import csv\b|^from csv import", text, re.M):
            csv_writers.add(name)
        if re.search(r"^from openpyxl import .*\bWorkbook\b", text, re.M):
            xlsx_writers[name] = "texts_stay_text(" in text
    assert csv_writers == {"shared/src/sanjin_shared/sheets.py"}
    assert "services/aggregator/src/sanjin_aggregator/adapters/xlsx.py" in xlsx_writers
    assert all(xlsx_writers.values()), xlsx_writers
