"""The identity provider of the tests: a real Keycloak with the realm `sanjin` of the repository.

`keycloak` (session scope) starts one on a free port in `.run/keycloak-<pid>/` the first time a
test asks for it, and stops it at the end; tests that do not ask never start it (it takes about
half a minute and 500 MiB). Its users' passwords and its clients' secrets are those generated
into the run directory's identity.json at its start.

`sign_in` goes through the web application's client as a browser would, without one:
Authorization Code with PKCE (S256) on Keycloak's real login form.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from sanjin_devstack import procs
from sanjin_devstack.keycloak import WEB_CLIENT, KeycloakServer
from sanjin_devstack.paths import REPO

WEB_REDIRECT = "http://127.0.0.1:8080/"  # one of sanjin-web's redirect URIs; never requested


@pytest.fixture(scope="session")
def keycloak() -> Iterator[KeycloakServer]:
    run_dir = REPO / ".run" / f"keycloak-{os.getpid()}"  # reaped if this process dies
    server = KeycloakServer(run_dir, port=procs.free_port(), heap="384m")
    server.start()
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge) of RFC 7636."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign_in(
    server: KeycloakServer,
    username: str,
    password: str | None = None,
    *,
    client_id: str = WEB_CLIENT,
    redirect_uri: str = WEB_REDIRECT,
) -> dict[str, Any]:
    """The token response of an Authorization Code + PKCE sign-in on Keycloak's login form."""
    password = password if password is not None else server.identity()["users"][username]
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    query = {
        "client_id": client_id,
        "response_type": "code",
        "scope": "openid",
        "redirect_uri": redirect_uri,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    with httpx.Client(timeout=20) as browser:
        page = browser.get(f"{server.issuer}/protocol/openid-connect/auth?{urlencode(query)}")
        page.raise_for_status()
        form = re.search(r'<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"', page.text)
        assert form, f"no login form on Keycloak's page:\n{page.text[:2000]}"
        # Keycloak's cookies are `Secure`: a browser sends them to http://127.0.0.1 (a secure
        # context), httpx's cookie jar does not, so they are sent by hand
        cookies = "; ".join(f"{c.name}={c.value}" for c in browser.cookies.jar)
        answer = browser.post(
            html.unescape(form.group(1)),
            data={"username": username, "password": password, "credentialId": ""},
            headers={"Cookie": cookies},
        )
        assert answer.status_code == 302, f"sign-in refused: {answer.status_code}"
        location = urlsplit(answer.headers["location"])
        params = parse_qs(location.query)
        assert params["state"] == [state]
        tokens = browser.post(
            server.token_url,
            data={
                "grant_type": "authorization_code",
                "client_id": client_id,
                "code": params["code"][0],
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            },
        )
        tokens.raise_for_status()
        return dict(tokens.json())
