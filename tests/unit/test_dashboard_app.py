"""The dashboard lives in the web application: the aggregator's `GET /dashboard` stays for the
contract as a redirect there (SANJIN_DASHBOARD_URL), and no route mints tokens any more."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sanjin_aggregator.main import build_app
from sanjin_aggregator.settings import AggregatorSettings

SECRET = "a-production-secret-of-more-than-thirty-two-characters"


def test_dashboard_redirects_to_the_web_application() -> None:
    for environment in ("production", "development"):
        app = build_app(
            AggregatorSettings(
                environment=environment,
                jwt_secret=SECRET,
                dashboard_url="https://sanjin.example.gov.cn/hq",
            )
        )
        paths = app.openapi()["paths"]
        assert "/v1/dev/token" not in paths
        answer = TestClient(app).get("/dashboard", follow_redirects=False)  # no lifespan needed
        assert answer.status_code == 307
        assert answer.headers["location"] == "https://sanjin.example.gov.cn/hq"


def test_the_default_is_the_board_on_the_gateways_origin() -> None:
    assert AggregatorSettings(environment="development").dashboard_url == "/hq"
