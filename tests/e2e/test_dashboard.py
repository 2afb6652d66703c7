"""The headquarters dashboard in headless Chromium (Debian's, driven by Playwright; never a
downloaded browser): it signs in, colours the 31 provincial polygons by the chosen metric, shows
XPCC as its own marker, lists 32 units in the tracker, follows a change of metric, and loads
nothing from outside the aggregator. A screenshot is kept as a test artifact."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from sanjin_devstack.paths import REPO
from tests.conftest import auth
from tests.support.activities import reported_activity
from tests.support.polling import eventually
from tests.support.services import ServiceProcess

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("SANJIN_TEST_ARTIFACTS", REPO / ".run" / "artifacts"))
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make browser)"
)

MAP_STATE = """() => {
  const data = window.sanjin.charts.map.getModel().getSeriesByIndex(0).getData();
  const out = [];
  for (let i = 0; i < data.count(); i++) {
    const style = data.getItemVisual(i, "style") || {};
    const value = data.get("value", i);
    if (typeof value === "number" && !isNaN(value)) {  // regions without a reporting unit: none
      out.push({ name: data.getName(i), value, fill: style.fill || null });
    }
  }
  return out;
}"""


async def _seed(http: httpx.AsyncClient, events: ServiceProcess, campaign: str) -> None:
    for province, participants in (("110000", 500), ("440000", 80), ("650000", 20), ("660000", 10)):
        await reported_activity(http, events.url, campaign, province, participants)


async def test_dashboard_in_headless_chromium(
    http: httpx.AsyncClient,
    events_service: ServiceProcess,
    aggregator: ServiceProcess,
    campaign: str,
) -> None:
    from playwright.async_api import async_playwright

    await http.put(
        f"{aggregator.url}/v1/campaigns/{campaign}",
        json={
            "starts_on": "2019-09-01",
            "ends_on": "2019-11-30",
            "report_deadline": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
        },
        headers=auth("admin"),
    )
    await _seed(http, events_service, campaign)
    await http.post(
        f"{aggregator.url}/v1/campaigns/{campaign}/submissions",
        json={"summary": "北京市报送"},
        headers=auth("province", "110000"),
    )
    table = await eventually(
        lambda: http.get(
            f"{aggregator.url}/v1/campaigns/{campaign}/statistics", headers=auth("hq")
        ),
        until=lambda r: r.json()["totals"]["participants"] == 610,
        what="the figures in the aggregator",
    )
    rows = {p["province"]: p["metrics"] for p in table.json()["provinces"]}

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        try:
            page = await browser.new_page(viewport={"width": 1500, "height": 1900}, locale="zh-CN")
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))

            await page.goto(f"{aggregator.url}/dashboard")
            await page.click("#dev-signin")
            await page.wait_for_function("window.sanjin.state.ready === true")
            await page.select_option("#campaign", campaign)
            await page.wait_for_function(
                f"window.sanjin.state.table && window.sanjin.state.table.campaign === {campaign!r}"
            )
            await page.select_option("#metric", "participants")

            regions = await page.evaluate(MAP_STATE)
            assert len(regions) == 31  # the provincial polygons; XPCC has none
            fills = {r["name"]: r["fill"] for r in regions}
            assert all(fills.values()), fills
            values = {r["name"]: r["value"] for r in regions}
            assert values["北京"] == rows["110000"]["participants"] == 500
            assert fills["北京"] != fills["广东"] != fills["天津"]  # 500, 80 and 0 look different
            zero = [n for n, v in values.items() if v == 0]
            assert len({fills[n] for n in zero}) == 1  # every zero the same, lightest colour
            xpcc = await page.evaluate(
                "() => window.sanjin.charts.map.getOption().series[1].data[0].value[2]"
            )
            assert xpcc == 10

            assert await page.locator("#tracker tbody tr").count() == 32
            beijing = page.locator('#tracker tbody tr[data-province="110000"]')
            assert "已报送" in await beijing.inner_text()
            assert "按时" in await beijing.inner_text()

            ARTIFACTS.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, tiny
            shot = ARTIFACTS / "dashboard.png"
            await page.screenshot(path=str(shot), full_page=True)
            print(f"\n[dashboard] screenshot: {shot}")

            renders = await page.evaluate("window.sanjin.state.renders")
            await page.select_option("#metric", "education_activities")
            await page.wait_for_function(f"window.sanjin.state.renders > {renders}")
            switched = await page.evaluate(MAP_STATE)
            assert (
                {r["name"]: r["value"] for r in switched}["北京"]
                == rows["110000"]["education_activities"]
                == 1
            )
            refilled = {r["name"]: r["fill"] for r in switched}
            # one activity each: Guangdong, lighter than Beijing by participants, is now as dark
            assert refilled["广东"] == refilled["北京"] != fills["广东"]

            await page.click("#lang")
            assert "Report submissions" in await page.locator("body").inner_text()
            await page.screenshot(path=str(ARTIFACTS / "dashboard-en.png"), full_page=True)

            assert not errors, errors
            outside = [u for u in requested if not u.startswith(aggregator.url)]
            assert outside == [], outside  # works without internet
        finally:
            await browser.close()
