"""The JWKS verifier against an issuer served over HTTP by the test (tests/support/issuer.py):
what the real Keycloak cannot be made to do on cue (answer garbage, hang, sign a token of
another issuer with a key the service trusts). The e2e tests repeat the main cases on Keycloak.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import socket
import time
from collections.abc import Iterator

import pytest

from sanjin_shared.auth import Role, TokenVerifier
from sanjin_shared.problems import Unauthorized
from sanjin_shared.settings import ServiceSettings
from tests.support.issuer import LocalIssuer


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    local = LocalIssuer()
    local.add_key("rs-1", "RS256")
    local.add_key("es-1", "ES256")
    yield local
    local.stop()


def verifier_of(issuer: LocalIssuer, **settings: object) -> TokenVerifier:
    chosen = {"jwks_min_refresh_interval_s": 0.5} | settings
    return TokenVerifier(
        ServiceSettings(environment="production", jwt_issuer=issuer.issuer, **chosen)  # type: ignore[arg-type]
    )


async def test_rs256_and_es256_tokens_are_verified_with_keys_found_by_discovery(
    issuer: LocalIssuer,
) -> None:
    verifier = verifier_of(issuer)
    principal = await verifier.verify(issuer.token("rs-1", role="province", province="440000"))
    assert (principal.role, principal.province) == (Role.province, "440000")
    assert (await verifier.verify(issuer.token("es-1", role="viewer"))).role is Role.viewer
    assert issuer.fetches == 1
    await verifier.close()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "case",
    [
        "another issuer",
        "expired",
        "expired beyond the leeway",
        "wrong audience",
        "no audience",
        "alg none",
        "hs256 with the public key",
        "unknown kid",
        "rs256 header on an es256 key",
        "garbage",
    ],
)
async def test_bad_tokens_are_401(issuer: LocalIssuer, case: str) -> None:
    verifier = verifier_of(issuer, jwt_leeway_s=5)
    now = int(time.time())
    good = issuer.token("rs-1")
    header, payload, _ = good.split(".")
    tokens = {
        "another issuer": issuer.token("rs-1", iss="http://127.0.0.1:1/realms/other"),
        "expired": issuer.token("rs-1", iat=now - 600, exp=now - 60),
        "expired beyond the leeway": issuer.token("rs-1", iat=now - 600, exp=now - 6),
        "wrong audience": issuer.token("rs-1", aud="another-platform"),
        "no audience": issuer.token("rs-1", aud=None),
        "alg none": f"{_b64(json.dumps({'alg': 'none', 'kid': 'rs-1'}).encode())}.{payload}.",
        "hs256 with the public key": _hmac_with_public_key(issuer, payload),
        "unknown kid": issuer.token("rs-1").replace(header, _b64(b'{"alg":"RS256","kid":"x"}')),
        "rs256 header on an es256 key": _swap_header(issuer.token("es-1"), "RS256", "es-1"),
        "garbage": "a.b.c",
    }
    with pytest.raises(Unauthorized):
        await verifier.verify(tokens[case])
    await verifier.close()


def _swap_header(token: str, alg: str, kid: str) -> str:
    _, payload, signature = token.split(".")
    return f"{_b64(json.dumps({'alg': alg, 'kid': kid}).encode())}.{payload}.{signature}"


def _hmac_with_public_key(issuer: LocalIssuer, payload: str) -> str:
    from cryptography.hazmat.primitives import serialization

    _, key = issuer.private["rs-1"]
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = _b64(json.dumps({"alg": "HS256", "kid": "rs-1"}).encode())
    signature = hmac.new(pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


async def test_a_token_within_the_leeway_is_accepted(issuer: LocalIssuer) -> None:
    verifier = verifier_of(issuer, jwt_leeway_s=30)
    now = int(time.time())
    await verifier.verify(issuer.token("rs-1", iat=now - 600, exp=now - 10))
    await verifier.close()


async def test_an_unknown_kid_fetches_the_keys_at_most_once_per_interval(
    issuer: LocalIssuer,
) -> None:
    verifier = verifier_of(issuer, jwks_min_refresh_interval_s=3600)
    await verifier.verify(issuer.token("rs-1"))
    issuer.add_key("rs-2")  # a rotation right after the first fetch
    for _ in range(20):
        with pytest.raises(Unauthorized, match="key"):
            await verifier.verify(issuer.token("rs-2"))
    assert issuer.fetches == 1, "made-up or too-new key ids cost no fetch within the interval"
    await verifier.close()


async def test_a_rotation_is_picked_up_by_one_refresh_and_old_keys_keep_working(
    issuer: LocalIssuer,
) -> None:
    verifier = verifier_of(issuer, jwks_min_refresh_interval_s=0)
    old = issuer.token("rs-1")
    await verifier.verify(old)
    issuer.add_key("es-2", "ES256")
    await verifier.verify(issuer.token("es-2"))
    assert issuer.fetches == 2
    await verifier.verify(old)
    assert issuer.fetches == 2
    await verifier.close()


async def test_while_the_endpoint_is_down_cached_keys_work_and_unknown_keys_are_401(
    issuer: LocalIssuer,
) -> None:
    verifier = verifier_of(issuer, jwks_min_refresh_interval_s=0)
    token = issuer.token("es-1")
    await verifier.verify(token)
    issuer.broken = True  # a 500 from the endpoint
    issuer.add_key("rs-3")
    with pytest.raises(Unauthorized):
        await verifier.verify(issuer.token("rs-3"))
    assert (await verifier.verify(token)).role is Role.hq
    issuer.stop()  # and then nobody answers at all
    with pytest.raises(Unauthorized):
        await verifier.verify(issuer.token("rs-3"))
    assert (await verifier.verify(token)).role is Role.hq
    await verifier.close()


async def test_a_jwks_endpoint_that_never_answers_costs_at_most_the_timeout() -> None:
    """A listener that accepts and never answers: the fetch gives up after jwks_timeout_s, and
    other requests on the event loop go on meanwhile (the fetch does not block it)."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    issuer_url = f"http://127.0.0.1:{silent.getsockname()[1]}/realms/silent"
    verifier = TokenVerifier(
        ServiceSettings(environment="production", jwt_issuer=issuer_url, jwks_timeout_s=0.5)
    )
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    running = asyncio.create_task(ticker())
    local = LocalIssuer()
    local.add_key("rs-1")
    token = local.token("rs-1", iss=issuer_url)
    local.stop()
    with pytest.raises(Unauthorized):
        await asyncio.wait_for(verifier.verify(token), timeout=10)
    running.cancel()
    assert ticks > 5, "the event loop kept serving while the keys were fetched"
    await verifier.close()
    silent.close()


async def test_role_and_province_from_configured_claims(issuer: LocalIssuer) -> None:
    verifier = verifier_of(
        issuer, jwt_role_claim="realm_access.roles", jwt_province_claim="attributes.unit"
    )
    token = issuer.token(
        "rs-1",
        role=None,
        realm_access={"roles": ["offline_access", "province"]},
        attributes={"unit": ["650000"]},
    )
    principal = await verifier.verify(token)
    assert (principal.role, principal.province) == (Role.province, "650000")
    two_roles = issuer.token("rs-1", role=None, realm_access={"roles": ["hq", "admin"]})
    with pytest.raises(Unauthorized, match="claims"):
        await verifier.verify(two_roles)
    await verifier.close()


async def test_a_discovery_document_naming_another_issuer_is_not_trusted(
    issuer: LocalIssuer,
) -> None:
    verifier = TokenVerifier(
        ServiceSettings(
            environment="production",
            jwt_issuer=issuer.issuer + "/",  # not the issuer its document names
        )
    )
    with pytest.raises(Unauthorized):
        await verifier.verify(issuer.token("rs-1", iss=issuer.issuer + "/"))
    assert issuer.fetches == 0
    await verifier.close()
