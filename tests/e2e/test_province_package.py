"""A province officer hands in the report package in the browser (Debian's headless chromium,
behind the gateway, signed in on Keycloak's login page): an executable named .pdf and a docx with
macros are refused in Chinese where they were chosen; the summary docx is attached; a typical case is written with a
related activity and a JPEG that carries EXIF GPS (stored without any EXIF); the confirmation
shows the figures' snapshot; headquarters' API sees the submission with its files and case,
returns it with a comment; the page shows the comment, the officer resubmits and headquarters
sees version 2; once approved the package is read only. The page also reads in English. Screenshots are kept as artifacts."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.support.campaigns import define_campaign
from tests.support.factories import activity_body, report_body
from tests.support.office_files import EXECUTABLE, docx, gps_of, jpeg_with_gps
from tests.support.polling import eventually
from tests.support.province_package import (
    add_case_with_photo,
    attach_summary,
    confirm_dialog,
    hq_comment,
    open_package,
    submit,
    upload_error,
)
from tests.support.web import WebStack, browser_page, needs_browser, screenshot, sign_in

pytestmark = [needs_browser, pytest.mark.timeout(900)]

PROVINCE = "110000"
COMMENT = "典型案例照片不够清晰，请补充活动现场照片后重新报送。"


async def test_a_province_hands_in_its_report_package(
    http: httpx.AsyncClient, web_stack: WebStack, campaign: str, tmp_path: Path
) -> None:
    aggregator = f"{web_stack.url}/api/aggregator"  # through the gateway, as the browser
    events = f"{web_stack.url}/api/events"
    await define_campaign(
        http,
        aggregator=aggregator,
        intake=[events],
        headers=web_stack.headers("system-admin"),
        name=campaign,
        starts_on=date(2019, 9, 1),
        ends_on=date(2019, 11, 30),
        report_deadline=datetime.now(UTC) + timedelta(days=10),
    )
    system = web_stack.headers(f"system-{PROVINCE}")
    activity = await http.post(
        f"{events}/v1/activities",
        json=activity_body(campaign, title="质量安全进校园宣传周"),
        headers=system,
    )
    assert activity.status_code == 201, activity.text
    reported = await http.post(
        f"{events}/v1/activities/{activity.json()['id']}/report",
        json=report_body(participants=120),
        headers=system,
    )
    assert reported.status_code == 200, reported.text
    hq = web_stack.headers("system-hq")
    await eventually(
        lambda: http.get(f"{aggregator}/v1/campaigns/{campaign}/statistics/{PROVINCE}", headers=hq),
        until=lambda r: r.json()["metrics"]["participants"] == 120,
        what="the province's figures in the aggregator",
    )
    summary = tmp_path / "北京市三进活动总结.docx"
    summary.write_bytes(docx())
    photo = tmp_path / "校园宣传周现场.jpg"
    photo.write_bytes(jpeg_with_gps(640, 480))
    assert gps_of(photo.read_bytes()), "the photo as taken carries its position"
    disguised = tmp_path / "总结.pdf"
    disguised.write_bytes(EXECUTABLE)
    macro = tmp_path / "附件.docx"
    macro.write_bytes(docx(extra={"word/vbaProject.bin": b"\x00" * 64}))

    async with browser_page(web_stack) as page:
        await sign_in(page, web_stack, f"prov-{PROVINCE}")
        await open_package(page, web_stack, campaign)
        assert "未报送" in await page.locator("#pkg-status").inner_text()

        refused = await upload_error(page, "pkg-summary-upload", disguised)
        assert "文件未通过检查" in refused and "可执行文件" in refused, refused
        refused = await upload_error(page, "pkg-attachment-upload", macro)
        assert "文件未通过检查" in refused and "含有宏" in refused, refused
        await screenshot(page, "package-refused")

        assert await attach_summary(page, summary) == summary.name
        case_id = await add_case_with_photo(
            page,
            "校园玩具安全课",
            "在朝阳门社区开展玩具安全宣传，现场比对真假玩具。",
            photo,
            activity="质量安全进校园宣传周",
        )
        contents = await page.locator("#pkg-contents").inner_text()
        assert summary.name in contents and "典型案例：1 篇" in contents, contents
        await screenshot(page, "package-filled")

        dialog = await confirm_dialog(page)
        assert "统计数据快照" in dialog and "120" in dialog, dialog
        await screenshot(page, "package-confirm")
        await submit(page)

        submissions = f"{aggregator}/v1/campaigns/{campaign}/submissions/{PROVINCE}"
        seen = (await http.get(submissions, headers=hq)).json()
        assert seen["status"] == "submitted" and seen["attempts"] == 1
        assert seen["snapshot"]["participants"] == 120
        latest = seen["history"][-1]
        assert latest["cases"] == [case_id]
        files = {
            f["id"]: f
            for f in (
                await http.get(f"{aggregator}/v1/campaigns/{campaign}/files", headers=hq)
            ).json()["items"]
            if f["province"] == PROVINCE
        }
        named = {files[i]["kind"]: files[i] for i in latest["files"]}
        assert named["summary"]["filename"] == summary.name
        case = (await http.get(f"{aggregator}/v1/cases/{case_id}", headers=hq)).json()
        assert case["activity_ids"] == [activity.json()["id"]]
        (photo_id,) = case["photo_ids"]
        assert photo_id in latest["files"]
        stored = await http.get(f"{aggregator}/v1/files/{photo_id}", headers=hq)
        assert stored.status_code == 200
        with Image.open(io.BytesIO(stored.content)) as image:
            assert image.format == "JPEG" and image.size == (640, 480)
            assert not image.getexif() and "exif" not in image.info, "stored without EXIF"
        assert gps_of(stored.content) == {}

        returned = await http.post(f"{submissions}/return", json={"comment": COMMENT}, headers=hq)
        assert returned.status_code == 200, returned.text
        await page.reload()
        assert await hq_comment(page) == COMMENT
        await screenshot(page, "package-returned")

        await page.click("#lang")  # the page reads in English too
        await page.locator("#province-package").filter(has_text="Report package").wait_for()
        english = await page.locator("#province-package").inner_text()
        assert "Headquarters returned your report" in english and "Typical cases" in english
        await screenshot(page, "package-returned-en")
        await page.click("#lang")
        await page.locator("#pkg-submit").filter(has_text="重新提交报送").wait_for()

        await submit(page)
        again = (await http.get(submissions, headers=hq)).json()
        assert again["status"] == "submitted" and again["attempts"] == 2
        assert [s["action"] for s in again["history"]] == ["submitted", "returned", "submitted"]
        assert again["history"][-1]["cases"] == [case_id]
        assert await page.locator("#pkg-returned").count() == 0
        await screenshot(page, "package-resubmitted")
        approved = await http.post(f"{submissions}/approve", json={}, headers=hq)
        assert approved.status_code == 200, approved.text
        await page.reload()
        await page.wait_for_selector("#pkg-approved")  # read only from now on
        assert await page.locator("#pkg-submit, #pkg-add-case, #pkg-summary-upload").count() == 0
        assert "已审核" in await page.locator("#pkg-status").inner_text()
        await screenshot(page, "package-approved")
        # the browser's only complaints: the refused uploads' 422
        assert [e for e in page.sanjin_errors if "422" not in e] == [], page.sanjin_errors
