"""The headquarters board in the web application, in Debian's headless chromium, behind the
gateway and signed in on Keycloak's login page as the hq officer: it colours the 31 provincial
polygons by the chosen metric, shows XPCC as its own marker, follows a change of metric, lists
the 32 units in the tracker, renders Chinese with a CJK font, switches to English, and loads
nothing from outside the gateway and the identity provider. Screenshots are kept as artifacts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.support.activities import reported_activity
from tests.support.polling import eventually
from tests.support.services import ServiceProcess
from tests.support.web import WebStack, browser_page, needs_browser, screenshot, sign_in, until

# the first of them starts Keycloak (half a minute idle, minutes on a loaded machine)
pytestmark = [needs_browser, pytest.mark.timeout(900)]

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


async def choose(page, select: str, option: str) -> None:  # type: ignore[no-untyped-def]
    """Pick `option` in the Ant Design select `#<select>` as a person does with a long list:
    open it, type, press Enter (its list is virtual: only the options in view exist)."""
    await page.locator(f".ant-select:has(#{select})").click()
    await page.locator(f"#{select}").fill(option)
    await page.locator(
        f".ant-select-dropdown:visible .ant-select-item-option[title={option!r}]"
    ).wait_for()
    await page.keyboard.press("Enter")


async def test_dashboard_in_headless_chromium(
    http: httpx.AsyncClient, events_service: ServiceProcess, web_stack: WebStack, campaign: str
) -> None:
    api = f"{web_stack.url}/api/aggregator"  # through the gateway, as the browser
    put = await http.put(
        f"{api}/v1/campaigns/{campaign}",
        json={
            "starts_on": "2019-09-01",
            "ends_on": "2019-11-30",
            "report_deadline": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
        },
        headers=web_stack.headers("system-admin"),
    )
    assert put.status_code in (200, 201), put.text
    for province, participants in (("110000", 500), ("440000", 80), ("650000", 20), ("660000", 10)):
        await reported_activity(http, events_service.url, campaign, province, participants)
    submitted = await http.post(
        f"{api}/v1/campaigns/{campaign}/submissions",
        json={"summary": "北京市报送"},
        headers=web_stack.headers("system-110000"),
    )
    assert submitted.status_code == 201, submitted.text
    hq = web_stack.headers("system-hq")
    table = await eventually(
        lambda: http.get(f"{api}/v1/campaigns/{campaign}/statistics", headers=hq),
        until=lambda r: r.json()["totals"]["participants"] == 610,
        what="the figures in the aggregator",
    )
    rows = {p["province"]: p["metrics"] for p in table.json()["provinces"]}

    async with browser_page(web_stack) as page:
        await sign_in(page, web_stack, "hq")
        await page.wait_for_url(f"{web_stack.url}/hq")
        await until(page, "() => window.sanjin && window.sanjin.state.ready === true")
        await choose(page, "campaign", campaign)
        await until(page, f"() => window.sanjin.state.campaign === {campaign!r}")
        await until(
            page,
            "() => window.sanjin.charts.map.getOption().series[0].data.some((d) => d.value === 500)",
        )
        assert await page.evaluate("window.sanjin.state.metric") == "participants"

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

        tracker = page.locator("#tracker tbody tr[data-row-key]")
        assert await tracker.count() == 32
        beijing = await page.locator('#tracker tr[data-row-key="110000"]').inner_text()
        assert "北京市" in beijing and "已报送" in beijing and "按时" in beijing
        assert "未报送" in await page.locator('#tracker tr[data-row-key="440000"]').inner_text()

        # Chinese is drawn with a CJK font installed on the machine, not boxes or a fallback
        assert await page.evaluate(
            """() => document.fonts.check('16px "Noto Sans CJK SC"', '全国看板') &&
                     getComputedStyle(document.body).fontFamily.includes('Noto Sans CJK SC')"""
        )
        await screenshot(page, "dashboard")

        renders = await page.evaluate("window.sanjin.state.renders")
        await choose(page, "metric", "宣传教育活动(场)")
        await until(page, f"() => window.sanjin.state.renders > {renders}")
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
        await page.wait_for_selector("text=Report submissions")
        assert "Beijing" in await page.locator('#tracker tr[data-row-key="110000"]').inner_text()
        await screenshot(page, "dashboard-en")

        assert not page.sanjin_errors, page.sanjin_errors
        outside = [u for u in page.sanjin_requests if not u.startswith(web_stack.origins())]
        assert outside == [], outside  # works without internet: no CDN, no font, no map fetched
