"""The API documentation page in headless Chromium (Debian's, driven by Playwright): `/docs`
lists every operation of the service's OpenAPI document, Authorize takes a bearer token that
"Try it out" then sends, and no request leaves 127.0.0.1 (the page works without internet: its
Swagger UI is vendored, never fetched from a CDN). A screenshot is kept as a test artifact."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from sanjin_devstack.paths import REPO
from tests.conftest import token
from tests.support.services import ServiceProcess

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("SANJIN_TEST_ARTIFACTS", REPO / ".run" / "artifacts"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make browser)"
)


async def test_docs_list_every_operation_offline_and_authorize_sends_the_token(
    http: httpx.AsyncClient, events_service: ServiceProcess
) -> None:
    from playwright.async_api import async_playwright

    spec = (await http.get(f"{events_service.url}/openapi.json")).json()
    operation_ids = {
        op["operationId"]: path for path, ops in spec["paths"].items() for op in ops.values()
    }
    bearer = token("province", "110000")

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 2200})
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            sent: list[dict[str, str]] = []
            page.on(
                "request",
                lambda r: (
                    sent.append(r.headers) if urlsplit(r.url).path == "/v1/activities" else None
                ),
            )

            await page.goto(f"{events_service.url}/docs")
            await page.wait_for_selector(".opblock", timeout=30_000)
            shown = await page.eval_on_selector_all(".opblock", "blocks => blocks.map(b => b.id)")
            for operation_id in operation_ids:
                assert any(s.endswith(f"-{operation_id}") for s in shown), (operation_id, shown)

            await page.click("button.authorize")
            await page.fill(".auth-container input[type=text]", bearer)
            await page.click(".auth-container button.authorize")
            await page.click("button.btn-done")

            listing = page.locator(".opblock[id$='-activities-list']")
            await listing.locator(".opblock-summary").click()
            await listing.locator("button.try-out__btn").click()
            await listing.locator("button.execute").click()
            await listing.locator(".responses-table.live-responses-table").wait_for()
            status = await listing.locator(
                ".live-responses-table tbody .response-col_status"
            ).first.inner_text()
            assert status.strip() == "200"
            assert sent and sent[-1].get("authorization") == f"Bearer {bearer}"

            ARTIFACTS.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, tiny
            await page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=True)

            assert not errors, errors
            hosts = {urlsplit(u).hostname for u in requested if not u.startswith("data:")}
            print(f"\n[api docs] {len(requested)} requests, hosts {sorted(hosts)}")
            assert hosts == {"127.0.0.1"}, requested  # works without internet
        finally:
            await browser.close()
