"""The province officer's pages, driven as the officer does (small steps for the journey tests),
and `province_stack`: the web application behind a gateway with all five services, each trusting
the test Keycloak, so the browser reaches every service as in production.

Each step finds its elements by the ids and texts of the page (web/src/province/): the Excel page's
panels are `.excel-panel[data-workbook=<key>]` (keys from web/src/province/excel/workbooks.ts).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from sanjin_devstack.keycloak import KeycloakServer
from sanjin_shared.clock import BEIJING
from sanjin_shared.registry import SERVICES
from tests.support.campaigns import define_campaign
from tests.support.web import WebStack, started_web_stack

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="session")
def province_stack(world: Any, keycloak: KeycloakServer) -> Iterator[WebStack]:
    """Every service trusting the test realm behind a gateway, with an aggregator of the journey's
    own (its own database): its campaign is the only one under way there, as a real campaign is,
    so the pages open on it without being told."""
    env = {
        "SANJIN_MONGODB_DATABASE": f"{world.name}_aggregator_journey",
        "SANJIN_CONSUMER_GROUP": "aggregator-journey",
    }
    with started_web_stack(world, keycloak, instance="-journey", env=env) as stack:
        yield stack


# -- the campaign, through the aggregator -------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """A campaign under way, named after this year ("2026-…": the intake services keep its
    records' dates within that year): from 40 days ago to 40 days ahead, within the year."""

    campaign: str
    today: date
    starts_on: date
    ends_on: date
    deadline: datetime

    def past(self, days: int) -> date:
        """`days` before today, or the campaign's first day."""
        return max(self.today - timedelta(days=days), self.starts_on)

    def ahead(self, days: int) -> date:
        """`days` after today, or the campaign's last day."""
        return min(self.today + timedelta(days=days), self.ends_on)


async def campaign_under_way(http: httpx.AsyncClient, stack: WebStack) -> Window:
    """Define a campaign of the test's own, under way today, through the aggregator, and wait
    until every intake service behind the gateway accepts it."""
    today = datetime.now(BEIJING).date()
    window = Window(
        f"{today.year}-{uuid.uuid4().hex[:10]}",
        today,
        max(today - timedelta(days=40), date(today.year, 1, 1)),
        min(today + timedelta(days=40), date(today.year, 12, 31)),
        (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0),
    )
    await define_campaign(
        http,
        aggregator=f"{stack.url}/api/aggregator",
        intake=[f"{stack.url}/api/{s.slug}" for s in SERVICES if s.name != "aggregator"],
        headers=stack.headers("system-admin"),
        name=window.campaign,
        starts_on=window.starts_on,
        ends_on=window.ends_on,
        report_deadline=window.deadline,
    )
    return window


# -- the Excel page ---------------------------------------------------------------------------------


async def menu(page: Any, label: str) -> None:
    """Open a page of the workspace from the side menu; it is then the selected item."""
    await page.locator(".workspace-menu .ant-menu-item", has_text=label).click()
    selected = page.locator(".workspace-menu .ant-menu-item-selected", has_text=label)
    await selected.wait_for()


def panel(page: Any, workbook: str) -> Any:
    return page.locator(f".excel-panel[data-workbook={workbook}]")


async def open_excel(page: Any, stack: WebStack, workbook: str) -> Any:
    """The Excel page on the tab of `workbook` (activities, points, riskReports, ...)."""
    await page.goto(f"{stack.url}/province/excel?tab={workbook}")
    found = panel(page, workbook)
    await found.wait_for()
    return found


async def download(page: Any, button: Any) -> tuple[str, bytes]:
    """Click a download button; the file's name and content as the browser saved them."""
    async with page.expect_download() as info:
        await button.click()
    saved = await info.value
    path = await saved.path()
    return saved.suggested_filename, await asyncio.to_thread(Path(path).read_bytes)


async def download_template(page: Any, workbook: str) -> bytes:
    _, content = await download(page, page.locator(f"#excel-template-{workbook}"))
    return content


async def upload(page: Any, workbook: str, content: bytes, name: str) -> Any:
    """Choose a workbook in the panel's upload area; answers the check's section once shown."""
    found = panel(page, workbook)
    await found.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": XLSX, "buffer": content}
    )
    check = found.locator(".excel-check")
    await check.wait_for()
    return check


async def figures(section: Any) -> dict[str, str]:
    """The statistics of a check or report section: title -> value as shown."""
    out: dict[str, str] = {}
    for item in await section.locator(".ant-statistic").all():
        title = await item.locator(".ant-statistic-title").inner_text()
        out[title.strip()] = (await item.locator(".ant-statistic-content").inner_text()).strip()
    return out


async def row_errors(section: Any) -> list[tuple[str, int, str, str]]:
    """The problems table: (sheet, row, column as shown, problem)."""
    out = []
    for tr in await section.locator(".excel-errors tbody tr.ant-table-row").all():
        cells = [c.strip() for c in await tr.locator("td").all_inner_texts()]
        out.append((cells[0], int(cells[1]), cells[2], cells[3]))
    return out


async def commit(page: Any, workbook: str) -> Any:
    """确认导入; answers the import report's section."""
    found = panel(page, workbook)
    await found.locator(".excel-commit").click()
    report = found.locator(".excel-report")
    await report.wait_for(timeout=180_000)
    return report


async def download_unit_row(page: Any) -> tuple[str, bytes]:
    return await download(page, page.locator("#excel-unit-row-download"))


# -- the home -------------------------------------------------------------------------------------


async def open_home(page: Any, stack: WebStack) -> None:
    await page.goto(f"{stack.url}/province")
    await page.locator("#home-row .ant-table-tbody tr[data-row-key=total]").wait_for()


async def home_row(page: Any) -> dict[str, dict[str, str]]:
    """The unit's row as the home shows it: row key (venue type, total) -> column title -> text."""
    return await page.evaluate(  # type: ignore[no-any-return]
        """() => {
          const table = document.querySelector('#home-row table');
          const titles = [...table.querySelectorAll('thead th')].map((th) => th.innerText.trim());
          const out = {};
          for (const tr of table.querySelectorAll('tbody tr[data-row-key]')) {
            const cells = [...tr.querySelectorAll('td')].map((td) => td.innerText.trim());
            out[tr.dataset.rowKey] = Object.fromEntries(titles.map((t, i) => [t, cells[i]]));
          }
          return out;
        }"""
    )


async def home_row_when(
    page: Any, holds: Any, *, timeout_s: float = 120, what: str = "the home row"
) -> dict[str, dict[str, str]]:
    """Refresh the home row until `holds(row)`: the aggregator is fed through Kafka."""
    deadline = time.monotonic() + timeout_s
    while True:
        row = await home_row(page)
        if holds(row):
            return row
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not as expected after {timeout_s:.0f}s: {row}")
        await page.locator("#home-row button").click()
        await asyncio.sleep(1)


async def checklist(page: Any) -> dict[str, str]:
    """The checklist on the home: item code -> the text shown."""
    items = page.locator("#home-checklist [data-code]")
    return {
        await item.get_attribute("data-code"): (await item.inner_text()).strip()
        for item in await items.all()
    }
