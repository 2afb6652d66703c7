"""The Kubernetes manifests, read as `kustomize build` renders them for both overlays, keep the
properties deployment depends on: probes, non-root and read-only containers, limits, one PDB per
service and one HPA per intake service, secrets by reference, network policies, and in prod the
Strimzi resources with replication 3 and min.insync.replicas 2 for every platform topic."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from sanjin_devstack.paths import REPO
from sanjin_shared.registry import SERVICES as REGISTRY
from sanjin_shared.topics import all_topics

K8S = REPO / "deploy" / "k8s"
SERVICES = {s.slug for s in REGISTRY}
INTAKE = {s.slug for s in REGISTRY if s.intake}


def kustomize() -> str | None:
    found = os.environ.get("SANJIN_KUSTOMIZE") or shutil.which("kustomize")
    if found:
        return found
    cached = sorted((Path.home() / ".cache" / "sanjin").glob("kustomize-*/kustomize"))
    return str(cached[-1]) if cached else None


pytestmark = pytest.mark.skipif(kustomize() is None, reason="kustomize is not built (make tools)")


@cache
def rendered(overlay: str) -> tuple[dict[str, Any], ...]:
    out = subprocess.run(
        [str(kustomize()), "build", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return tuple(d for d in yaml.safe_load_all(out) if d)


def of_kind(overlay: str, kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in rendered(overlay) if d["kind"] == kind}


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_every_service_is_hardened_probed_and_limited(overlay: str) -> None:
    deployments = of_kind(overlay, "Deployment")
    assert set(deployments) == SERVICES
    for name, d in deployments.items():
        pod = d["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        assert pod["automountServiceAccountToken"] is False
        assert pod["serviceAccountName"] == name
        (container,) = pod["containers"]
        sc = container["securityContext"]
        assert sc["allowPrivilegeEscalation"] is False and sc["readOnlyRootFilesystem"] is True
        assert sc["capabilities"]["drop"] == ["ALL"]
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container["resources"][kind]), (name, kind)
        env = {e["name"]: e for e in container.get("env", [])}
        assert "secretKeyRef" in env["SANJIN_MONGODB_URI"]["valueFrom"]  # by reference only
        assert all("value" not in e for e in env.values())


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_one_service_account_config_map_service_and_pdb_per_service(overlay: str) -> None:
    assert set(of_kind(overlay, "ServiceAccount")) == SERVICES
    assert {f"{s}-config" for s in SERVICES} <= set(of_kind(overlay, "ConfigMap"))
    assert set(of_kind(overlay, "Service")) >= SERVICES
    pdbs = of_kind(overlay, "PodDisruptionBudget")
    assert set(pdbs) == SERVICES
    hpas = of_kind(overlay, "HorizontalPodAutoscaler")
    assert set(hpas) == INTAKE
    for name, hpa in hpas.items():
        assert hpa["spec"]["scaleTargetRef"]["name"] == name


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_nothing_talks_unless_a_policy_says_so(overlay: str) -> None:
    policies = of_kind(overlay, "NetworkPolicy")
    deny = policies["default-deny"]
    assert deny["spec"]["podSelector"] == {} and set(deny["spec"]["policyTypes"]) == {
        "Ingress",
        "Egress",
    }
    assert "services-ingress" in policies and "services-egress" in policies


def test_no_secret_values_in_prod() -> None:
    assert of_kind("prod", "Secret") == {}  # created out of band, referenced by name
    config = of_kind("prod", "ConfigMap")["sanjin-config"]["data"]
    assert config["SANJIN_ENVIRONMENT"] == "production" and config["SANJIN_JWT_JWKS_URL"]


def test_prod_kafka_is_strimzi_with_replication_3_and_min_isr_2() -> None:
    (kafka,) = of_kind("prod", "Kafka").values()
    assert kafka["spec"]["kafka"]["config"]["min.insync.replicas"] == 2
    assert kafka["spec"]["kafka"]["config"]["default.replication.factor"] == 3
    (pool,) = of_kind("prod", "KafkaNodePool").values()
    assert pool["spec"]["replicas"] == 3
    topics = {t["spec"]["topicName"]: t for t in of_kind("prod", "KafkaTopic").values()}
    assert set(topics) == {t.name for t in all_topics()}
    for spec in all_topics():
        t = topics[spec.name]["spec"]
        assert (t["partitions"], t["replicas"], t["config"]["min.insync.replicas"]) == (
            spec.partitions,
            3,
            2,
        )
        assert str(t["config"]["retention.ms"]) == str(spec.retention_ms)
    assert "StatefulSet" not in {d["kind"] for d in rendered("prod")}  # no hand-rolled brokers


def test_dev_runs_single_nodes_of_the_local_stack_versions() -> None:
    sets = of_kind("dev", "StatefulSet")
    assert set(sets) == {"kafka", "mongodb"}
    kafka_image = sets["kafka"]["spec"]["template"]["spec"]["containers"][0]["image"]
    compose = yaml.safe_load((REPO / "deploy" / "compose" / "docker-compose.yml").read_text())
    assert kafka_image == compose["services"]["kafka"]["image"]
