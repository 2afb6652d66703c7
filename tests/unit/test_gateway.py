"""The gateway's configuration is rendered from the registry, and a service behind it honours
`X-Forwarded-Prefix`, so its `/docs` and OpenAPI work at `/api/<slug>/`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sanjin_aggregator.main import build_app
from sanjin_aggregator.settings import AggregatorSettings
from sanjin_devstack import gateway
from sanjin_shared.registry import SERVICES


def test_the_image_configurations_are_the_rendered_ones() -> None:
    for path, rendered in (
        (gateway.COMPOSE_CONF, gateway.compose_conf()),
        (gateway.WEB_CONF, gateway.web_conf()),
    ):
        assert path.read_text() == rendered, (
            f"{path.name} is stale: python -c 'from sanjin_devstack.gateway import *; "
            "COMPOSE_CONF.write_text(compose_conf()); WEB_CONF.write_text(web_conf())'"
        )
    web = gateway.web_conf()
    assert "upstream" not in web and "proxy_pass" not in web  # starts without the services


def test_every_service_of_the_registry_is_routed_with_its_prefix() -> None:
    conf = gateway.compose_conf()
    for spec in SERVICES:
        block = re.search(rf"location /api/{spec.slug}/ \{{(.*?)\}}", conf, re.S)
        assert block, spec.slug
        assert f"proxy_pass http://{spec.slug}/;" in block.group(1)  # the prefix is stripped
        assert f"X-Forwarded-Prefix /api/{spec.slug};" in block.group(1)
        assert f"server {spec.name}:8000;" in conf


@pytest.mark.skipif(
    not Path(gateway.NGINX).exists(), reason="nginx is not installed (make gateway)"
)
def test_the_local_configuration_is_valid_nginx(tmp_path: Path) -> None:
    (tmp_path / "dist").mkdir()
    gw = gateway.Gateway(
        tmp_path,
        {s.name: 20000 + i for i, s in enumerate(SERVICES)},
        gateway.runtime_config("http://127.0.0.1:8180/realms/sanjin"),
        dist=tmp_path / "dist",
    )
    gw.check()  # nginx -t, or a RuntimeError with nginx's message
    conf = tmp_path / "gateway" / "nginx.conf"
    assert "connect-src 'self' http://127.0.0.1:8180;" in conf.read_text()


def _app() -> TestClient:
    return TestClient(build_app(AggregatorSettings(environment="test")))


def test_docs_and_openapi_follow_the_forwarded_prefix() -> None:
    client = _app()
    prefix = {"X-Forwarded-Prefix": "/api/aggregator"}
    docs = client.get("/docs", headers=prefix)
    assert "/api/aggregator/openapi.json" in docs.text
    document = client.get("/openapi.json", headers=prefix).json()
    assert document["servers"] == [{"url": "/api/aggregator"}]
    redirect = client.get("/dashboard", headers=prefix, follow_redirects=False)
    assert redirect.status_code == 307  # routing sees the stripped path


@pytest.mark.parametrize(
    "header", ["https://evil.example", "/api/../x", "/api/x?y=1", "//evil.example", "/a b"]
)
def test_a_prefix_that_is_not_a_plain_path_is_ignored(header: str) -> None:
    client = _app()
    assert (
        "servers" not in client.get("/openapi.json", headers={"X-Forwarded-Prefix": header}).json()
    )
    assert "'/openapi.json'" in client.get("/docs", headers={"X-Forwarded-Prefix": header}).text


def test_without_the_header_nothing_changes() -> None:
    client = _app()
    assert "servers" not in client.get("/openapi.json").json()


def test_the_compose_gateway_serves_the_build_with_the_rendered_configuration() -> None:
    import yaml

    compose = yaml.safe_load(
        (gateway.REPO / "deploy" / "compose" / "docker-compose.yml").read_text()
    )
    spec = compose["services"]["gateway"]
    assert spec["build"]["dockerfile"] == "deploy/gateway/Dockerfile"
    assert spec["ports"] == [f"{gateway.PORT}:{gateway.PORT}"]
    assert "../gateway/config.compose.json:/etc/sanjin/config.json:ro" in spec["volumes"]
    assert "../gateway/nginx.compose.conf:/etc/nginx/nginx.conf:ro" in spec["volumes"]
    assert set(spec["depends_on"]) == {s.name for s in SERVICES}
    dockerfile = (gateway.REPO / "deploy" / "gateway" / "Dockerfile").read_text()
    assert "COPY deploy/gateway/nginx.web.conf /etc/nginx/nginx.conf" in dockerfile
    assert '"sanjin", "openapi"' in dockerfile  # the client is generated from the services
