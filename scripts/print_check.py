"""`make print-check`: render the official statistics workbook to PDF with LibreOffice headless
and check its print layout as an officer would see it on paper.

The workbook is the one `GET /v1/campaigns/{c}/statistics.xlsx?basis=approved` answers, written
by the same function (`exports.official_workbook`) for a campaign in which all 32 units have
approved figures, with six-digit counts where a column can hold them (the widest table). Checks:

- every page is A4 landscape (842 x 595 pt);
- the title row and the header row are on every page (they repeat);
- each sheet prints on exactly the number of pages its note states (本表共N页), and sheet 1's
  pages hold all 33 rows (32 units and the total).

Prints the page count; exits 1 when a check fails.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl

from sanjin_aggregator.domain.metrics import COUNT_METRICS, SATISFACTION_N, SATISFACTION_SUM
from sanjin_aggregator.service.exports import TOTAL_LABEL, official_workbook
from sanjin_aggregator.service.official import OfficialFigures, UnitApproval
from sanjin_aggregator.service.statistics import VENUE_TYPES, compile_table
from sanjin_shared.reference import PROVINCES

A4_LANDSCAPE = (841.89, 595.28)
PAGES = re.compile(r"本表共(\d+)页")


def figures(seed: int = 20) -> OfficialFigures:
    rng = random.Random(seed)  # noqa: S311 - sample figures, not secrets
    cells = []
    for province in PROVINCES:
        for venue in VENUE_TYPES:
            counters = {m: rng.randint(10_000, 249_999) for m in COUNT_METRICS}
            n = rng.randint(100, 900)
            counters |= {SATISFACTION_N: n, SATISFACTION_SUM: n * rng.uniform(60, 99)}
            cells.append({"province": province, "venue_type": venue, "c": counters})
    now = datetime(2019, 12, 2, 9, 30, tzinfo=UTC)
    approvals = {
        p: UnitApproval(now - timedelta(days=3), now - timedelta(days=2), now, "hq", "sanjin")
        for p in PROVINCES
    }
    approved = compile_table("2019", cells, now - timedelta(days=3))
    live_cells = [c | {"c": {k: v + 1 for k, v in c["c"].items()}} for c in cells]
    live = compile_table("2019", live_cells, now)
    return OfficialFigures(approved=approved, live=live, approvals=approvals)


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def main() -> int:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdfinfo") is None:
        print("print-check needs soffice (libreoffice-calc) and pdfinfo (poppler-utils)")
        return 2
    official = figures()
    body = official_workbook(
        official.live, official, filler_unit="市场监管总局质量监督司", today=date(2019, 12, 2)
    )
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="sanjin-print-") as tmp:
        xlsx = Path(tmp) / "statistics.xlsx"
        xlsx.write_bytes(body)
        book = openpyxl.load_workbook(xlsx)
        stated: list[tuple[str, int, str]] = []  # sheet, pages, title
        for ws in book.worksheets:
            notes = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
            counts = [int(m.group(1)) for n in notes if (m := PAGES.search(n))]
            if len(counts) != 1:
                failures.append(f"{ws.title}: no note of its pages")
                continue
            stated.append((ws.title, counts[0], str(ws["A1"].value)))
        run(
            soffice,
            f"-env:UserInstallation=file://{tmp}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(xlsx),
        )
        pdf = Path(tmp) / "statistics.pdf"
        info = run("pdfinfo", "-f", "1", "-l", "1000", str(pdf))
        sizes = [
            (float(w), float(h))
            for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
        ]
        print(f"{pdf.name}: {len(sizes)} pages")
        page = 0
        for sheet, pages, title in stated:
            texts = []
            for _ in range(pages):
                page += 1
                if page > len(sizes):
                    failures.append(f"{sheet}: states {pages} pages, the PDF ends at {len(sizes)}")
                    break
                w, h = sizes[page - 1]
                if abs(w - A4_LANDSCAPE[0]) > 2 or abs(h - A4_LANDSCAPE[1]) > 2:
                    failures.append(f"page {page} ({sheet}) is {w} x {h} pt, not A4 landscape")
                text = run("pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-")
                compact = re.sub(r"\s+", "", text)
                if re.sub(r"\s+", "", title)[:20] not in compact or "序号" not in compact:
                    failures.append(f"page {page} ({sheet}) lacks the title or the header row")
                texts.append(compact)
            print(f"  {sheet}: {pages} page(s) stated, pages {page - len(texts) + 1}-{page}")
            if sheet == stated[0][0]:
                joined = "".join(texts)
                missing = [n for n in [*PROVINCES.values(), TOTAL_LABEL] if n not in joined]
                if missing:
                    failures.append(f"{sheet}: rows not on its {pages} page(s): {missing}")
        if page != len(sizes):
            failures.append(f"the notes state {page} pages, the PDF has {len(sizes)}")
        keep = Path(".run/artifacts")
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy(pdf, keep / "statistics-print.pdf")
        shutil.copy(xlsx, keep / "statistics-print.xlsx")
    for failure in failures:
        print("FAIL", failure)
    if not failures:
        print(f"print-check: {len(sizes)} A4 landscape pages, header rows on each, as stated")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
