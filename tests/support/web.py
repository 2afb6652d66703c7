"""The web application in a browser, as people reach it: behind the gateway (Debian's nginx on a
free port, the configuration the devstack uses), signed in on the identity provider's real login
page, in Debian's chromium driven by Playwright (never a downloaded browser).

`web_stack` starts an aggregator and an events service that trust the test Keycloak (`keycloak`
fixture; instances of their own on the test world's databases and topics, so records written
through the world's services are seen), the gateway in front of them, and registers the gateway's
origin with the realm's web client, as an operator registers a deployment's address.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from sanjin_devstack import procs
from sanjin_devstack.gateway import DIST, Gateway, runtime_config
from sanjin_devstack.keycloak import WEB_CLIENT, KeycloakServer
from sanjin_devstack.paths import REPO
from sanjin_shared.registry import SERVICES
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

needs_browser = pytest.mark.skipif(
    not Path(CHROMIUM).exists() or not (DIST / "index.html").exists(),
    reason="Debian's chromium or the web build is missing (make browser web)",
)


@dataclass
class WebStack:
    gateway: Gateway
    aggregator: ServiceProcess
    keycloak: KeycloakServer
    services: dict[str, ServiceProcess] = field(default_factory=dict)  # by the registry's names

    @property
    def url(self) -> str:
        return self.gateway.url

    def origins(self) -> tuple[str, str, str]:
        """The only origins the browser may talk to: the gateway (and the Blob URLs of files it
        fetched from it, such as photo previews) and the identity provider."""
        return self.gateway.url, f"blob:{self.gateway.url}/", self.keycloak.url

    def headers(self, client_id: str) -> dict[str, str]:
        """A bearer header from the identity provider (client credentials of a system client)."""
        return {"Authorization": f"Bearer {self.keycloak.client_token(client_id)}"}


def _register_origin(keycloak: KeycloakServer, origin: str) -> None:
    """Add `origin` to the web client's redirect URIs, post-logout redirects and web origins."""
    admin = {"Authorization": f"Bearer {keycloak.admin_token()}"}
    base = f"{keycloak.url}/admin/realms/{keycloak.issuer.rsplit('/', 1)[1]}/clients"
    with httpx.Client(timeout=20, headers=admin) as http:
        (client,) = http.get(base, params={"clientId": WEB_CLIENT}).raise_for_status().json()
        client["redirectUris"] = [*client["redirectUris"], f"{origin}/*"]
        client["webOrigins"] = [*client["webOrigins"], origin]
        attributes = client.setdefault("attributes", {})
        logout = attributes.get("post.logout.redirect.uris", "")
        attributes["post.logout.redirect.uris"] = "##".join(filter(None, [logout, f"{origin}/*"]))
        http.put(f"{base}/{client['id']}", json=client).raise_for_status()


@contextlib.contextmanager
def started_web_stack(
    world: Any,
    keycloak: KeycloakServer,
    *,
    instance: str = "-web",
    env: dict[str, str] | None = None,
    only: tuple[str, ...] | None = None,
) -> Iterator[WebStack]:
    """The registry's services (or `only` those), each trusting the test Keycloak, the aggregator
    with `env` over its settings, behind a gateway whose origin is registered with the realm.
    A service not started answers 502 through the gateway."""
    services = {
        spec.name: world.service(spec.name, instance=instance)
        for spec in SERVICES
        if only is None or spec.name in only
    }
    services["aggregator"].env.update(env or {})
    run_dir = REPO / ".run" / f"gateway{instance}-{os.getpid()}"  # reaped if this process dies
    gateway: Gateway | None = None
    try:
        for service in services.values():
            # the test realm's tokens only, verified with the keys its discovery document names
            service.env.pop("SANJIN_JWT_SECRET", None)
            service.env["SANJIN_JWT_ISSUER"] = keycloak.issuer
            service.start()
        for service in services.values():
            service.wait_ready(timeout_s=180)
        unreachable = procs.free_port()
        ports = {s.name: unreachable for s in SERVICES} | {n: s.port for n, s in services.items()}
        gateway = Gateway(run_dir, ports, runtime_config(keycloak.issuer), port=procs.free_port())
        services["aggregator"].env["SANJIN_DASHBOARD_URL"] = f"{gateway.url}/hq"
        gateway.start()
        gateway.wait_ready()
        _register_origin(keycloak, gateway.url)
        yield WebStack(gateway, services["aggregator"], keycloak, services)
    finally:
        if gateway is not None:
            gateway.stop()
        for service in services.values():
            service.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def web_stack(world: Any, keycloak: KeycloakServer) -> Iterator[WebStack]:
    """Every service trusting the test Keycloak behind one gateway, shared by the browser tests
    (each works in a campaign of its own)."""
    with started_web_stack(world, keycloak) as stack:
        yield stack


@contextlib.asynccontextmanager
async def browser_page(stack: WebStack, *, lang: str = "zh-CN") -> AsyncIterator[Any]:
    """A fresh browser profile on the web application, recording every request and page error
    (`page.sanjin_requests`, `page.sanjin_errors`)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(
                viewport={"width": 1600, "height": 1400}, locale=lang, timezone_id="Asia/Shanghai"
            )
            page = await context.new_page()
            page.set_default_timeout(60_000)
            requests: list[str] = []
            errors: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.sanjin_requests = requests
            page.sanjin_errors = errors
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            try:
                yield page
            except BaseException:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, tiny
                await page.screenshot(path=str(ARTIFACTS / "failure.png"), full_page=True)
                print(f"\n[web] at failure: {page.url}\n[web] page errors: {errors}")
                print("[web] last requests:\n  " + "\n  ".join(requests[-12:]))
                raise
        finally:
            await browser.close()


async def sign_in(page: Any, stack: WebStack, username: str, path: str = "/") -> None:
    """From the application's sign-in page through Keycloak's real login form and back."""
    await page.goto(stack.url + path)
    await page.click("#signin")  # after the quiet attempt at the provider found no session
    await page.wait_for_url(f"{stack.keycloak.url}/**")
    await page.fill("#username", username)
    await page.fill("#password", stack.keycloak.identity()["users"][username])
    await page.click("#kc-login")
    await page.wait_for_url(f"{stack.url}/**")
    await page.wait_for_selector("#signout")


async def until(page: Any, predicate: str, *, timeout_s: float = 60, what: str = "") -> None:
    """Poll `predicate` (a JavaScript function's text) in the page until it returns true.

    Playwright's wait_for_function compiles its predicate with eval, which the gateway's
    Content-Security-Policy (script-src 'self') forbids, as it should; page.evaluate is not
    affected."""
    deadline = time.monotonic() + timeout_s
    while not await page.evaluate(predicate):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {timeout_s:.0f}s: {what or predicate}")
        await asyncio.sleep(0.1)


async def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, tiny
    shot = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(shot), full_page=True)
    print(f"\n[web] screenshot: {shot}")
    return shot


async def stored_tokens(page: Any) -> list[str]:
    """Every Web Storage value that looks like a JWT (there must be none)."""
    found: list[str] = await page.evaluate(
        """() => [localStorage, sessionStorage].flatMap((store) =>
             Object.keys(store).map((k) => store.getItem(k)))
             .filter((v) => /eyJ[\\w-]+\\.[\\w-]+\\./.test(v || ""))"""
    )
    return found
