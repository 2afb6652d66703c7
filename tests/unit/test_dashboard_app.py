"""The dashboard's development sign-in exists only on development and test stacks."""

from __future__ import annotations

from sanjin_aggregator.main import build_app
from sanjin_aggregator.settings import AggregatorSettings

SECRET = "a-production-secret-of-more-than-thirty-two-characters"


def test_development_sign_in_is_absent_in_production() -> None:
    production = build_app(AggregatorSettings(environment="production", jwt_secret=SECRET))
    development = build_app(AggregatorSettings(environment="development"))
    assert "/v1/dev/token" not in production.openapi()["paths"]
    assert "/v1/dev/token" in development.openapi()["paths"]
    assert "/dashboard" in production.openapi()["paths"]
