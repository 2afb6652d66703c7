"""Tokens of a real identity provider (Keycloak, realm `sanjin`), verified by running services.

The services run as in production: no shared secret, only the issuer; they find its JWKS through
its discovery document. Keycloak's admin API creates the odd clients the bad-token cases need and
rotates the realm's keys while the services run.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sanjin_devstack.keycloak import KeycloakServer
from sanjin_devstack.procs import port_open, wait_for
from tests.conftest import World
from tests.support.factories import activity_body
from tests.support.identity import sign_in
from tests.support.services import ServiceProcess

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def events_oidc(world: World, keycloak: KeycloakServer) -> Iterator[ServiceProcess]:
    """The events service trusting the realm's issuer, in the production environment."""
    env = world.env("events") | {
        "SANJIN_ENVIRONMENT": "production",
        "SANJIN_JWT_ISSUER": keycloak.issuer,
        "SANJIN_JWT_LEEWAY_S": "1",
        "SANJIN_JWKS_MIN_REFRESH_INTERVAL_S": "1",
    }
    env.pop("SANJIN_JWT_SECRET")
    service = ServiceProcess("events", env, world.run_dir, instance="-oidc").start().wait_ready()
    yield service
    service.stop()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Admin:
    """Keycloak's admin API on the realm `sanjin`."""

    def __init__(self, server: KeycloakServer) -> None:
        self.server = server
        self.base = f"{server.url}/admin/realms"

    def _headers(self) -> dict[str, str]:
        return _bearer(self.server.admin_token())

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        answer = httpx.request(
            method, self.base + path, headers=self._headers(), timeout=60, **kwargs
        )
        assert answer.status_code < 300, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer

    def client(self, realm: str, client_id: str, **fields: Any) -> str:
        """A confidential client-credentials client; its secret."""
        secret = uuid.uuid4().hex
        self.request(
            "POST",
            f"/{realm}/clients",
            json={
                "clientId": client_id,
                "secret": secret,
                "publicClient": False,
                "serviceAccountsEnabled": True,
                "standardFlowEnabled": False,
                **fields,
            },
        )
        return secret


def _hardcoded(claim: str, value: str) -> dict[str, Any]:
    return {
        "name": claim,
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": {"claim.name": claim, "claim.value": value, "access.token.claim": "true"},
    }


def _audience(audience: str) -> dict[str, Any]:
    return {
        "name": f"audience {audience}",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": {"included.custom.audience": audience, "access.token.claim": "true"},
    }


def _fetches(service: ServiceProcess, outcome: str) -> float:
    metrics = httpx.get(service.url + "/metrics", timeout=10).text
    found = re.search(
        rf'sanjin_jwks_fetches_total\{{outcome="{outcome}",service="events"\}} ([0-9.e+]+)',
        metrics,
    ) or re.search(
        rf'sanjin_jwks_fetches_total\{{service="events",outcome="{outcome}"\}} ([0-9.e+]+)',
        metrics,
    )
    return float(found.group(1)) if found else 0.0


def _list(service: ServiceProcess, token: str) -> httpx.Response:
    return httpx.get(
        service.url + "/v1/activities", params={"limit": 1}, headers=_bearer(token), timeout=30
    )


def test_a_unit_system_writes_for_its_own_province_only(
    events_oidc: ServiceProcess, keycloak: KeycloakServer, campaign: str
) -> None:
    token = keycloak.client_token("system-440000")
    url = events_oidc.url + "/v1/activities"
    own = httpx.post(url, json=activity_body(campaign), headers=_bearer(token), timeout=30)
    assert own.status_code == 201, own.text
    assert own.json()["province"] == "440000"
    other = httpx.post(
        url, json=activity_body(campaign, province="110000"), headers=_bearer(token), timeout=30
    )
    assert other.status_code == 403 and other.headers["content-type"].startswith(PROBLEM)
    assert "440000" in other.json()["detail"]
    listed = httpx.get(url, params={"campaign": campaign}, headers=_bearer(token), timeout=30)
    assert {a["province"] for a in listed.json()["items"]} == {"440000"}


def test_people_signed_in_through_the_login_page_are_verified(
    events_oidc: ServiceProcess, keycloak: KeycloakServer, campaign: str
) -> None:
    officer = sign_in(keycloak, "prov-110000")["access_token"]
    url = events_oidc.url + "/v1/activities"
    created = httpx.post(url, json=activity_body(campaign), headers=_bearer(officer), timeout=30)
    assert created.status_code == 201 and created.json()["province"] == "110000"
    viewer = sign_in(keycloak, "viewer")["access_token"]
    refused = httpx.post(url, json=activity_body(campaign), headers=_bearer(viewer), timeout=30)
    assert refused.status_code == 403, refused.text
    assert "viewer" in refused.json()["detail"]


def test_bad_tokens_are_each_a_401(events_oidc: ServiceProcess, keycloak: KeycloakServer) -> None:
    admin = Admin(keycloak)
    tag = uuid.uuid4().hex[:8]
    # another issuer: a realm of its own on the same Keycloak, with the same claims
    other_realm = f"other-{tag}"
    admin.request("POST", "", json={"realm": other_realm, "enabled": True})
    other_secret = admin.client(
        other_realm,
        "system-hq",
        protocolMappers=[_hardcoded("role", "hq"), _audience("sanjin")],
    )
    other_token = httpx.post(
        f"{keycloak.url}/realms/{other_realm}/protocol/openid-connect/token",
        data={"grant_type": "client_credentials"},
        auth=("system-hq", other_secret),
        timeout=30,
    ).json()["access_token"]
    # the wrong audience: a client of the realm whose tokens are meant for another platform
    elsewhere_secret = admin.client(
        "sanjin",
        f"test-elsewhere-{tag}",
        defaultClientScopes=["basic"],
        protocolMappers=[_hardcoded("role", "hq"), _audience("another-platform")],
    )
    elsewhere = keycloak.client_token(f"test-elsewhere-{tag}", elsewhere_secret)
    # expired: a client whose tokens live 2 seconds (the services allow 1 second of skew)
    brief_secret = admin.client(
        "sanjin", f"test-brief-{tag}", attributes={"access.token.lifespan": "2"}
    )
    brief = keycloak.client_token(f"test-brief-{tag}", brief_secret)
    assert jwt.decode(brief, options={"verify_signature": False})["aud"] == "sanjin"
    # forgeries of a valid token: no signature, and HS256 keyed with the realm's public key
    valid = keycloak.client_token("system-hq")
    _, payload, _ = valid.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    kid = jwt.get_unverified_header(valid)["kid"]
    unsigned = f"{_b64(json.dumps({'alg': 'none', 'typ': 'JWT', 'kid': kid}).encode())}.{payload}."
    jwk = next(k for k in httpx.get(keycloak.jwks_url).json()["keys"] if k["kid"] == kid)
    public_pem = jwt.PyJWK(jwk).key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    confused_header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    signing_input = f"{confused_header}.{payload}".encode()
    confused = f"{confused_header}.{payload}." + _b64(
        hmac.new(public_pem, signing_input, hashlib.sha256).digest()
    )
    assert _list(events_oidc, valid).status_code == 200, "the valid token itself works"
    assert claims["iss"] == keycloak.issuer

    wait_for(
        lambda: time.time() > jwt.decode(brief, options={"verify_signature": False})["exp"] + 2,
        timeout_s=30,
        what="the brief token's expiry",
    )
    bad = {
        "another issuer": other_token,
        "expired": brief,
        "wrong audience": elsewhere,
        "alg none": unsigned,
        "HS256 with the public key": confused,
    }
    wrong = {}
    for case, token in bad.items():
        answer = _list(events_oidc, token)
        if answer.status_code != 401 or not answer.headers["content-type"].startswith(PROBLEM):
            wrong[case] = f"{answer.status_code} {answer.text[:200]}"
    assert not wrong, wrong
    assert "expired" in _list(events_oidc, brief).json()["detail"]
    admin.request("DELETE", f"/{other_realm}")


@pytest.mark.timeout(900)  # Keycloak stops and starts again: minutes on a loaded machine
def test_a_key_rotation_needs_no_restart_and_cached_keys_outlive_the_endpoint(
    events_oidc: ServiceProcess, keycloak: KeycloakServer
) -> None:
    """RS256 to ES256 while the service runs; then Keycloak stops, and the cache carries on."""
    admin = Admin(keycloak)
    old = keycloak.client_token("system-hq")
    assert jwt.get_unverified_header(old)["alg"] == "RS256"
    assert _list(events_oidc, old).status_code == 200
    realm = admin.request("GET", "/sanjin").json()
    rsa_keys = [
        k for k in admin.request("GET", "/sanjin/keys").json()["keys"] if k["algorithm"] == "RS256"
    ]
    # rotate: a new ES256 key signs from now on; the RS256 key turns passive (verifies only)
    admin.request(
        "POST",
        "/sanjin/components",
        json={
            "name": f"es256-{uuid.uuid4().hex[:6]}",
            "providerId": "ecdsa-generated",
            "providerType": "org.keycloak.keys.KeyProvider",
            "parentId": realm["id"],
            "config": {"priority": ["200"], "ecdsaEllipticCurveKey": ["P-256"]},
        },
    )
    admin.request("PUT", "/sanjin", json={"defaultSignatureAlgorithm": "ES256"})
    for key in rsa_keys:
        component = admin.request("GET", f"/sanjin/components/{key['providerId']}").json()
        component["config"]["active"] = ["false"]
        admin.request("PUT", f"/sanjin/components/{key['providerId']}", json=component)
    try:
        new = keycloak.client_token("system-hq")
        assert jwt.get_unverified_header(new)["alg"] == "ES256"
        fetched = _fetches(events_oidc, "ok")
        wait_for(
            lambda: _list(events_oidc, new).status_code == 200,
            timeout_s=30,
            what="the new key accepted",
        )
        refreshed_at = time.monotonic()  # the verifier's last fetch, at most this late
        assert _fetches(events_oidc, "ok") - fetched == 1, "one JWKS refresh, no more"
        assert _list(events_oidc, old).status_code == 200, "the old token stays valid"

        keycloak.stop()  # the JWKS endpoint is gone
        # the launcher exits before the server has closed its port: wait until it has, so the
        # next fetch fails rather than reaching a server still shutting down
        wait_for(lambda: not port_open(keycloak.port), timeout_s=60, what="Keycloak's port closed")
        failed = _fetches(events_oidc, "failed")
        assert _list(events_oidc, old).status_code == 200
        assert _list(events_oidc, new).status_code == 200
        stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        unknown = jwt.encode(
            jwt.decode(new, options={"verify_signature": False}),
            stranger,
            algorithm="RS256",
            headers={"kid": "a-key-nobody-published"},
        )
        # an unknown kid fetches again only once the refresh interval (1 s here) has passed
        wait_for(
            lambda: time.monotonic() - refreshed_at > 1.5,
            timeout_s=5,
            what="the refresh interval passed",
        )
        answer = _list(events_oidc, unknown)
        assert answer.status_code == 401, answer.text
        assert "key" in answer.json()["detail"]
        assert _fetches(events_oidc, "failed") == failed + 1, "it tried the endpoint once"
        assert _list(events_oidc, unknown).status_code == 401
        assert _list(events_oidc, new).status_code == 200
        assert httpx.get(events_oidc.url + "/readyz", timeout=10).status_code == 200
    finally:
        if not keycloak.running():
            keycloak.start()
            keycloak.wait_ready()
        admin.request("PUT", "/sanjin", json={"defaultSignatureAlgorithm": "RS256"})
        for key in rsa_keys:
            component = admin.request("GET", f"/sanjin/components/{key['providerId']}").json()
            component["config"]["active"] = ["true"]
            admin.request("PUT", f"/sanjin/components/{key['providerId']}", json=component)
