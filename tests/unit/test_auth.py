"""Token verification and the province scope rule of docs/api.md."""

from __future__ import annotations

import time

import jwt
import pytest

from sanjin_shared.auth import Principal, Role, TokenVerifier, mint_token
from sanjin_shared.problems import Forbidden, Unauthorized, Unprocessable
from sanjin_shared.settings import ServiceSettings

SECRET = "unit-secret-0123456789abcdef0123456789abcdef"


@pytest.fixture
def verifier() -> TokenVerifier:
    return TokenVerifier(ServiceSettings(environment="test", jwt_secret=SECRET))


async def test_a_valid_token_gives_its_principal(verifier: TokenVerifier) -> None:
    principal = await verifier.verify(
        mint_token(SECRET, sub="bj", role="province", province="110000")
    )
    assert principal == Principal(sub="bj", role=Role.province, province="110000")


@pytest.mark.parametrize(
    "token",
    [
        mint_token(SECRET, sub="x", role="hq", now=time.time() - 10 * 3600),  # expired
        mint_token(SECRET, sub="x", role="hq", audience="other"),
        mint_token("wrong-secret-0123456789abcdef0123456789", sub="x", role="hq"),
        mint_token(SECRET, sub="x", role="province"),  # no province
        mint_token(SECRET, sub="x", role="province", province="999999"),  # not a reporting unit
        mint_token(SECRET, sub="x", role="root"),
        jwt.encode(
            {"sub": "x", "role": "hq", "aud": "sanjin", "exp": time.time() + 60}, SECRET, "HS384"
        ),
        jwt.encode(
            {"sub": "x", "role": "hq", "aud": "sanjin", "exp": time.time() + 60}, None, "none"
        ),
        "not.a.token",
    ],
    ids=[
        "expired",
        "audience",
        "signature",
        "no-province",
        "unknown-province",
        "role",
        "alg",
        "alg-none",
        "garbage",
    ],
)
async def test_bad_tokens_are_401(verifier: TokenVerifier, token: str) -> None:
    with pytest.raises(Unauthorized):
        await verifier.verify(token)


def test_a_province_writes_only_its_own() -> None:
    bj = Principal(sub="bj", role=Role.province, province="110000")
    assert bj.write_province(None) == "110000"
    assert bj.write_province("110000") == "110000"
    with pytest.raises(Forbidden):
        bj.write_province("120000")
    assert bj.can_read("110000") and not bj.can_read("120000")


def test_hq_and_admin_name_the_province() -> None:
    for role in (Role.hq, Role.admin):
        p = Principal(sub="x", role=role)
        assert p.write_province("660000") == "660000"
        assert p.can_read("660000")
        with pytest.raises(Unprocessable):
            p.write_province(None)


def test_one_personal_data_rule_the_role_decides_not_the_claims() -> None:
    from sanjin_shared.personal import sees_personal_data

    def who(role: Role, province: str | None = None) -> Principal:
        return Principal(sub="t", role=role, province=province)

    beijing = "110000"
    assert sees_personal_data(who(Role.province, beijing), beijing)
    assert not sees_personal_data(who(Role.province, "440000"), beijing)
    assert sees_personal_data(who(Role.admin), beijing)
    assert not sees_personal_data(who(Role.hq), beijing)
    assert not sees_personal_data(who(Role.hq, beijing), beijing), "a claim is not a role"
    assert sees_personal_data(who(Role.hq, beijing), beijing, collected_for_hq=True)
    assert not sees_personal_data(who(Role.province, "440000"), beijing, collected_for_hq=True)
