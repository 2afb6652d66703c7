"""The Kubernetes manifests, read as `kustomize build` renders them for both overlays, keep the
properties deployment depends on: probes, non-root and read-only containers (the `restricted`
pod security standard, Strimzi's pods included), limits, one PDB per service and one HPA per
intake service, secrets by reference, the shutdown budget and the start-up window of the
services' settings, the gateway's routes from the registry, and in prod the Strimzi resources
(API v1, replication 3 and min.insync.replicas 2 for every platform topic, brokers spread, one
least-privilege KafkaUser per service). The network flows are in test_network_flows.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from sanjin_devstack.paths import REPO
from sanjin_shared.registry import SERVICES as REGISTRY
from sanjin_shared.settings import ServiceSettings
from sanjin_shared.topics import CAMPAIGNS, DOMAIN_TOPICS, all_topics, dead_letter

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


def config(overlay: str) -> dict[str, str]:
    """The shared ConfigMap (its name carries its content's hash: a change rolls the pods)."""
    (found,) = (
        d for n, d in of_kind(overlay, "ConfigMap").items() if re.fullmatch(r"sanjin-config-\w+", n)
    )
    return found["data"]


def pod_templates(overlay: str) -> dict[str, dict[str, Any]]:
    kinds = {"Deployment", "StatefulSet", "Job"}
    return {
        f"{d['kind']}/{d['metadata']['name']}": d["spec"]["template"]
        for d in rendered(overlay)
        if d["kind"] in kinds
    }


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
        for secret in ("SANJIN_MONGODB_URI", "SANJIN_JWT_SECRET", "SANJIN_KAFKA_SASL_PASSWORD"):
            assert "secretKeyRef" in env[secret]["valueFrom"], secret  # by reference only
        spec = next(s for s in REGISTRY if s.slug == name)
        assert env["SANJIN_SERVICE"]["value"] == spec.name
        # its own MongoDB URI (its own user: no service reads another's database)
        assert env["SANJIN_MONGODB_URI"]["valueFrom"]["secretKeyRef"]["key"] == f"{name}-uri"


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_config_changes_roll_the_pods(overlay: str) -> None:
    """The shared ConfigMap is generated with its content's hash in its name, and every pod
    that reads it names that ConfigMap: a changed setting is a changed pod template."""
    (name,) = (n for n in of_kind(overlay, "ConfigMap") if n.startswith("sanjin-config-"))
    for where, template in pod_templates(overlay).items():
        refs = [
            f["configMapRef"]["name"]
            for c in template["spec"]["containers"]
            for f in c.get("envFrom", [])
        ]
        assert all(r == name for r in refs), where


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_the_shutdown_budget_fits_the_termination_grace_period(overlay: str) -> None:
    """preStop pause + uvicorn's grace + the outbox flush + the closing steps, from the rendered
    settings, fit in terminationGracePeriodSeconds; the startup probe outlasts the start-up
    timeout (plus one MongoDB server selection)."""
    settings = ServiceSettings(
        environment="test", shutdown_grace_s=float(config(overlay)["SANJIN_SHUTDOWN_GRACE_S"])
    )
    for name, d in of_kind(overlay, "Deployment").items():
        pod = d["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        pre_stop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
        assert pod["terminationGracePeriodSeconds"] >= pre_stop + settings.shutdown_budget_s, name
        probe = container["startupProbe"]
        window = probe["periodSeconds"] * probe["failureThreshold"]
        assert window >= settings.startup_timeout_s + 5, name


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_every_pod_meets_the_restricted_pod_security_standard(overlay: str) -> None:
    """Both namespaces enforce `restricted`; every pod template passes its rules, the pods
    Strimzi creates too (their security contexts come from the Kafka and KafkaNodePool
    templates)."""
    (namespace,) = of_kind(overlay, "Namespace").values()
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    templates = {w: t["spec"] for w, t in pod_templates(overlay).items()}
    for name, kafka in of_kind(overlay, "Kafka").items():
        t = kafka["spec"]["entityOperator"]["template"]
        templates[f"entity-operator/{name}"] = {
            "securityContext": t["pod"]["securityContext"],
            "containers": [
                {"securityContext": t[c]["securityContext"]}
                for c in ("topicOperatorContainer", "userOperatorContainer")
            ],
        }
    for name, pool in of_kind(overlay, "KafkaNodePool").items():
        t = pool["spec"]["template"]
        templates[f"node-pool/{name}"] = {
            "securityContext": t["pod"]["securityContext"],
            "containers": [{"securityContext": t["kafkaContainer"]["securityContext"]}],
            "initContainers": [{"securityContext": t["initContainer"]["securityContext"]}],
        }
    for where, pod in templates.items():
        pod_sc = pod.get("securityContext", {})
        assert pod_sc.get("runAsUser") != 0, where
        for c in pod["containers"] + pod.get("initContainers", []):
            sc = c["securityContext"]
            non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
            seccomp = sc.get("seccompProfile", pod_sc.get("seccompProfile", {}))
            assert non_root is True, where
            assert seccomp.get("type") in ("RuntimeDefault", "Localhost"), where
            assert sc["allowPrivilegeEscalation"] is False, where
            assert sc["capabilities"]["drop"] == ["ALL"], where
            assert set(sc["capabilities"].get("add", [])) <= {"NET_BIND_SERVICE"}, where
            assert not sc.get("privileged"), where
            assert sc.get("runAsUser") != 0, where
        for volume in pod.get("volumes", []):
            assert "hostPath" not in volume, where
        assert not (pod.get("hostNetwork") or pod.get("hostPID") or pod.get("hostIPC")), where


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_one_service_account_service_and_pdb_per_service_and_scaling_by_hpa(
    overlay: str,
) -> None:
    assert set(of_kind(overlay, "ServiceAccount")) == SERVICES
    assert set(of_kind(overlay, "Service")) >= SERVICES
    pdbs = of_kind(overlay, "PodDisruptionBudget")
    assert set(pdbs) == SERVICES
    for pdb in pdbs.values():  # one pod at a time, whatever the replica count
        assert pdb["spec"] == {**pdb["spec"], "maxUnavailable": 1} and "minAvailable" not in pdb
    hpas = of_kind(overlay, "HorizontalPodAutoscaler")
    assert set(hpas) == INTAKE
    deployments = of_kind(overlay, "Deployment")
    for name, hpa in hpas.items():
        assert hpa["spec"]["scaleTargetRef"]["name"] == name
        # the HPA owns the replica count; a fixed spec.replicas would fight it on every apply
        assert "replicas" not in deployments[name]["spec"], name
        (container,) = deployments[name]["spec"]["template"]["spec"]["containers"]
        request = container["resources"]["requests"]["cpu"]
        millicores = int(request[:-1]) if request.endswith("m") else int(float(request) * 1000)
        target = hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"]
        assert millicores * target / 100 >= 300, name  # scale on real load, not at 70m
    for name in SERVICES - INTAKE:
        assert deployments[name]["spec"]["replicas"] >= 1


def test_prod_spreads_the_brokers_over_nodes_and_zones() -> None:
    (pool,) = of_kind("prod", "KafkaNodePool").values()
    spread = {
        c["topologyKey"]: c["whenUnsatisfiable"]
        for c in pool["spec"]["template"]["pod"]["topologySpreadConstraints"]
    }
    assert spread["kubernetes.io/hostname"] == "DoNotSchedule"  # never two on one node
    assert "topology.kubernetes.io/zone" in spread


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_the_ingress_routes_the_registry(overlay: str) -> None:
    """`/` to the web application's Service `web` (8080); `/api/<slug>/...` to each service
    with the prefix stripped and X-Forwarded-Prefix set, one route per registry entry."""
    ingresses = of_kind(overlay, "Ingress")
    services = of_kind(overlay, "Service")
    routes = {}
    for ing in ingresses.values():
        ((path,),) = (r["http"]["paths"] for r in ing["spec"]["rules"])
        routes[path["path"]] = (ing, path["backend"]["service"])
    _, web = routes.pop("/")
    assert web == {"name": "web", "port": {"number": 8080}}
    assert services["web"]["spec"]["ports"][0]["port"] == 8080
    assert set(routes) == {f"/api/{s.slug}(/|$)(.*)" for s in REGISTRY}
    for s in REGISTRY:
        ing, backend = routes[f"/api/{s.slug}(/|$)(.*)"]
        notes = ing["metadata"]["annotations"]
        assert backend["name"] == s.slug and backend["name"] in services
        assert notes["nginx.ingress.kubernetes.io/rewrite-target"] == "/$2"
        assert notes["nginx.ingress.kubernetes.io/x-forwarded-prefix"] == f"/api/{s.slug}"
    if overlay == "prod":
        for ing in ingresses.values():
            assert ing["spec"]["tls"] and ing["spec"]["rules"][0]["host"]


def test_the_generated_manifests_are_up_to_date() -> None:
    """services.yaml, ingress.yaml, topics.yaml and kafka-users.yaml are the generator's output
    for today's registry and topics (make lint-deploy runs the same check)."""
    check = subprocess.run(
        [sys.executable, str(K8S / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_nothing_talks_unless_a_policy_says_so(overlay: str) -> None:
    policies = of_kind(overlay, "NetworkPolicy")
    deny = policies["default-deny"]
    assert deny["spec"]["podSelector"] == {} and set(deny["spec"]["policyTypes"]) == {
        "Ingress",
        "Egress",
    }
    assert {"dns-egress", "api-ingress", "web-ingress"} <= set(policies)


def test_no_secret_values_in_prod() -> None:
    assert of_kind("prod", "Secret") == {}  # created out of band, referenced by name
    data = config("prod")
    assert data["SANJIN_ENVIRONMENT"] == "production" and data["SANJIN_JWT_JWKS_URL"]
    # Kafka over TLS with SCRAM-SHA-512, the cluster CA mounted from Strimzi's Secret
    assert data["SANJIN_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert data["SANJIN_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    for d in of_kind("prod", "Deployment").values():
        pod = d["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert data["SANJIN_KAFKA_CA_FILE"].startswith(mounts["kafka-ca"] + "/")
        assert volumes["kafka-ca"]["secret"]["secretName"] == "sanjin-cluster-ca-cert"


def test_prod_kafka_users_are_least_privilege() -> None:
    """An intake service writes its own topic, nothing else; the aggregator reads the intake
    services' topics in its consumer groups, writes their dead-letter topics and its own topic.
    Each service's SCRAM user is named as its pods' SANJIN_KAFKA_SASL_USERNAME."""
    (kafka,) = of_kind("prod", "Kafka").values()
    (listener,) = kafka["spec"]["kafka"]["listeners"]
    assert listener["tls"] is True and listener["authentication"]["type"] == "scram-sha-512"
    assert kafka["spec"]["kafka"]["authorization"]["type"] == "simple"
    users = of_kind("prod", "KafkaUser")
    deployments = of_kind("prod", "Deployment")
    assert set(users) == SERVICES
    consumed = {t.name for t in DOMAIN_TOPICS} - {s.topic.name for s in REGISTRY if not s.intake}
    for s in REGISTRY:
        user = users[s.slug]["spec"]
        assert user["authentication"]["type"] == "scram-sha-512"
        grants = {
            (a["resource"]["type"], a["resource"]["name"], op)
            for a in user["authorization"]["acls"]
            for op in a["operations"]
        }
        expected = {("topic", s.topic.name, "Write"), ("topic", s.topic.name, "Describe")}
        # the aggregator publishes the campaigns, every service reads them
        expected |= {("topic", CAMPAIGNS.name, "Read"), ("topic", CAMPAIGNS.name, "Describe")}
        if not s.intake:
            expected |= {("topic", CAMPAIGNS.name, "Write")}
            for name in consumed:
                expected |= {("topic", name, "Read"), ("topic", name, "Describe")}
                dlq = dead_letter(next(t for t in DOMAIN_TOPICS if t.name == name)).name
                expected |= {("topic", dlq, "Write"), ("topic", dlq, "Describe")}
            expected |= {("group", "aggregator-statistics", "Read")}
            expected |= {("group", "aggregator-statistics", "Describe")}
        assert grants == expected, s.name
        (container,) = deployments[s.slug]["spec"]["template"]["spec"]["containers"]
        env = {e["name"]: e for e in container["env"]}
        assert env["SANJIN_KAFKA_SASL_USERNAME"]["value"] == s.slug
        assert env["SANJIN_KAFKA_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == s.slug


def test_prod_kafka_is_strimzi_with_replication_3_and_min_isr_2() -> None:
    (kafka,) = of_kind("prod", "Kafka").values()
    strimzi = [d for d in rendered("prod") if d["apiVersion"].startswith("kafka.strimzi.io/")]
    assert {d["apiVersion"] for d in strimzi} == {"kafka.strimzi.io/v1"}
    # KRaft and node pools are all Strimzi 0.46+ knows; their annotations are obsolete
    assert not kafka["metadata"].get("annotations")
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
    assert set(sets) == {"kafka", "mongodb", "keycloak"}
    compose = yaml.safe_load((REPO / "deploy" / "compose" / "docker-compose.yml").read_text())
    for name, service in (("kafka", "kafka"), ("mongodb", "mongo"), ("keycloak", "keycloak")):
        image = sets[name]["spec"]["template"]["spec"]["containers"][0]["image"]
        assert image == compose["services"][service]["image"]
        assert re.fullmatch(r"[\w./-]+:\d+\.\d+\.\d+", image), image  # no floating tag
    data = config("dev")
    assert data["SANJIN_JWT_ISSUER"] and "SANJIN_JWT_SECRET" not in data


def test_dev_kafka_keeps_its_logs_below_the_volume_root() -> None:
    """An ext4 volume's root holds lost+found, which Kafka refuses as a log directory."""
    (container,) = of_kind("dev", "StatefulSet")["kafka"]["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    (mount,) = container["volumeMounts"]
    log_dir = Path(env["KAFKA_LOG_DIRS"])
    assert log_dir.parent == Path(mount["mountPath"])
    assert env["CLUSTER_ID"] and len(env["CLUSTER_ID"]) == 22  # this cluster's own id


def test_dev_jobs_can_be_applied_again() -> None:
    """A finished Job is deleted after a while, so applying a new image creates it again
    instead of failing on its immutable template."""
    for name, job in of_kind("dev", "Job").items():
        assert 0 <= job["spec"]["ttlSecondsAfterFinished"] <= 300, name
