"""Signing in to the web application through the identity provider (Keycloak's real login page,
Authorization Code with PKCE), signing out at the provider, and what each role is shown: the hq
officer the national board, a province officer a clear refusal of it and their own workspace,
never a blank page. No token is ever kept in Web Storage."""

from __future__ import annotations

import pytest

from tests.support.web import (
    WebStack,
    browser_page,
    needs_browser,
    screenshot,
    sign_in,
    stored_tokens,
    until,
)

# the first of them starts Keycloak (half a minute idle, minutes on a loaded machine)
pytestmark = [needs_browser, pytest.mark.timeout(900)]


async def test_hq_officer_signs_in_sees_the_board_and_signs_out(web_stack: WebStack) -> None:
    async with browser_page(web_stack) as page:
        await page.goto(web_stack.url + "/hq")
        await page.wait_for_selector("#signin")
        assert "请使用统一身份认证账号登录" in await page.locator("body").inner_text()
        await screenshot(page, "sign-in")
        await sign_in(page, web_stack, "hq", path="/hq")
        await page.wait_for_url(f"{web_stack.url}/hq")
        await page.wait_for_selector("#tracker")
        await until(page, "() => window.sanjin && window.sanjin.state.ready === true")
        header = await page.locator(".app-header").inner_text()
        assert "全国看板" in header and "总局" in header and "退出登录" in header
        assert await stored_tokens(page) == []  # tokens live in memory only

        # the gateway's redirect for old bookmarks of the aggregator's /dashboard
        await page.goto(web_stack.url + "/api/aggregator/dashboard")
        await page.wait_for_url(f"{web_stack.url}/hq")
        await page.wait_for_selector("#tracker")  # signed in again quietly at the provider

        await page.click("#signout")
        await page.wait_for_url(f"{web_stack.url}/**")
        await page.wait_for_selector("#signin")
        assert "您已退出登录" in await page.locator("body").inner_text()
        await screenshot(page, "signed-out")

        # the session at the provider has ended: signing in asks for the password again
        await page.click("#signin")
        await page.wait_for_url(f"{web_stack.keycloak.url}/**")
        await page.wait_for_selector("#password")
        assert not page.sanjin_errors, page.sanjin_errors


async def test_a_province_officer_is_refused_the_board_with_a_clear_message(
    web_stack: WebStack,
) -> None:
    async with browser_page(web_stack) as page:
        await sign_in(page, web_stack, "prov-110000")
        await page.wait_for_url(f"{web_stack.url}/province")  # lands on their own workspace
        await page.wait_for_selector("#province-home")
        # the unit's name comes with the reference data, an answer after the page itself
        await page.locator("#province-home").get_by_text("北京市 · 本省工作台").wait_for()

        await page.goto(web_stack.url + "/hq")
        await page.wait_for_selector("text=全国看板仅供总局和促进会使用")
        body = await page.locator("body").inner_text()
        assert "北京市" in body and "本省工作台" in body
        assert await page.evaluate("window.sanjin === undefined")  # the board never loaded
        await screenshot(page, "province-refused")

        await page.click("#go-province")
        await page.wait_for_url(f"{web_stack.url}/province")
        await page.wait_for_selector("#province-home")
        await screenshot(page, "province-home")
        assert not page.sanjin_errors, page.sanjin_errors
