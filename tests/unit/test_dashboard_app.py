"""The dashboard's development sign-in exists only where HS256 tokens do: the test environment."""

from __future__ import annotations

from sanjin_aggregator.main import build_app
from sanjin_aggregator.settings import AggregatorSettings

ISSUER = "https://idp.example/realms/sanjin"


def test_development_sign_in_is_absent_outside_the_test_environment() -> None:
    production = build_app(AggregatorSettings(environment="production", jwt_issuer=ISSUER))
    development = build_app(AggregatorSettings(environment="development", jwt_issuer=ISSUER))
    test = build_app(AggregatorSettings(environment="test"))
    assert "/v1/dev/token" not in production.openapi()["paths"]
    assert "/v1/dev/token" not in development.openapi()["paths"]
    assert "/v1/dev/token" in test.openapi()["paths"]
    assert "/dashboard" in production.openapi()["paths"]
