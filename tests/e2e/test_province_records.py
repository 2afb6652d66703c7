"""The province's record pages in the web application, in Debian's headless chromium, behind the
gateway and signed in on Keycloak's login page as Beijing's officer, with the four intake services
and the aggregator trusting that Keycloak. Through the forms built from the services' OpenAPI
schemas the officer creates an activity (a date outside the campaign's window is refused and the
Chinese message is shown under the date), reports its figures, cancels another, registers and
evaluates a monitoring point, submits a risk report, schedules an inspection session, books it and
records a result, publishes a survey and types in a paper response. Each is then read through the
API. The English toggle relabels a form from the same schemas. Screenshots are kept as artifacts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from sanjin_shared.registry import SERVICES
from tests.support.campaigns import define_campaign
from tests.support.web import (
    WebStack,
    browser_page,
    needs_browser,
    screenshot,
    sign_in,
    until,
)

pytestmark = [needs_browser, pytest.mark.timeout(1200)]

PROVINCE = "110000"


@pytest.fixture(scope="module")
def records_stack(web_stack: WebStack) -> WebStack:
    return web_stack


async def pick(page: Any, field: str, label: str, *, search: bool = False) -> None:
    """Choose `label` in the Ant Design select of the form field `field` (typing it first into a
    searchable select: its list shows only the first options of a long one)."""
    await page.locator(f".ant-modal .ant-select:has(#{field})").click()
    if search:
        await page.locator(f".ant-modal #{field}").fill(label)
    option = page.locator(f".ant-select-dropdown:visible .ant-select-item-option[title={label!r}]")
    await option.click()


async def fill(page: Any, values: dict[str, str]) -> None:
    for field, value in values.items():
        await page.fill(f".ant-modal #{field}", value)


async def save(page: Any) -> None:
    """Save the open form and wait until the dialog has gone (the service accepted it)."""
    await page.click("#rec-submit")
    await page.locator(".ant-modal:visible").wait_for(state="detached")


async def row_action(page: Any, text: str, action: str) -> None:
    await page.locator(
        f"tr.ant-table-row:has-text({text!r}) button[data-action={action!r}]"
    ).click()
    await page.locator(".ant-modal:visible").wait_for()


async def open_tab(page: Any, stack: WebStack, tab: str) -> None:
    await page.get_by_role("tab", name=tab, exact=True).click()
    await page.locator(".ant-tabs-tabpane-active .ant-table").first.wait_for()


async def test_province_records_in_headless_chromium(
    http: httpx.AsyncClient, records_stack: WebStack, campaign: str
) -> None:
    stack = records_stack
    api = f"{stack.url}/api"
    # a window around today: the records are dated inside it and in the past (a report, an
    # evaluation, a result are not in the future), and the survey is still open today
    starts_on = datetime.now(UTC).date() - timedelta(days=120)
    ends_on = starts_on + timedelta(days=180)

    def day(n: int) -> str:
        return (starts_on + timedelta(days=n)).isoformat()

    await define_campaign(
        http,
        aggregator=f"{api}/aggregator",
        intake=[f"{api}/{s.slug}" for s in SERVICES if s.name != "aggregator"],
        headers=stack.headers("system-admin"),
        name=campaign,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    beijing = stack.headers(f"system-{PROVINCE}")

    async def records(path: str, **query: str) -> list[dict[str, Any]]:
        answer = await http.get(
            f"{api}/{path}", params={"campaign": campaign, **query}, headers=beijing
        )
        assert answer.status_code == 200, answer.text
        items: list[dict[str, Any]] = answer.json()["items"]
        return items

    async with browser_page(stack) as page:
        await sign_in(page, stack, f"prov-{PROVINCE}", path="/province/records/activities")
        await page.goto(f"{stack.url}/province/records/activities")
        await page.locator(".ant-select:has(#rec-campaign)").click()
        await page.fill("#rec-campaign", campaign)
        await page.locator(
            f".ant-select-dropdown:visible .ant-select-item-option[title*={campaign!r}]"
        ).click()

        # -- an activity: a date outside the campaign's window is answered under the date field
        await page.click("#create-activities")
        await pick(page, "kind", "宣传教育")
        await pick(page, "venue_type", "社区")
        await fill(
            page,
            {
                "title": "质量月进社区（浏览器）",
                "venue_name": "朝阳社区",
                "city": "北京市",
                "county": "朝阳区",
                "scheduled_on": (ends_on + timedelta(days=10)).isoformat(),
                "organizer": "北京市市场监管局",
            },
        )
        await pick(page, "formats", "发放宣传资料")
        await page.click(".ant-modal-title")  # closes the drop-down, not the dialog
        await page.click("#rec-submit")
        error = page.locator(".ant-form-item:has(#scheduled_on) .ant-form-item-explain-error")
        await error.wait_for()
        assert "不在活动批次" in await error.inner_text()  # the campaign rule, in Chinese
        await screenshot(page, "records-activity-field-error")
        await fill(page, {"scheduled_on": day(14)})
        await save(page)
        await page.locator("tr.ant-table-row:has-text('质量月进社区（浏览器）')").wait_for()

        # a second one, to cancel
        await page.click("#create-activities")
        await pick(page, "kind", "社会共治研讨")
        await pick(page, "venue_type", "社区")
        await fill(
            page,
            {
                "title": "共治研讨（取消）",
                "venue_name": "海淀会议中心",
                "city": "北京市",
                "county": "海淀区",
                "scheduled_on": day(40),
                "organizer": "北京市市场监管局",
            },
        )
        await save(page)

        await row_action(page, "质量月进社区（浏览器）", "activities-report")
        await fill(page, {"held_on": day(14), "participants": "230", "consultations": "12"})
        await screenshot(page, "records-activity-report")
        await save(page)
        await row_action(page, "共治研讨（取消）", "activities-cancel")
        await fill(page, {"reason": "场地临时调整"})
        await save(page)
        await until(
            page,
            "() => document.querySelector('.ant-tabs-tabpane-active tbody').innerText"
            ".includes('已取消')",
            what="the cancelled activity's status in the list",
        )
        await screenshot(page, "records-activities")

        activities = {a["title"]: a for a in await records("events/v1/activities")}
        held = activities["质量月进社区（浏览器）"]
        assert held["status"] == "completed" and held["report"]["participants"] == 230
        assert held["report"]["consultations"] == 12 and held["formats"] == ["materials"]
        assert held["scheduled_on"] == day(14) and held["province"] == PROVINCE
        cancelled = activities["共治研讨（取消）"]
        assert cancelled["status"] == "cancelled" and cancelled["cancel_reason"] == "场地临时调整"

        # -- a monitoring point, registered and evaluated
        await open_tab(page, stack, "风险信息监测点")
        await page.click("#create-monitoring-points")
        await pick(page, "venue_type", "校园")
        await fill(
            page,
            {
                "name": "北京第一中学监测点",
                "city": "北京市",
                "county": "西城区",
                "address": "西城区某路1号",
                "host_organization": "北京第一中学",
                "contact_name": "王老师",
                "contact_phone": "13800138000",
                "established_on": day(1),
            },
        )
        await save(page)
        await row_action(page, "北京第一中学监测点", "monitoring-points-evaluate")
        await fill(
            page,
            {"evaluated_on": day(50), "score": "92", "evaluator": "北京市市场监管局"},
        )
        await save(page)
        (point,) = await records("risk-monitoring/v1/monitoring-points")
        assert point["name"] == "北京第一中学监测点" and point["venue_type"] == "campus"
        assert [e["score"] for e in point["evaluations"]] == [92]

        # -- a risk report on that point
        await open_tab(page, stack, "风险信息")
        await page.click("#create-risk-reports")
        await pick(page, "monitoring_point_id", "北京第一中学监测点（西城区）", search=True)
        await pick(page, "product_category", "玩具")
        await pick(page, "hazard_type", "窒息(异物)")
        await pick(page, "severity", "轻微")
        await page.locator(".ant-modal #injured").get_by_text("是").click()
        await fill(
            page,
            {
                "occurred_on": day(51),
                "product_name": "小零件积木",
                "brand": "某牌",
                "model": "X-1",
            },
        )
        await save(page)
        (report,) = await records("risk-monitoring/v1/risk-reports")
        assert report["monitoring_point_id"] == point["id"] and report["injured"] is True
        assert report["product_category"] == "toys" and report["hazard_type"] == "choking"

        # -- an inspection session, a booking, a result
        await open_tab(page, stack, "免费检测与真假鉴别")
        await page.click("#create-inspection-sessions")
        await pick(page, "venue_type", "乡镇")
        await pick(page, "services", "免费检测")
        await page.click(".ant-modal-title")  # closes the drop-down, not the dialog
        await fill(
            page,
            {
                "institution": "北京市产品质量监督检验院",
                "venue_name": "长沟镇",
                "city": "北京市",
                "county": "房山区",
                "date": day(40),
                "capacity": "30",
            },
        )
        await save(page)
        await row_action(page, "长沟镇", "bookings-create")
        await fill(page, {"consumer_name": "李明", "consumer_phone": "13912345678"})
        await pick(page, "product_category", "家用电器")
        await pick(page, "service", "免费检测")
        await save(page)
        await row_action(page, "长沟镇", "inspection-results-record")
        await pick(page, "product_category", "家用电器")
        await pick(page, "service", "免费检测")
        await pick(page, "outcome", "合格")
        await pick(page, "booking_id", "李* 139****5678")  # the confirmed booking, as lists mask it
        await save(page)
        await page.locator("tr.ant-table-row:has-text('长沟镇') .ant-table-row-expand-icon").click()
        await page.locator(".records-bookings tr.ant-table-row").wait_for()
        await page.locator(".records-results tr.ant-table-row").wait_for()
        await screenshot(page, "records-session")
        (session,) = await records("inspection/v1/inspection-sessions")
        assert session["confirmed"] == 1 and session["results"] == 1
        (result,) = await records("inspection/v1/inspection-results")
        assert result["session_id"] == session["id"] and result["outcome"] == "pass"
        assert result["booking_id"] is not None

        # -- a survey and a paper response typed in
        await open_tab(page, stack, "满意度调查")
        await page.click("#create-surveys")
        await pick(page, "product_category", "儿童用品")
        # open until after today: the survey service takes no response once a survey has closed
        await fill(
            page,
            {"title": "儿童用品满意度调查", "opens_on": day(0), "closes_on": ends_on.isoformat()},
        )
        await page.click(".ant-modal #questions_add")
        await fill(
            page,
            {
                "questions_0_id": "q1",
                "questions_0_text": "您对所购儿童用品的质量是否满意？",
                "questions_0_dimension": "quality",
                "questions_0_scale_max": "5",
                "questions_0_weight": "1",
            },
        )
        await screenshot(page, "records-survey-form")
        await save(page)
        await row_action(page, "儿童用品满意度调查", "responses-submit")
        await fill(page, {"respondent_id": "纸质-0001"})
        await page.locator(".ant-modal #answers_q1").get_by_text("4", exact=True).click()
        await save(page)
        (survey,) = await records("survey/v1/surveys")
        assert survey["responses"] == 1 and survey["questions"][0]["id"] == "q1"
        results = await http.get(f"{api}/survey/v1/surveys/{survey['id']}/results", headers=beijing)
        assert results.json()["responses"] == 1
        assert results.json()["satisfaction_index"] is not None

        # -- the same form in English, labelled from the same schemas
        await open_tab(page, stack, "宣传教育活动")
        await page.click("#lang")
        await page.click("#create-activities")
        await page.locator(".ant-modal label[for='venue_type']:has-text('Venue type')").wait_for()
        await page.locator(".ant-modal .ant-select:has(#kind)").click()
        await page.locator(".ant-select-dropdown:visible :text('Launch ceremony')").wait_for()
        await page.click(".ant-modal-title")  # closes the drop-down, not the dialog
        await screenshot(page, "records-activity-form-en")

        # the one refused request (the date outside the campaign's window) is all the console has
        unexpected = [e for e in page.sanjin_errors if "status of 422" not in e]
        assert unexpected == [], unexpected
        outside = [u for u in page.sanjin_requests if not u.startswith(stack.origins())]
        assert outside == [], outside
