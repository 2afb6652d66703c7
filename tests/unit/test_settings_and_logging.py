"""Token settings are refused where the environment forbids them; logs are JSON without phones."""

from __future__ import annotations

import json

import pytest
import structlog
from pydantic import ValidationError

from sanjin_shared.logging import configure_logging, redact_personal_data
from sanjin_shared.pagination import after_cursor, decode_cursor, encode_cursor
from sanjin_shared.problems import Unprocessable
from sanjin_shared.settings import DEVELOPMENT_JWT_SECRET, ServiceSettings

ISSUER = "https://idp.example/realms/sanjin"


@pytest.mark.parametrize("environment", ["production", "development"])
def test_a_service_refuses_to_start_without_an_issuer(
    monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    monkeypatch.delenv("SANJIN_JWT_ISSUER", raising=False)
    with pytest.raises(ValueError, match="SANJIN_JWT_ISSUER must be set"):
        ServiceSettings(environment=environment).check_token_settings()


def test_production_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SANJIN_ENVIRONMENT", raising=False)
    assert ServiceSettings().environment == "production"


@pytest.mark.parametrize("environment", ["production", "development"])
@pytest.mark.parametrize("secret", [DEVELOPMENT_JWT_SECRET, "x" * 64])
def test_the_hs256_secret_is_refused_outside_the_test_environment(
    environment: str, secret: str
) -> None:
    settings = ServiceSettings(environment=environment, jwt_secret=secret, jwt_issuer=ISSUER)
    with pytest.raises(ValueError, match="test environment only"):
        settings.check_token_settings()
    assert settings.effective_jwt_secret() is None


def test_an_issuer_is_enough_and_disables_hs256() -> None:
    settings = ServiceSettings(environment="production", jwt_issuer=ISSUER)
    settings.check_token_settings()
    assert settings.effective_jwt_secret() is None
    assert settings.jwt_algorithm_list == ("RS256", "ES256")
    test = ServiceSettings(environment="test", jwt_secret="s" * 40, jwt_issuer=ISSUER)
    assert test.effective_jwt_secret() is None  # an issuer wins, even in test


@pytest.mark.parametrize(
    "bad", [{"jwt_issuer": "idp.example"}, {"jwt_algorithms": "HS256"}, {"jwt_algorithms": ""}]
)
def test_malformed_token_settings_are_refused(bad: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        ServiceSettings(environment="production", **bad)


def test_the_test_environment_has_a_default_secret() -> None:
    settings = ServiceSettings(environment="test")
    assert settings.effective_jwt_secret() == DEVELOPMENT_JWT_SECRET
    assert settings.database_name == "sanjin_sanjin"


def test_log_lines_are_json_with_service_and_no_phone_numbers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("unit-service")
    structlog.contextvars.bind_contextvars(correlation_id="corr-1")
    try:
        structlog.get_logger("t").info(
            "booking", contact_phone="13812345678", note="call 13912345678 or 010-62345678"
        )
    finally:
        structlog.contextvars.unbind_contextvars("correlation_id")
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["service"] == "unit-service"
    assert line["correlation_id"] == "corr-1"
    assert line["contact_phone"] == "[redacted]"
    assert "13912345678" not in line["note"] and "62345678" not in line["note"]


def test_redaction_reaches_nested_values() -> None:
    out = redact_personal_data(
        None,
        "info",
        {"event": "x", "body": {"consumer_phone": "13800000000", "items": ["+86 13800000000"]}},
    )
    assert out["body"]["consumer_phone"] == "[redacted]"
    assert "13800000000" not in out["body"]["items"][0]


def test_cursors_round_trip_and_reject_garbage() -> None:
    from datetime import UTC, datetime

    moment = datetime(2019, 9, 1, 8, 0, tzinfo=UTC)
    cursor = encode_cursor(moment, "act_1")
    assert decode_cursor(cursor) == (moment, "act_1")
    assert after_cursor(cursor)["$or"][1] == {"created_at": moment, "_id": {"$gt": "act_1"}}
    with pytest.raises(Unprocessable):
        decode_cursor("%%%")
