"""A province officer's journey in the browser (issue 19), in Debian's headless chromium behind
the gateway, signed in on Keycloak's login page as Beijing's officer: download the templates
through the Excel page, fill them as the cities' workbooks come in (200 activities across
社区/校园/乡镇, 5 monitoring points, 10 risk reports), upload the activities with two bad rows and
read both problems at sheet, row and column, correct them and import, see the figures in the
home's Attachment-1 row (fed through Kafka) and the checklist, upload the same workbook again and
see that nothing changes, download the unit's row as a workbook, and read it all in English.
Screenshots are kept as artifacts. The steps are the functions of tests/support/province_pages.py
and, for the report package (a summary docx, a typical case whose JPEG carries EXIF GPS, submit,
headquarters' API sees it), tests/support/province_package.py.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from sanjin_aggregator.domain.metrics import METRIC_LABELS
from sanjin_events.api.workbooks import SHEET as ACTIVITIES
from sanjin_risk_monitoring.api.workbooks import POINTS, REPORTS
from tests.support.factories import activity_body, report_body
from tests.support.office_files import docx, gps_of, jpeg_with_gps
from tests.support.province_package import (
    add_case_with_photo,
    attach_summary,
    open_package,
    submit,
)
from tests.support.province_pages import (
    Window,
    campaign_under_way,
    checklist,
    commit,
    download,
    download_template,
    download_unit_row,
    figures,
    home_row,
    home_row_when,
    menu,
    open_excel,
    open_home,
    panel,
    row_errors,
    upload,
)
from tests.support.web import WebStack, browser_page, needs_browser, screenshot, sign_in
from tests.support.workbooks import FIRST_ROW, fill, letter_of

pytestmark = [needs_browser, pytest.mark.timeout(1500)]

UNIT = "110000"
VENUES = ("community", "campus", "township")
HELD = 180  # of the 200 activities, reported; 10 more are past their date, 10 still ahead
HELD_LABEL = METRIC_LABELS["education_activities"]


def activities(window: Window) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    rows = []
    for i in range(200):
        on = window.ahead(10) if i >= 190 else window.past(5 + i % 20)
        details = activity_body(
            window.campaign,
            title=f"消费品质量安全宣传活动{i:03d}",
            venue_type=VENUES[i % 3],
            venue_name=f"东城区第{i % 17}场所",
            scheduled_on=on.isoformat(),
            external_id=f"BJ-A{i:03d}",
        )
        report = report_body(held_on=on.isoformat(), participants=100 + i) if i < HELD else None
        rows.append((details, report))
    return rows


def points(window: Window) -> list[tuple[dict[str, Any]]]:
    return [
        (
            {
                "campaign": window.campaign,
                "name": f"东城区监测点{i}",
                "venue_type": VENUES[i % 3],
                "city": "北京市",
                "county": "东城区",
                "address": f"东直门大街 {i + 1} 号",
                "host_organization": "社区居委会",
                "contact_name": "王芳",
                "contact_phone": "13800138000",
                "established_on": window.past(30).isoformat(),
                "capabilities": ["信息采集"],
                "external_id": f"BJ-P{i}",
            },
        )
        for i in range(5)
    ]


def reports(window: Window) -> list[tuple[dict[str, Any]]]:
    return [
        (
            {
                "monitoring_point_id": f"BJ-P{i % 5}",
                "campaign": window.campaign,
                "occurred_on": window.past(3).isoformat(),
                "product_category": "toys",
                "product_name": "儿童电动玩具车",
                "brand": f"品牌{i}",
                "model": "X-1",
                "hazard_type": "injuries",
                "severity": "minor",
                "injured": False,
                "description": "车轮易脱落",
                "external_id": f"BJ-R{i}",
            },
        )
        for i in range(10)
    ]


async def import_clean(page: Any, workbook: str, content: bytes, name: str, rows: int) -> None:
    """Upload a correct workbook, check it, import it: every row created."""
    check = await upload(page, workbook, content, name)
    assert (await figures(check))["有问题"] == "0"
    report = await commit(page, workbook)
    assert (await figures(report))["新增"] == str(rows), await report.inner_text()


async def test_province_officer_journey(
    http: httpx.AsyncClient, province_stack: WebStack, tmp_path: Path
) -> None:
    stack = province_stack
    window = await campaign_under_way(http, stack)
    campaign = window.campaign
    api = f"{stack.url}/api/aggregator/v1/campaigns/{campaign}"
    hq = stack.headers("system-hq")

    async with browser_page(stack) as page:
        await sign_in(page, stack, f"prov-{UNIT}")
        await page.wait_for_url(f"{stack.url}/province")
        await open_home(page, stack)
        assert "no_activities" in await checklist(page)
        await screenshot(page, "province-home-empty")

        # the activities: the template through the page, 200 rows, two of them wrong
        await menu(page, "Excel 导入导出")
        await panel(page, "activities").wait_for()
        template = await download_template(page, "activities")
        assert load_workbook(io.BytesIO(template))[ACTIVITIES.name]["A1"].value
        rows = activities(window)
        bad = fill(template, ACTIVITIES, rows, raw={(7, "venue_type"): "医馆", (42, "title"): None})
        check = await upload(page, "activities", bad, "东城区活动.xlsx")
        shown = await figures(check)
        assert (shown["行数"], shown["有问题"], shown["将新增"]) == ("200", "2", "198"), shown
        problems = await row_errors(check)
        assert [(sheet, row, column[0]) for sheet, row, column, _ in problems] == [
            (ACTIVITIES.name, FIRST_ROW + 7, letter_of(ACTIVITIES, "venue_type")),
            (ACTIVITIES.name, FIRST_ROW + 42, letter_of(ACTIVITIES, "title")),
        ], problems
        assert all(message for *_, message in problems)
        await screenshot(page, "province-excel-errors")

        # corrected: checked clean, then imported
        good = fill(template, ACTIVITIES, rows)
        await import_clean(page, "activities", good, "东城区活动.xlsx", 200)
        await screenshot(page, "province-excel-imported")

        # the monitoring points (Attachment 2) and the risk reports, each from its own template
        await open_excel(page, stack, "points")
        point_template = await download_template(page, "points")
        await import_clean(
            page, "points", fill(point_template, POINTS, points(window)), "监测点.xlsx", 5
        )
        await open_excel(page, stack, "riskReports")
        report_template = await download_template(page, "riskReports")
        await import_clean(
            page,
            "riskReports",
            fill(report_template, REPORTS, reports(window)),
            "风险信息.xlsx",
            10,
        )

        # the home row, by venue type, once the aggregator has the events
        await open_home(page, stack)
        risk_label = METRIC_LABELS["risk_reports"]
        points_label = METRIC_LABELS["monitoring_points_established"]

        async def set_up_in_window() -> int:
            """Beijing's points in this campaign's register set up within its window: the five,
            and any of the unit's other campaigns' (other tests') set up in it (the register
            stands across campaigns)."""
            register = (await http.get(f"{api}/monitoring-points", headers=hq)).json()["items"]
            return sum(
                1
                for p in register
                if p["province"] == UNIT
                and window.starts_on.isoformat() <= p["established_on"] <= today
            )

        today = window.today.isoformat()
        row = await home_row_when(
            page,
            lambda r: (
                (r["total"][HELD_LABEL], r["total"][risk_label]) == (str(HELD), "10")
                and int(r["total"][points_label]) >= 5
            ),
            what="the imported records in the home row",
        )
        assert int(row["total"][points_label]) == await set_up_in_window()
        assert [row[v][HELD_LABEL] for v in VENUES] == [str(HELD // 3)] * 3
        # the journey's rows have no hospital figures (a 医院 row shows only other tests' points)
        assert {*VENUES, "total"} <= set(row)
        items = await checklist(page)
        overdue = sum(1 for d, report in rows if report is None and d["scheduled_on"] < today)
        if overdue:  # past their date and not reported (none in the first days of a year)
            assert f"有{overdue}场" in items["activities_not_reported"]
        else:
            assert "activities_not_reported" not in items
        # the five and any point of the unit's other campaigns still in use (the register
        # stands across campaigns): none evaluated in this one
        not_evaluated = items["points_not_evaluated"]
        assert int(not_evaluated.removeprefix("有").split("个")[0]) >= 5, not_evaluated
        assert {"no_survey", "no_summary", "not_submitted"} <= set(items)
        assert not {"no_activities", "no_monitoring_points"} & set(items)
        await screenshot(page, "province-home")
        statistics = (await http.get(f"{api}/statistics/{UNIT}", headers=hq)).json()

        # the same workbook once more: nothing is created, updated or removed
        await open_excel(page, stack, "activities")
        check = await upload(page, "activities", good, "东城区活动.xlsx")
        assert (await figures(check))["未变"] == "200"
        report = await commit(page, "activities")
        again = await figures(report)
        assert (again["新增"], again["更新"], again["未变"], again["工作簿中已删除的行"]) == (
            "0",
            "0",
            "200",
            "0",
        ), again
        await open_home(page, stack)
        assert (await home_row(page)) == row
        assert (await http.get(f"{api}/statistics/{UNIT}", headers=hq)).json() == statistics

        # the unit's own records back as a workbook: the 200 activities, by their 编号
        await open_excel(page, stack, "activities")
        _, exported = await download(page, page.locator("#excel-export-activities"))
        lines = list(
            load_workbook(io.BytesIO(exported))[ACTIVITIES.name].iter_rows(values_only=True)
        )
        key = lines[0].index(next(c.title for c in ACTIVITIES.columns if c.field == "external_id"))
        assert sorted(line[key] for line in lines[1:]) == [f"BJ-A{i:03d}" for i in range(200)]

        # paper survey responses go to a survey: the upload waits until one is chosen
        responses = await open_excel(page, stack, "responses")
        await responses.get_by_text("请先选择满意度调查").wait_for()
        assert await responses.locator("#excel-template-responses").is_disabled()

        # the unit's own Attachment-1 row as a workbook, through the page
        name, content = await download_unit_row(page)
        assert name.endswith(".xlsx") and "北京市" in name
        sheet = load_workbook(io.BytesIO(content)).active
        values = [[c.value for c in r] for r in sheet.iter_rows()]
        header = values[1]
        total = next(r for r in values if r[0] == "合计")
        assert total[header.index(HELD_LABEL)] == HELD
        # one row per venue type, then the total (a 医院 row shows only other tests' points)
        rows_named = [r[0] for r in values[2 : values.index(total) + 1] if r[0] != "医院"]
        assert rows_named == ["社区", "校园", "乡镇", "合计"], rows_named

        # in English
        await open_home(page, stack)
        await page.click("#lang")
        await page.wait_for_selector("text=Still to do")
        assert "Communities" in await page.locator("#home-row").inner_text()
        await screenshot(page, "province-home-en")
        await open_excel(page, stack, "activities")
        await page.wait_for_selector("text=Download the template")
        await screenshot(page, "province-excel-en")
        await page.click("#lang")

        # the report package: the summary docx and a typical case whose photo carries EXIF GPS
        summary = tmp_path / "北京市三进活动总结.docx"
        summary.write_bytes(docx(f"北京市{campaign}消费品质量安全三进活动总结"))
        photo = tmp_path / "社区宣传现场.jpg"
        photo.write_bytes(jpeg_with_gps(640, 480))
        assert gps_of(photo.read_bytes()), "the photo as taken carries its position"
        await open_package(page, stack, campaign)
        assert await attach_summary(page, summary) == summary.name
        case_id = await add_case_with_photo(
            page, "社区儿童玩具安全宣传", "在东城区社区开展儿童玩具质量安全宣传。", photo
        )
        await screenshot(page, "province-package")
        await submit(page)
        await screenshot(page, "province-submitted")

        # headquarters' API sees the submission with its files, the photo stored without GPS
        seen = (await http.get(f"{api}/submissions/{UNIT}", headers=hq)).json()
        assert seen["status"] == "submitted", seen
        latest = seen["history"][-1]
        assert latest["cases"] == [case_id]
        aggregator = f"{stack.url}/api/aggregator"
        listed = (await http.get(f"{api}/files", headers=hq)).json()["items"]
        kinds = {f["id"]: f["kind"] for f in listed if f["province"] == UNIT}
        assert sorted(kinds[i] for i in latest["files"]) == ["case_photo", "summary"]
        case = (await http.get(f"{aggregator}/v1/cases/{case_id}", headers=hq)).json()
        (photo_id,) = case["photo_ids"]
        stored = await http.get(f"{aggregator}/v1/files/{photo_id}", headers=hq)
        assert stored.status_code == 200 and gps_of(stored.content) == {}

        assert not page.sanjin_errors, page.sanjin_errors
        outside = [u for u in page.sanjin_requests if not u.startswith(stack.origins())]
        assert outside == [], outside
