"""Excel in beside JSON: the same 5,000 activities as one workbook (`POST /v1/activities:import`)
and as five `:batch` requests of 1,000, checked (dry run) and committed, in interleaved rounds
against the same events service. The workbook is filled from the downloaded template with
openpyxl, as an officer's WPS or Excel would save it; filling it is not timed."""

from __future__ import annotations

import io
import time
import uuid
from collections.abc import Callable

import httpx
from openpyxl import load_workbook

from sanjin_events.api.workbooks import SHEET
from sanjin_shared.batch import MAX_BATCH_ITEMS
from sanjin_shared.workbook.writer import XLSX, cell_value

FIRST_ROW = 3  # below the header and the example row


def filled(template: bytes, items: list[dict]) -> bytes:
    book = load_workbook(io.BytesIO(template))
    ws = book[SHEET.name]
    columns = SHEET.columns
    for r, item in enumerate(items):
        for c, column in enumerate(columns, start=1):
            parts = (item, None)
            ws.cell(row=FIRST_ROW + r, column=c, value=cell_value(column, parts[column.part]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def workbook_vs_batch(
    events_url: str,
    headers: dict,
    make: Callable[[str, int], dict],
    *,
    rows: int,
    rounds: int,
) -> dict:
    async with httpx.AsyncClient(timeout=600) as client:
        template = await client.get(f"{events_url}/v1/activities/template.xlsx", headers=headers)
        template.raise_for_status()
        best: dict[str, float] = {}

        def keep(name: str, elapsed: float) -> None:
            best[name] = max(best.get(name, 0.0), rows / elapsed)

        for _ in range(rounds):
            tag = uuid.uuid4().hex[:8]
            book_items = [make(f"bench-wb-{tag}", i) for i in range(rows)]
            json_items = [make(f"bench-js-{tag}", i) for i in range(rows)]
            book = filled(template.content, book_items)
            files = {"file": ("活动.xlsx", book, XLSX)}

            async def by_workbook(dry_run: bool, files: dict = files) -> float:
                started = time.perf_counter()
                response = await client.post(
                    f"{events_url}/v1/activities:import",
                    params={"dry_run": str(dry_run).lower()},
                    files=files,
                    headers=headers,
                )
                elapsed = time.perf_counter() - started
                answer = response.json()
                if response.status_code != 200 or answer["rejected"] or answer["rows"] != rows:
                    raise RuntimeError(
                        f"workbook import: {response.status_code} {response.text[:300]}"
                    )
                return elapsed

            async def by_batches(dry_run: bool, items: list[dict] = json_items) -> float:
                started = time.perf_counter()
                for start in range(0, rows, MAX_BATCH_ITEMS):
                    response = await client.post(
                        f"{events_url}/v1/activities:batch",
                        params={"dry_run": str(dry_run).lower()},
                        json={"items": items[start : start + MAX_BATCH_ITEMS]},
                        headers=headers,
                    )
                    if response.status_code != 200 or response.json()["conflicts"]:
                        raise RuntimeError(f":batch: {response.status_code} {response.text[:300]}")
                return time.perf_counter() - started

            keep("workbook_check", await by_workbook(True))
            keep("batch_check", await by_batches(True))
            keep("workbook_commit", await by_workbook(False))
            keep("batch_commit", await by_batches(False))
    return {
        "workbook_check_rows_per_s": _ratio(best["workbook_check"], best["batch_check"]),
        "workbook_commit_rows_per_s": _ratio(best["workbook_commit"], best["batch_commit"]),
    }


def _ratio(value: float, baseline: float) -> dict:
    return {
        "value": round(value, 1),
        "unit": "rows/s",
        "baseline": round(baseline, 1),
        "ratio": round(value / baseline, 3),
    }
