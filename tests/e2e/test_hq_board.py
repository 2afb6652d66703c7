"""Headquarters' figures in the web application, in Debian's headless chromium behind the gateway,
signed in on Keycloak's login page: the board opens on the current campaign (a 2019 campaign
defined beside it), its xlsx button saves a file that openpyxl reads with the live figures, a
click on Beijing on the map opens its drill-down (its Attachment-1 row with the breakdown by venue
type, its submission, its records read from each service with the HQ token, and a risk signal
raised through the API with the reports behind it), the risk-signal page lists it, year over year
shows the change of a unit with data in two campaigns, English works, and the viewer sees the
figures without the records. Screenshots are kept as artifacts.

Every service runs here behind the gateway trusting the test realm (the session's `web_stack`
routes only the aggregator): the browser reads the records from them as an HQ officer does."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from openpyxl import load_workbook

from sanjin_shared.registry import SERVICES
from tests.support.campaigns import define_campaign
from tests.support.factories import activity_body, point_body, report_body, risk_report_body
from tests.support.polling import eventually
from tests.support.web import (
    ARTIFACTS,
    WebStack,
    browser_page,
    needs_browser,
    screenshot,
    sign_in,
    until,
)

pytestmark = [needs_browser, pytest.mark.timeout(900)]

BEIJING = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the officers' calendar
BEIJING_AT = [116.40, 39.90]  # longitude, latitude: inside Beijing's polygon


@pytest.fixture(scope="module")
def board_stack(web_stack: WebStack) -> WebStack:
    return web_stack


async def _create(
    http: httpx.AsyncClient, url: str, body: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    answer = await http.post(url, json=body, headers=headers)
    assert answer.status_code in (200, 201), answer.text
    return dict(answer.json())


async def _settled(page: Any) -> None:
    """Every table and button has its answer (no spinner left) before a screenshot."""
    await until(page, "() => document.querySelectorAll('.ant-spin-spinning').length === 0")


def _current(items: list[dict[str, Any]], today: str) -> str | None:
    """The campaign the board opens on (web/src/campaigns.ts): under way today, the latest start."""
    started = sorted(
        (c for c in items if c["starts_on"] <= today), key=lambda c: c["starts_on"], reverse=True
    )
    return next((c["campaign"] for c in started if c["ends_on"] >= today), None)


async def test_hq_board_drill_down_signals_and_year_over_year(
    http: httpx.AsyncClient, board_stack: WebStack
) -> None:
    stack = board_stack
    api = {s.slug: f"{stack.url}/api/{s.slug}" for s in SERVICES}
    admin, hq, bj = (stack.headers(c) for c in ("system-admin", "system-hq", "system-110000"))
    today = datetime.now(UTC).date()
    day = lambda n: (BEIJING - timedelta(days=n)).isoformat()  # noqa: E731 - a date n days ago

    # a current campaign whose window holds today, and a 2019 one
    current, earlier = f"{today.year}-hq{uuid.uuid4().hex[:6]}", f"2019-hq{uuid.uuid4().hex[:6]}"
    windows = {
        current: (BEIJING - timedelta(days=20), BEIJING + timedelta(days=40)),
        earlier: (date(2019, 9, 1), date(2019, 11, 30)),
    }
    intake = [url for slug, url in api.items() if slug != "aggregator"]
    for campaign, (starts, ends) in windows.items():
        await define_campaign(
            http, aggregator=api["aggregator"], intake=intake, headers=admin,
            name=campaign, starts_on=starts, ends_on=ends,
        )  # fmt: skip

    # Beijing's records: an activity in each campaign, a monitoring point and three reports of one
    # product (the signal rule), in the current campaign's window
    for campaign, held, participants in ((current, day(5), 300), (earlier, "2019-09-15", 120)):
        activity = await _create(
            http,
            f"{api['events']}/v1/activities",
            activity_body(campaign, title=f"进社区 {campaign}", scheduled_on=held),
            bj,
        )
        await _create(
            http,
            f"{api['events']}/v1/activities/{activity['id']}/report",
            report_body(held_on=held, participants=participants),
            bj,
        )
    point = await _create(
        http,
        f"{api['risk-monitoring']}/v1/monitoring-points",
        point_body(
            current, name="和平里社区监测点", established_on=day(10), contact_phone="13812345678"
        ),
        bj,
    )
    model = f"HK-{uuid.uuid4().hex[:4].upper()}"
    for n in range(3):
        await _create(
            http,
            f"{api['risk-monitoring']}/v1/risk-reports",
            risk_report_body(point["id"], current, model=model, occurred_on=day(3 - n)),
            bj,
        )

    def live(campaign: str, participants: int) -> Any:
        return eventually(
            lambda: http.get(
                f"{api['aggregator']}/v1/campaigns/{campaign}/statistics/110000", headers=hq
            ),
            until=lambda r: (
                r.status_code == 200 and r.json()["metrics"]["participants"] == participants
            ),
            timeout_s=60,
            what=f"Beijing's {participants} participants in {campaign}",
        )

    await live(current, 300)
    await live(earlier, 120)
    listed = (await http.get(f"{api['aggregator']}/v1/campaigns", headers=hq)).json()["items"]
    opens_on = _current(listed, today.isoformat())
    assert opens_on is not None and opens_on != "2019" and not opens_on.startswith("2019")
    compare = await http.get(
        f"{api['aggregator']}/v1/campaigns/{current}/statistics/compare",
        params={"with": earlier},
        headers=hq,
    )
    assert compare.status_code == 200, compare.text
    (bj_change,) = [u for u in compare.json()["units"] if u["province"] == "110000"]
    assert bj_change["metrics"]["participants"] == {
        "current": 300, "earlier": 120, "change": 180, "percent": 150.0
    }  # fmt: skip

    async with browser_page(stack) as page:
        await sign_in(page, stack, "hq")
        await page.wait_for_url(f"{stack.url}/hq")
        await until(page, "() => window.sanjin && window.sanjin.state.ready === true")
        # 1. the board opens on the current campaign, not on 2019
        await until(
            page,
            f"() => window.sanjin.state.campaign === {opens_on!r}",
            what="the current campaign",
        )
        if opens_on != current:  # another test of the session defined a later current campaign
            await page.goto(f"{stack.url}/hq?campaign={current}")
            await until(page, f"() => window.sanjin.state.campaign === {current!r}")
        await until(
            page,
            "() => window.sanjin.charts.map.getOption().series[0].data.some((d) => d.value === 300)",
        )
        await screenshot(page, "hq-board")

        # 2. the xlsx button saves the live statistics, read with the bearer token
        async with page.expect_download() as download:
            await page.click("#download-statistics-xlsx")
        saved = ARTIFACTS / "hq-board-statistics.xlsx"
        await (await download.value).save_as(saved)
        sheet = load_workbook(saved).worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        header = next(r for r in rows if "填报单位" in r)
        beijing = next(r for r in rows if "北京市" in r)
        column = next(
            i for i, v in enumerate(header) if isinstance(v, str) and v.startswith("参与人数")
        )
        assert beijing[column] == 300
        assert current in str(rows[0][0])
        async with page.expect_download() as download:
            await page.click("#download-register-xlsx")
        register = ARTIFACTS / "hq-board-register.xlsx"
        await (await download.value).save_as(register)
        cells = {
            v for r in load_workbook(register).worksheets[0].iter_rows(values_only=True) for v in r
        }
        assert "和平里社区监测点" in cells

        # 3. a click on Beijing on the map opens its drill-down
        box = await page.locator(".ant-card:has(#drill-hint) svg").first.bounding_box()
        assert box is not None
        x, y = await page.evaluate(
            f"() => window.sanjin.charts.map.convertToPixel({{ geoIndex: 0 }}, {BEIJING_AT})"
        )
        await page.mouse.click(box["x"] + x, box["y"] + y)
        await page.wait_for_url(f"{stack.url}/hq/provinces/110000?campaign={current}")
        await page.wait_for_selector("#province-title:has-text('北京市')")
        row = page.locator("#province-row tr[data-row-key='participants']")
        await row.locator("strong:has-text('300')").wait_for()
        assert (await row.locator("td").all_inner_texts())[1:3] == ["300", "300"]  # total, 社区
        submission = await page.locator("#province-submission").inner_text()
        assert "未报送" in submission
        assert (
            await page.locator("#open-inbox").get_attribute("href")
            == f"/hq/inbox/110000?campaign={current}"
        )
        await page.locator("#records-activities").get_by_text(f"进社区 {current}").wait_for()
        await page.get_by_role("tab", name="风险信息监测点").click()
        points = page.locator("#records-points")
        await points.get_by_text("和平里社区监测点").wait_for()
        assert "13812345678" in await points.inner_text()  # the institutional contact, in full
        await page.get_by_role("tab", name="风险信息报告").click()
        await page.locator("#records-reports tbody tr[data-row-key]").nth(2).wait_for()
        assert await page.locator("#records-reports tbody tr[data-row-key]").count() == 3

        # its risk signal, with the reports behind it
        signal = page.locator("#signals-compact tbody tr[data-row-key]").first
        await signal.get_by_text(model).wait_for()
        await signal.locator(".ant-table-row-expand-icon").click()
        behind = page.locator("#signals-compact .signal-reports tbody tr[data-row-key]")
        await behind.nth(2).wait_for()
        assert await behind.count() == 3
        await _settled(page)
        await screenshot(page, "hq-province")

        # the national list of signals
        await page.goto(f"{stack.url}/hq/signals?campaign={current}")
        listed_signal = page.locator("#signals tbody tr[data-row-key]").filter(has_text=model)
        await listed_signal.wait_for()
        assert "北京市" in await listed_signal.inner_text()
        await listed_signal.locator(".ant-table-row-expand-icon").click()
        await page.locator("#signals .signal-reports tbody tr[data-row-key]").nth(2).wait_for()
        await _settled(page)
        await screenshot(page, "hq-signals")
        await page.locator(".workspace-menu").get_by_text("同比").click()  # the side menu
        await page.wait_for_url(f"{stack.url}/hq/compare")

        # 5. year over year: Beijing's participants 120 → 300 (+180, +150.0%)
        await page.goto(f"{stack.url}/hq/compare?campaign={current}&with={earlier}")
        line = page.locator("#compare-table tr[data-row-key='110000']")
        await line.wait_for()
        assert await line.locator("td").all_inner_texts() == [
            "北京市",
            "120",
            "300",
            "+180",
            "+150.0%",
        ]
        await _settled(page)
        await screenshot(page, "hq-compare")
        async with page.expect_download() as download:
            await page.click("#download-compare-xlsx")
        compared = ARTIFACTS / "hq-board-compare.xlsx"
        await (await download.value).save_as(compared)
        rows = [list(r) for r in load_workbook(compared).worksheets[0].iter_rows(values_only=True)]
        assert ["北京市", "参与人数(人次)", 300, 120, 180, 150.0] in [r[:6] for r in rows]

        # English, on a drill-down
        await page.goto(f"{stack.url}/hq/provinces/110000?campaign={current}")
        await page.click("#lang")
        await page.wait_for_selector("text=Statistics table (Attachment 1)")
        await page.wait_for_selector("#province-title:has-text('Beijing')")
        await page.locator("#records-activities tbody tr[data-row-key]").first.wait_for()
        await _settled(page)
        await screenshot(page, "hq-province-en")
        await page.click("#lang")

        assert not page.sanjin_errors, page.sanjin_errors
        outside = [u for u in page.sanjin_requests if not u.startswith(stack.origins())]
        assert outside == [], outside

    # the viewer: the figures and the downloads, not the records
    async with browser_page(stack) as page:
        await sign_in(page, stack, "viewer")
        await page.goto(f"{stack.url}/hq/provinces/110000?campaign={current}")
        await page.locator("#province-row strong:has-text('300')").wait_for()
        await page.get_by_text("不查看各地的具体记录").wait_for()
        assert await page.locator("#records-tabs").count() == 0
        await page.locator("#signals-compact").get_by_text(model).wait_for()
        await _settled(page)
        await screenshot(page, "hq-viewer-province")
        await page.goto(f"{stack.url}/hq?campaign={current}")
        await page.locator("#download-statistics-xlsx").wait_for()
        await until(page, f"() => window.sanjin && window.sanjin.state.campaign === {current!r}")
        await screenshot(page, "hq-viewer")
        assert not page.sanjin_errors, page.sanjin_errors
