"""What a province officer does on the report package page (报送材料), one small function per
step, so a journey test can chain them: open the page, attach the summary, write a typical case
with a photo, submit (after reading the snapshot in the confirmation), read headquarters'
comment. Elements are found by their stable ids and the Chinese the officer reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.web import WebStack


async def open_package(page: Any, stack: WebStack, campaign: str) -> None:
    """The package page of `campaign`, from the workspace's side menu."""
    await page.goto(f"{stack.url}/province")
    await page.get_by_role("menuitem", name="报送材料").click()
    await page.wait_for_selector("#province-package")
    assert await page.locator(".workspace-menu .ant-menu-item-selected").inner_text() == "报送材料"
    await page.goto(f"{stack.url}/province/package?campaign={campaign}")
    await page.wait_for_selector("#pkg-status-tag")


async def attach_summary(page: Any, path: Path) -> str:
    """Upload the summary document; the name the package shows for it."""
    await page.set_input_files("#pkg-summary-upload-input", str(path))
    shown = page.locator("#pkg-summary .pkg-file[data-kind=summary] .pkg-file-name").first
    await shown.filter(has_text=path.stem).wait_for()
    return str(await shown.inner_text())


async def upload_error(page: Any, picker: str, path: Path) -> str:
    """Upload `path` through the picker `#<picker>` and return the error shown below it."""
    await page.set_input_files(f"#{picker}-input", str(path))
    error = page.locator(f"#{picker}-error")
    await error.wait_for()
    return str(await error.inner_text())


async def add_case_with_photo(
    page: Any, title: str, text: str, photo: Path, activity: str | None = None
) -> str:
    """Write a typical case with one photo (and one related activity, chosen by a part of its
    label); the case's id as the page shows it."""
    await page.click("#pkg-add-case")
    await page.wait_for_selector("#pkg-case-form")
    await page.fill("#pkg-case-title", title)
    await page.fill("#pkg-case-text", text)
    if activity is not None:
        await page.locator(".ant-select:has(#pkg-case-activities)").click()
        await page.locator("#pkg-case-activities").fill(activity)
        option = page.locator(".ant-select-dropdown:visible .ant-select-item-option").filter(
            has_text=activity
        )
        await option.first.click()
        await page.keyboard.press("Escape")
    await page.set_input_files("#pkg-case-photo-input", str(photo))
    await page.locator("#pkg-case-photos img.pkg-thumb").first.wait_for()
    await page.click("#pkg-case-save")
    case = page.locator(".pkg-case").filter(has_text=title)
    await case.wait_for()
    await case.locator("img.pkg-thumb").first.wait_for()  # its photo's preview, with the token
    return str(await case.get_attribute("data-case"))


async def confirm_dialog(page: Any) -> str:
    """Open the submission's confirmation and wait for its snapshot; the dialog's text."""
    await page.click("#pkg-submit")
    await page.locator("#pkg-snapshot [data-metric]").first.wait_for()
    return str(await page.locator("#pkg-confirm").inner_text())


async def submit(page: Any) -> None:
    """Confirm the open dialog (or open it first) and wait until the page says 已报送."""
    if not await page.locator("#pkg-confirm").is_visible():
        await confirm_dialog(page)
    await page.click("#pkg-confirm-submit")
    await page.locator("#pkg-notice").filter(has_text="已提交报送").wait_for()
    await page.locator("#pkg-status-tag").filter(has_text="已报送").wait_for()


async def hq_comment(page: Any) -> str:
    """Headquarters' comment on a returned package, as the page shows it."""
    await page.wait_for_selector("#pkg-returned")
    return str(await page.locator("#pkg-hq-comment").inner_text())
