"""The dashboard lives in the web application: the aggregator's `GET /dashboard` stays for the
contract as a redirect there (SANJIN_DASHBOARD_URL), and no route mints tokens any more, in any
environment."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sanjin_aggregator.main import build_app
from sanjin_aggregator.settings import AggregatorSettings

ISSUER = "https://idp.example/realms/sanjin"
BOARD = "https://sanjin.example.gov.cn/hq"


def test_dashboard_redirects_to_the_web_application() -> None:
    for settings in (
        AggregatorSettings(environment="production", jwt_issuer=ISSUER, dashboard_url=BOARD),
        AggregatorSettings(environment="development", jwt_issuer=ISSUER, dashboard_url=BOARD),
        AggregatorSettings(environment="test", dashboard_url=BOARD),
    ):
        app = build_app(settings)
        assert "/v1/dev/token" not in app.openapi()["paths"]
        answer = TestClient(app).get("/dashboard", follow_redirects=False)  # no lifespan needed
        assert answer.status_code == 307
        assert answer.headers["location"] == BOARD


def test_the_default_is_the_board_on_the_gateways_origin() -> None:
    assert AggregatorSettings(environment="test").dashboard_url == "/hq"
