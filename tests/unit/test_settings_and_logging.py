"""Settings fail fast outside development; logs are JSON and never carry phone numbers."""

from __future__ import annotations

import json

import pytest
import structlog
from pydantic import ValidationError

from sanjin_shared.logging import configure_logging, redact_personal_data
from sanjin_shared.pagination import after_cursor, decode_cursor, encode_cursor
from sanjin_shared.problems import Unprocessable
from sanjin_shared.settings import DEVELOPMENT_JWT_SECRET, ServiceSettings


def test_production_refuses_to_start_without_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SANJIN_ENVIRONMENT", raising=False)
    monkeypatch.delenv("SANJIN_JWT_SECRET", raising=False)
    with pytest.raises(ValidationError, match="SANJIN_JWT_SECRET"):
        ServiceSettings()  # production is the default


@pytest.mark.parametrize("secret", [DEVELOPMENT_JWT_SECRET, "short"])
def test_production_refuses_a_known_or_short_secret(secret: str) -> None:
    with pytest.raises(ValidationError):
        ServiceSettings(environment="production", jwt_secret=secret)


def test_production_accepts_a_real_secret_or_jwks() -> None:
    ServiceSettings(environment="production", jwt_secret="x" * 40)
    ServiceSettings(environment="production", jwt_jwks_url="https://idp.example/jwks")


def test_development_has_a_default_secret() -> None:
    settings = ServiceSettings(environment="development")
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
