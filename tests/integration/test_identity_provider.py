"""The local identity provider: Keycloak with the realm of deploy/identity, as `make up` runs it.

Every reporting unit has an officer and a system client; their tokens carry the role and the
province the services read, and the audience `sanjin`, in access and ID tokens alike. The web
application's client signs people in with Authorization Code and PKCE (S256) only.
"""

from __future__ import annotations

import stat
from urllib.parse import urlencode

import httpx
import jwt
import pytest

from sanjin_devstack.keycloak import NATIONAL_ROLES, KeycloakServer, unit_client, unit_user
from sanjin_shared.auth import Role
from sanjin_shared.reference import PROVINCES
from tests.support.identity import WEB_REDIRECT, pkce_pair, sign_in


def _claims(token: str) -> dict[str, object]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def test_secrets_are_generated_per_run_directory_and_kept_private(
    keycloak: KeycloakServer,
) -> None:
    identity = keycloak.identity()
    assert identity["issuer"] == keycloak.issuer
    assert set(identity["users"]) == {
        *(unit_user(c) for c in PROVINCES),
        *(r.value for r in NATIONAL_ROLES),
    }
    assert set(identity["clients"]) == {
        *(unit_client(c) for c in PROVINCES),
        *(f"system-{r.value}" for r in NATIONAL_ROLES),
    }
    values = [*identity["users"].values(), *identity["clients"].values()]
    assert len(set(values)) == len(values) and all(len(v) >= 20 for v in values)
    assert stat.S_IMODE(keycloak.identity_file.stat().st_mode) == 0o600


def test_a_unit_system_gets_a_token_of_its_province_with_client_credentials(
    keycloak: KeycloakServer,
) -> None:
    claims = _claims(keycloak.client_token("system-440000"))
    assert claims["iss"] == keycloak.issuer
    assert claims["role"] == "province" and claims["province"] == "440000"
    assert "sanjin" in ([claims["aud"]] if isinstance(claims["aud"], str) else claims["aud"])
    for role in NATIONAL_ROLES:
        claims = _claims(keycloak.client_token(f"system-{role.value}"))
        assert claims["role"] == role.value and "province" not in claims


def test_a_wrong_client_secret_gets_no_token(keycloak: KeycloakServer) -> None:
    answer = httpx.post(
        keycloak.token_url,
        data={"grant_type": "client_credentials"},
        auth=("system-440000", keycloak.identity()["clients"]["system-110000"]),
    )
    assert answer.status_code == 401


def test_an_officer_signs_in_with_pkce_and_both_tokens_carry_role_and_province(
    keycloak: KeycloakServer,
) -> None:
    tokens = sign_in(keycloak, "prov-110000")
    for kind in ("access_token", "id_token"):
        claims = _claims(tokens[kind])
        assert claims["role"] == Role.province and claims["province"] == "110000", kind
        assert "sanjin" in claims["aud"], kind
        assert claims["preferred_username"] == "prov-110000"
    viewer = _claims(sign_in(keycloak, "viewer")["access_token"])
    assert viewer["role"] == "viewer" and "province" not in viewer


def test_a_wrong_password_is_refused(keycloak: KeycloakServer) -> None:
    with pytest.raises(AssertionError, match="sign-in refused"):
        sign_in(keycloak, "hq", "not-the-password-0000")


def test_the_web_client_requires_pkce_and_its_own_redirect_uris(keycloak: KeycloakServer) -> None:
    base = f"{keycloak.issuer}/protocol/openid-connect/auth?"
    common = {"client_id": "sanjin-web", "response_type": "code", "scope": "openid"}
    without_pkce = httpx.get(base + urlencode({**common, "redirect_uri": WEB_REDIRECT}))
    # Keycloak answers a missing code_challenge with an error redirect to the client
    assert without_pkce.status_code == 302
    assert "error=invalid_request" in without_pkce.headers["location"]
    _, challenge = pkce_pair()
    pkce = {"code_challenge": challenge, "code_challenge_method": "S256"}
    elsewhere = httpx.get(
        base + urlencode({**common, **pkce, "redirect_uri": "http://evil.example/"})
    )
    assert elsewhere.status_code == 400  # never redirected to a foreign site
    plain = httpx.get(
        base
        + urlencode(
            {
                **common,
                "redirect_uri": WEB_REDIRECT,
                "code_challenge": "x" * 43,
                "code_challenge_method": "plain",
            }
        )
    )
    assert plain.status_code == 302 and "error=invalid_request" in plain.headers["location"]


def test_the_realm_file_is_the_imported_realm(keycloak: KeycloakServer) -> None:
    """What the realm file says is what Keycloak serves (no setting lost at import)."""
    discovery = httpx.get(f"{keycloak.issuer}/.well-known/openid-configuration").json()
    assert "S256" in discovery["code_challenge_methods_supported"]
    token = keycloak.admin_token()
    web = httpx.get(
        f"{keycloak.url}/admin/realms/sanjin/clients",
        params={"clientId": "sanjin-web"},
        headers={"Authorization": f"Bearer {token}"},
    ).json()[0]
    assert web["publicClient"] and not web["directAccessGrantsEnabled"]
    assert web["attributes"]["pkce.code.challenge.method"] == "S256"
    assert sorted(web["redirectUris"]) == ["http://127.0.0.1:8080/*", "http://localhost:8080/*"]
    roles = httpx.get(
        f"{keycloak.url}/admin/realms/sanjin/roles", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert {r.value for r in Role} <= {r["name"] for r in roles}
