"""An HQ officer's day in the web application (issue 20), in Debian's headless chromium behind
the gateway, signed in on Keycloak's login page: the tracker shows a late unit and the overdue
ones; the due reminders go out from the reminders page, each e-mail arriving at a real SMTP server
(aiosmtpd); a submitted package is read (summary, files, photos) and returned with a comment; the
province resubmits through the API with a changed figure and a new file, which the versions show;
it is approved; a unit's e-mailed report is recorded on its behalf with its file; the official
workbook is downloaded through its button and opened with openpyxl (two sheets, A4 landscape fit
to width with print titles, the approved figures, not the live ones). Then the viewer: figures
and exports, no action buttons, and the API refuses the actions anyway. Screenshots are kept.

The stack has its own aggregator (its own database and consumer group) with an SMTP server and a
deadline watch that waits an hour between rounds, so the reminders are the ones the button sends.
Dates: the campaign's window is 2019's, its deadline two days ago (the clock is the real one)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import openpyxl
import pytest

from sanjin_aggregator.domain.metrics import METRIC_LABELS
from sanjin_devstack.keycloak import KeycloakServer
from sanjin_shared.clock import BEIJING
from tests.conftest import auth
from tests.support.activities import reported_activity
from tests.support.campaigns import define_campaign
from tests.support.office_files import docx, jpeg_with_gps
from tests.support.polling import eventually
from tests.support.services import ServiceProcess
from tests.support.smtp import Inbox, smtp_server
from tests.support.web import (
    ARTIFACTS,
    WebStack,
    browser_page,
    needs_browser,
    screenshot,
    sign_in,
    started_web_stack,
    until,
)

pytestmark = [needs_browser, pytest.mark.timeout(1200)]

RETURNED, ON_BEHALF, CONTACT, EXTENDED = "440000", "120000", "110000", "130000"
HQ_COPY = "duban@samr.example.gov.cn"
CONTACT_ADDRESS = "zhijian@bj.example.gov.cn"


@pytest.fixture(scope="module")
def mail() -> Iterator[Inbox]:
    with smtp_server() as inbox:
        yield inbox


@pytest.fixture(scope="module")
def hq_stack(world: Any, keycloak: KeycloakServer, mail: Inbox) -> Iterator[WebStack]:
    env = {
        "SANJIN_MONGODB_DATABASE": f"{world.name}_aggregator_hqday",
        "SANJIN_CONSUMER_GROUP": "aggregator-hqday",
        "SANJIN_DEADLINE_CHECK_INTERVAL_S": "3600",
        "SANJIN_SMTP_HOST": mail.host,
        "SANJIN_SMTP_PORT": str(mail.port),
        "SANJIN_SMTP_SECURITY": "none",
        "SANJIN_ESCALATION_TO": json.dumps([HQ_COPY]),
    }
    with started_web_stack(
        world, keycloak, instance="-hqday", env=env, only=("aggregator",)
    ) as stack:
        yield stack


async def choose(page: Any, select: str, option: str) -> None:
    """Pick `option` in the Ant Design select `#<select>`: open it, type, press Enter."""
    await page.locator(f".ant-select:has(#{select})").click()
    await page.locator(f"#{select}").fill(option)
    await page.locator(
        f".ant-select-dropdown:visible .ant-select-item-option[title={option!r}]"
    ).wait_for()
    await page.keyboard.press("Enter")


async def open_page(page: Any, label: str, campaign: str) -> None:
    """A page of the headquarters workspace from the side menu, on `campaign`."""
    await page.get_by_role("menuitem", name=label).click()
    await page.locator("#campaign").wait_for()
    await choose(page, "campaign", campaign)
    await page.locator(f'[data-campaign="{campaign}"]').wait_for()


async def open_package(page: Any, province: str) -> None:
    await page.locator(f'#inbox-table tr[data-row-key="{province}"] button.open').click()
    await page.locator(".ant-drawer-open #package-facts").wait_for()


async def close_package(page: Any) -> None:
    await page.locator(".ant-drawer-open .ant-drawer-close").click()
    await page.locator(".ant-drawer-open").wait_for(state="detached")


async def test_an_hq_officers_day(
    http: httpx.AsyncClient,
    events_service: ServiceProcess,
    hq_stack: WebStack,
    mail: Inbox,
    campaign: str,
) -> None:
    stack = hq_stack
    api = f"{stack.url}/api/aggregator/v1"
    hq, admin = stack.headers("system-hq"), stack.headers("system-admin")
    unit = stack.headers(f"system-{RETURNED}")
    deadline = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2) + timedelta(hours=1)
    await define_campaign(  # through the aggregator; the events service then accepts it
        http,
        aggregator=f"{stack.url}/api/aggregator",
        intake=[events_service.url],
        headers=admin,
        intake_headers=auth("hq"),
        name=campaign,
        starts_on=date(2019, 9, 1),
        ends_on=date(2019, 11, 30),
        report_deadline=deadline,
    )
    contacts = await http.put(
        f"{api}/unit-contacts/{CONTACT}", json={"emails": [CONTACT_ADDRESS]}, headers=hq
    )
    assert contacts.status_code == 200, contacts.text

    async def participants(province: str, expected: int) -> None:
        await eventually(
            lambda: http.get(f"{api}/campaigns/{campaign}/statistics/{province}", headers=hq),
            until=lambda r: r.json()["metrics"]["participants"] == expected,
            what=f"{expected} participants of {province} in the aggregator",
        )

    await reported_activity(http, events_service.url, campaign, RETURNED, 300)
    await reported_activity(http, events_service.url, campaign, ON_BEHALF, 50)
    await participants(RETURNED, 300)
    await participants(ON_BEHALF, 50)

    async def upload(
        headers: dict[str, str], name: str, body: bytes, kind: str, **data: str
    ) -> str:
        r = await http.post(
            f"{api}/campaigns/{campaign}/files",
            files={"file": (name, body, "application/octet-stream")},
            data={"kind": kind, **data},
            headers=headers,
        )
        assert r.status_code == 201, r.text
        return str(r.json()["id"])

    summary_file = await upload(unit, "广东省总结.docx", docx("广东省三进活动总结"), "summary")
    photo = await upload(unit, "进社区.jpg", jpeg_with_gps(), "case_photo")
    case = await http.post(
        f"{api}/campaigns/{campaign}/cases",
        json={"title": "社区比对展示", "text": "在社区开展了比对展示。", "photo_ids": [photo]},
        headers=unit,
    )
    assert case.status_code == 201, case.text
    first = await http.post(
        f"{api}/campaigns/{campaign}/submissions",
        json={
            "summary": "广东省共开展宣传教育活动一场。",
            "files": [summary_file, photo],
            "cases": [case.json()["id"]],
        },
        headers=unit,
    )
    assert first.status_code == 201, first.text
    late = first.json()
    assert late["on_time"] is False and late["days_late"] >= 1

    async with browser_page(stack) as page:
        # 1. the tracker: a late unit, the overdue ones
        await sign_in(page, stack, "hq")
        await open_page(page, "报送管理", campaign)
        row = page.locator(f'#inbox-table tr[data-row-key="{RETURNED}"]')
        await row.wait_for()
        text = await row.inner_text()
        assert "广东省" in text and "已报送" in text and "逾期报送" in text, text
        assert str(late["days_late"]) in text.split(), text
        assert (
            "逾期未报"
            in await page.locator(f'#inbox-table tr[data-row-key="{CONTACT}"]').inner_text()
        )
        assert await page.locator("#inbox-table tbody tr[data-row-key]").count() == 32
        await page.locator("#inbox-late").check()
        assert (
            await page.locator("#inbox-table tbody tr[data-row-key]").count() == 32
        )  # 1 late, 31 overdue
        await page.locator("#inbox-late").uncheck()
        await screenshot(page, "hq-day-1-inbox")

        # 2. the reminders: none yet; the button sends the escalations due, each e-mail arrives
        await open_page(page, "催报记录", campaign)
        await page.get_by_text("尚未发送催报").wait_for()
        await page.click("#run-reminders")
        await page.click("#run-reminders-confirm")
        await until(
            page,
            "() => document.querySelectorAll('#reminders-table tbody tr[data-row-key]').length === 31",
            what="31 reminders in the list",
        )
        rows = await page.locator("#reminders-table tbody tr[data-row-key]").all_inner_texts()
        assert all("逾期催报" in r and "逾期 1 天" in r and "已送达" in r for r in rows), rows[:3]
        assert not any("广东省" in r for r in rows)  # it has submitted
        received = mail.received()
        assert len(received) == 31
        assert all(HQ_COPY in m.recipients for m in received)
        assert sum(CONTACT_ADDRESS in m.recipients for m in received) == 1
        await screenshot(page, "hq-day-2-reminders")

        # 3. a submitted package: summary, files, photos; returned with a comment
        await open_page(page, "报送管理", campaign)
        await open_package(page, RETURNED)
        assert "广东省共开展宣传教育活动一场" in await page.locator("#package-summary").inner_text()
        assert "广东省总结.docx" in await page.locator("#package-files").inner_text()
        assert "社区比对展示" in await page.locator("#package-cases").inner_text()
        await until(
            page,
            "() => [...document.querySelectorAll('#package-photos img')].some((i) => i.src.startsWith('data:image/jpeg') && i.naturalWidth > 0)",
            what="the photo's thumbnail, fetched with the token",
        )
        await page.click("#return")
        await page.click("#return-save")  # without a comment: refused on the page
        await page.get_by_text("请填写退回意见").wait_for()
        await page.fill("#return-comment", "请补充典型案例的照片说明和第二场活动的数据。")
        await page.click("#return-save")
        await page.locator(".ant-drawer-open .ant-drawer-title", has_text="已退回").wait_for()
        await screenshot(page, "hq-day-3-returned")
        await close_package(page)
        seen = (
            await http.get(f"{api}/campaigns/{campaign}/submissions/{RETURNED}", headers=unit)
        ).json()
        assert (seen["status"], seen["comment"]) == (
            "returned",
            "请补充典型案例的照片说明和第二场活动的数据。",
        )

        # 4. the province resubmits through the API, with a second activity and a new file
        await reported_activity(http, events_service.url, campaign, RETURNED, 40)
        await participants(RETURNED, 340)
        added = await upload(unit, "补充说明.docx", docx("补充说明"), "attachment")
        again = await http.post(
            f"{api}/campaigns/{campaign}/submissions",
            json={
                "summary": "广东省共开展宣传教育活动两场，已补充照片说明。",
                "files": [summary_file, photo, added],
                "cases": [case.json()["id"]],
            },
            headers=unit,
        )
        assert again.status_code == 201, again.text

        # 5. approved; the versions show what changed
        await open_package(page, RETURNED)  # read again as the drawer opens
        await page.get_by_role("tab", name="历次版本（2）").click()
        history = await page.locator("#package-history").inner_text()
        label = METRIC_LABELS["participants"]
        assert "第 2 版" in history and f"{label} 300 → 340" in history, history
        assert "+ 补充说明.docx" in history and "请补充典型案例的照片说明" in history, history
        await page.click("#approve")
        await page.click("#approve-confirm")
        await page.locator(".ant-drawer-open .ant-drawer-title", has_text="已审核").wait_for()
        await screenshot(page, "hq-day-4-approved")
        await close_package(page)

        # 6. a unit's e-mailed report, recorded on its behalf with its file
        await page.locator(f'#inbox-table tr[data-row-key="{ON_BEHALF}"] button.on-behalf').click()
        received_at = (datetime.now(BEIJING) - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
        await page.fill("#on-behalf-received", received_at)
        await page.fill(
            "#on-behalf-summary", "天津市报送材料（电子邮件）：共开展宣传教育活动一场。"
        )
        await page.locator(".ant-modal input[type=file]").set_input_files(
            files=[
                {
                    "name": "天津市总结.docx",
                    "mimeType": "application/octet-stream",
                    "buffer": docx("天津市总结"),
                }
            ]
        )
        await page.locator(".ant-modal .ant-upload-list-item-done").wait_for()
        await screenshot(page, "hq-day-5-on-behalf-form")
        await page.click("#on-behalf-save")
        recorded = page.locator(f'#inbox-table tr[data-row-key="{ON_BEHALF}"]')
        await recorded.filter(has_text="邮件报送").wait_for()
        assert "已报送" in await recorded.inner_text()
        await open_package(page, ON_BEHALF)
        assert "代为录入" in await page.locator("#recorded-by").inner_text()
        assert "天津市总结.docx" in await page.locator("#package-files").inner_text()
        await screenshot(page, "hq-day-5-on-behalf")
        await close_package(page)
        stored = (
            await http.get(f"{api}/campaigns/{campaign}/submissions/{ON_BEHALF}", headers=hq)
        ).json()
        step = stored["history"][-1]
        assert (step["channel"], len(step["files"]), stored["on_time"]) == ("email", 1, False)
        assert datetime.fromisoformat(step["received_at"]).strftime("%Y-%m-%dT%H:%M") == received_at
        audit = await http.get(
            f"{api}/audit", params={"record_id": f"{campaign}|{ON_BEHALF}"}, headers=admin
        )
        assert [e["actor"]["role"] for e in audit.json()["items"]] == ["hq"]

        # an extension for a unit, with its reason; the audit shows it
        await page.locator(f'#inbox-table tr[data-row-key="{EXTENDED}"] button.extend').click()
        later = (datetime.now(BEIJING) + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
        await page.fill("#extend-deadline", later)
        await page.fill("#extend-reason", "省局系统升级，材料需重新汇总。")
        await page.click("#extend-save")
        extended = page.locator(f'#inbox-table tr[data-row-key="{EXTENDED}"]')
        await extended.filter(has_text="已延期").wait_for()
        assert "逾期未报" not in await extended.inner_text()  # its own deadline is ahead
        trail = await http.get(
            f"{api}/audit", params={"record_id": f"{campaign}|{EXTENDED}"}, headers=admin
        )
        assert [e["action"] for e in trail.json()["items"]] == ["SubmissionDeadlineExtended"]

        # 7. the official figures: approved beside live, then the workbook through its button
        await reported_activity(http, events_service.url, campaign, RETURNED, 25)
        await participants(RETURNED, 365)
        await open_page(page, "汇总统计", campaign)
        await page.locator("#fig-approved-units", has_text="已审核 1 / 32").wait_for()
        figures = page.locator(f'#fig-table tr[data-row-key="{RETURNED}"]')
        await figures.filter(has_text="（+25）").wait_for()
        assert "340" in await figures.inner_text()
        await screenshot(page, "hq-day-6-official")
        async with page.expect_download() as info:
            await page.click("#download-approved-xlsx")
        download = await info.value
        assert download.suggested_filename == f"三进活动情况统计表-{campaign}-审核通过.xlsx"
        saved = ARTIFACTS / download.suggested_filename  # kept beside the screenshots
        await download.save_as(saved)
        book = openpyxl.load_workbook(saved)
        assert book.sheetnames[:2] == ["活动情况统计表", "按场所类型"]
        for ws in book.worksheets[:2]:
            assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
            assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
            assert ws.print_title_rows == "$1:$2"
        table = book["活动情况统计表"]
        headers = [c.value for c in table[2]]
        col = headers.index(label) + 1
        by_name = {table.cell(r, 2).value: r for r in range(3, 36)}
        assert table.cell(by_name["广东省"], col).value == 340  # approved, not the live 365
        assert table.cell(by_name["合计"], col).value == 340
        assert table.cell(by_name["天津市"], headers.index("数据截至") + 1).value == "未审核通过"
        assert not page.sanjin_errors, page.sanjin_errors

    # the viewer: the figures and exports, no action; the API refuses the actions anyway
    viewer = stack.headers("system-viewer")
    refused = await http.post(
        f"{api}/campaigns/{campaign}/submissions/{ON_BEHALF}/approve", json={}, headers=viewer
    )
    assert refused.status_code == 403
    assert (
        await http.post(f"{api}/campaigns/{campaign}/reminders/run", headers=viewer)
    ).status_code == 403
    async with browser_page(stack) as page:
        await sign_in(page, stack, "viewer")
        await open_page(page, "报送管理", campaign)
        await page.locator(f'#inbox-table tr[data-row-key="{ON_BEHALF}"]').wait_for()
        await page.locator(".ant-alert", has_text="只读：").wait_for()
        for action in (
            "#on-behalf",
            "#inbox-table button.extend",
            "#inbox-table button.remind",
            "#inbox-table button.on-behalf",
        ):
            assert await page.locator(action).count() == 0, action
        await open_package(page, ON_BEHALF)
        assert await page.locator("#approve, #return").count() == 0
        await screenshot(page, "hq-day-viewer")
        await close_package(page)
        await open_page(page, "催报记录", campaign)
        await until(
            page,
            "() => document.querySelectorAll('#reminders-table tbody tr[data-row-key]').length === 31",
            what="the reminders, read by the viewer",
        )
        assert await page.locator("#run-reminders").count() == 0
        await open_page(page, "汇总统计", campaign)
        async with page.expect_download() as info:
            await page.click("#download-live-csv")
        assert (await info.value).suggested_filename.endswith(".csv")
        assert not page.sanjin_errors, page.sanjin_errors
