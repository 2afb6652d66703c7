"""The network flows the platform needs, evaluated against the NetworkPolicies of both rendered
overlays the way Kubernetes applies them: a pod selected by a policy of a direction accepts only
what one of those policies' rules allows, on both ends of a connection.

The pods are the rendered pod templates, the pods Strimzi creates from the Kafka and
KafkaNodePool resources (with the ingress policy the operator generates for its brokers), and
the cluster around the namespace: kube-dns, the ingress controller and Prometheus in namespaces
labelled as the README says, the web application's pods (selected by its Service), and the
external MongoDB, identity provider and API server at addresses of the prod overlay's ranges.
Every required flow must be allowed and each unneeded one denied.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

import pytest

from sanjin_shared.registry import SERVICES
from tests.unit.test_kubernetes_manifests import kustomize, of_kind, rendered

pytestmark = pytest.mark.skipif(kustomize() is None, reason="kustomize is not built (make tools)")

LABEL = "sanjin.samr.gov.cn"
# addresses inside the prod overlay's placeholder ranges (deploy/README.md: replace them)
MONGODB_IP, IDP_IP, API_SERVER_IP, INTERNET_IP = "10.20.0.10", "10.20.1.10", "10.0.0.1", "8.8.8.8"


@dataclass(frozen=True)
class Pod:
    name: str
    namespace: str
    labels: dict[str, str]
    ports: dict[str, int] = field(default_factory=dict)  # named container ports

    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True)
class External:
    name: str
    ip: str


Peer = Pod | External


def matches(selector: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    if selector is None:
        return False
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expr in selector.get("matchExpressions", []):
        key, op, values = expr["key"], expr["operator"], expr.get("values", [])
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


class Cluster:
    def __init__(self, overlay: str) -> None:
        (ns_doc,) = of_kind(overlay, "Namespace").values()
        self.namespace = ns_doc["metadata"]["name"]
        self.namespaces = {
            self.namespace: {
                **ns_doc["metadata"].get("labels", {}),
                "kubernetes.io/metadata.name": self.namespace,
            },
            "kube-system": {"kubernetes.io/metadata.name": "kube-system"},
            "ingress-nginx": {
                "kubernetes.io/metadata.name": "ingress-nginx",
                f"{LABEL}/ingress-controller": "true",
            },
            "monitoring": {
                "kubernetes.io/metadata.name": "monitoring",
                f"{LABEL}/monitoring": "true",
            },
        }
        self.policies = [
            p for p in of_kind(overlay, "NetworkPolicy").values()
        ] + self._strimzi_policies(overlay)
        self.pods = self._pods(overlay)

    # -- the pods --------------------------------------------------------------------------

    def _pods(self, overlay: str) -> dict[str, Pod]:
        pods: dict[str, Pod] = {}
        for d in rendered(overlay):
            if d["kind"] not in ("Deployment", "StatefulSet", "Job"):
                continue
            template = d["spec"]["template"]
            ports = {
                p["name"]: p["containerPort"]
                for c in template["spec"]["containers"]
                for p in c.get("ports", [])
                if "name" in p
            }
            name = d["metadata"]["name"]
            pods[name] = Pod(name, self.namespace, template["metadata"]["labels"], ports)
        for cluster, kafka in of_kind(overlay, "Kafka").items():
            base = {"strimzi.io/cluster": cluster, "strimzi.io/kind": "Kafka"}
            for pool_name, pool in of_kind(overlay, "KafkaNodePool").items():
                extra = pool["spec"].get("template", {}).get("pod", {}).get("metadata", {})
                labels = {
                    **base,
                    **extra.get("labels", {}),
                    "strimzi.io/name": f"{cluster}-kafka",
                    "strimzi.io/pool-name": pool_name,
                }
                for i in range(pool["spec"]["replicas"]):
                    name = f"{cluster}-{pool_name}-{i}"
                    pods[name] = Pod(name, self.namespace, labels)
            eo = kafka["spec"].get("entityOperator")
            if eo is not None:
                extra = eo.get("template", {}).get("pod", {}).get("metadata", {})
                labels = {
                    **base,
                    **extra.get("labels", {}),
                    "strimzi.io/name": f"{cluster}-entity-operator",
                }
                pods["entity-operator"] = Pod("entity-operator", self.namespace, labels)
        # the web application's pods, as its Service selects them (its Deployment is the web
        # image's, not in these manifests)
        web = of_kind(overlay, "Service")["web"]["spec"]["selector"]
        pods["web"] = Pod("web", self.namespace, web, {"http": 8080})
        pods["kube-dns"] = Pod("kube-dns", "kube-system", {"k8s-app": "kube-dns"})
        pods["ingress-controller"] = Pod(
            "ingress-controller", "ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"}
        )
        pods["prometheus"] = Pod(
            "prometheus", "monitoring", {"app.kubernetes.io/name": "prometheus"}
        )
        return pods

    def _strimzi_policies(self, overlay: str) -> list[dict[str, Any]]:
        """The ingress policy Strimzi's cluster operator writes for a Kafka cluster's nodes:
        the controllers' port 9090 and the replication port 9091 from the cluster's own nodes
        (and 9091 from its entity operator and any cluster operator), each listener's port from
        its networkPolicyPeers (from anywhere when it has none)."""
        policies = []
        for cluster, kafka in of_kind(overlay, "Kafka").items():
            nodes = {
                "strimzi.io/cluster": cluster,
                "strimzi.io/kind": "Kafka",
                "strimzi.io/name": f"{cluster}-kafka",
            }
            rules: list[dict[str, Any]] = [
                {
                    "from": [{"podSelector": {"matchLabels": nodes}}],
                    "ports": [{"port": 9090, "protocol": "TCP"}],
                },
                {
                    "from": [
                        {"podSelector": {"matchLabels": nodes}},
                        {
                            "podSelector": {
                                "matchLabels": {"strimzi.io/name": f"{cluster}-entity-operator"}
                            }
                        },
                        {
                            "namespaceSelector": {},
                            "podSelector": {"matchLabels": {"strimzi.io/kind": "cluster-operator"}},
                        },
                    ],
                    "ports": [{"port": 9091, "protocol": "TCP"}],
                },
            ]
            for listener in kafka["spec"]["kafka"]["listeners"]:
                rule: dict[str, Any] = {"ports": [{"port": listener["port"], "protocol": "TCP"}]}
                if listener.get("networkPolicyPeers"):
                    rule["from"] = listener["networkPolicyPeers"]
                rules.append(rule)
            policies.append(
                {
                    "metadata": {"name": f"{cluster}-network-policy-kafka (Strimzi)"},
                    "spec": {
                        "podSelector": {"matchLabels": nodes},
                        "policyTypes": ["Ingress"],
                        "ingress": rules,
                    },
                }
            )
        return policies

    # -- the evaluation --------------------------------------------------------------------

    def _peer_matches(self, peer: dict[str, Any], policy_ns: str, other: Peer) -> bool:
        if "ipBlock" in peer:
            if not isinstance(other, External):
                return False  # pod addresses are in the cluster's range, not these blocks
            block = peer["ipBlock"]
            ip = ipaddress.ip_address(other.ip)
            return ip in ipaddress.ip_network(block["cidr"]) and not any(
                ip in ipaddress.ip_network(e) for e in block.get("except", [])
            )
        if not isinstance(other, Pod):
            return False
        if "namespaceSelector" in peer:
            if not matches(peer["namespaceSelector"], self.namespaces[other.namespace]):
                return False
        elif other.namespace != policy_ns:
            return False
        return "podSelector" not in peer or matches(peer["podSelector"], other.labels)

    @staticmethod
    def _port_matches(rule_ports: list[dict[str, Any]] | None, dst: Peer, port: int, proto: str):
        if not rule_ports:
            return True
        for p in rule_ports:
            if p.get("protocol", "TCP") != proto:
                continue
            if "port" not in p:
                return True
            wanted = p["port"]
            if isinstance(wanted, str):  # a named port of the destination's containers
                wanted = dst.ports.get(wanted) if isinstance(dst, Pod) else None
            if wanted is not None and wanted <= port <= p.get("endPort", wanted):
                return True
        return False

    def _allowed(self, pod: Pod, direction: str, other: Peer, dst: Peer, port: int, proto: str):
        selecting = [
            p
            for p in self.policies
            if pod.namespace == self.namespace
            and direction in p["spec"].get("policyTypes", ["Ingress"])
            and matches(p["spec"]["podSelector"], pod.labels)
        ]
        if not selecting:
            return True  # not isolated in this direction (pods outside the namespace)
        key, peers_key = ("egress", "to") if direction == "Egress" else ("ingress", "from")
        for policy in selecting:
            for rule in policy["spec"].get(key, []):
                peers = rule.get(peers_key)
                peer_ok = peers is None or any(
                    self._peer_matches(p, self.namespace, other) for p in peers
                )
                if peer_ok and self._port_matches(rule.get("ports"), dst, port, proto):
                    return True
        return False

    def allows(self, src: str, dst: str | External, port: int, proto: str = "TCP") -> bool:
        source = self.pods[src]
        target = self.pods[dst] if isinstance(dst, str) else dst
        if not self._allowed(source, "Egress", target, target, port, proto):
            return False
        if isinstance(target, Pod):
            return self._allowed(target, "Ingress", source, target, port, proto)
        return True


def flows(overlay: str, c: Cluster) -> tuple[list[tuple[str, Peer, int, str]], list[tuple]]:
    """(required, denied) flows of the overlay: (source pod, destination, port, protocol)."""
    services = [s.slug for s in SERVICES]
    required: list[tuple[str, Peer, int, str]] = []
    dns = c.pods["kube-dns"]
    for name, pod in c.pods.items():
        if pod.namespace == c.namespace:
            required += [(name, dns, 53, "UDP"), (name, dns, 53, "TCP")]
    for s in services:
        required += [("ingress-controller", c.pods[s], 8000, "TCP")]
        required += [("prometheus", c.pods[s], 8000, "TCP")]
    required += [("ingress-controller", c.pods["web"], 8080, "TCP")]
    denied: list[tuple[str, Peer, int, str]] = [
        ("events", c.pods["inspection"], 8000, "TCP"),  # services never call each other
        ("web", c.pods["events"], 8000, "TCP"),  # the browser reaches APIs by the gateway
        ("events", External("internet", INTERNET_IP), 443, "TCP"),
        ("prometheus", c.pods["web"], 8080, "TCP"),
    ]
    if overlay == "dev":
        kafka, mongodb = c.pods["kafka"], c.pods["mongodb"]
        for s in [*services, "topics"]:
            required.append((s, kafka, 9092, "TCP"))
        for s in [*services, "mongodb-init"]:
            required.append((s, mongodb, 27017, "TCP"))
        required += [("mongodb", mongodb, 27017, "TCP"), ("kafka", kafka, 9093, "TCP")]
        denied += [
            ("topics", mongodb, 27017, "TCP"),  # a Kafka tool has no business in the database
            ("mongodb-init", kafka, 9092, "TCP"),
            ("kafka", mongodb, 27017, "TCP"),
            ("web", mongodb, 27017, "TCP"),
            ("events", kafka, 9093, "TCP"),  # the controller's port is the broker's own
        ]
    else:
        brokers = [
            n for n, p in c.pods.items() if p.labels.get("strimzi.io/name") == "sanjin-kafka"
        ]
        mongodb, idp = External("mongodb", MONGODB_IP), External("idp", IDP_IP)
        api_server = External("api-server", API_SERVER_IP)
        for s in services:
            required += [(s, mongodb, 27017, "TCP"), (s, idp, 443, "TCP")]
            required += [(s, c.pods[b], 9093, "TCP") for b in brokers]
        for a in brokers:
            for b in brokers:
                required += [(a, c.pods[b], 9090, "TCP"), (a, c.pods[b], 9091, "TCP")]
            required.append(("entity-operator", c.pods[a], 9091, "TCP"))
        required.append(("entity-operator", api_server, 443, "TCP"))
        denied += [
            ("events", c.pods[brokers[0]], 9091, "TCP"),  # replication is the brokers' own
            ("events", c.pods[brokers[0]], 9090, "TCP"),
            ("events", api_server, 443, "TCP"),  # no service token, no API access
            ("web", mongodb, 27017, "TCP"),
            (brokers[0], mongodb, 27017, "TCP"),
            ("entity-operator", mongodb, 27017, "TCP"),
            ("web", c.pods[brokers[0]], 9093, "TCP"),
        ]
    return required, denied


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_every_required_flow_is_allowed_and_unneeded_ones_are_denied(overlay: str) -> None:
    c = Cluster(overlay)
    required, denied = flows(overlay, c)

    def label(flow: tuple[str, Peer, int, str]) -> str:
        src, dst, port, proto = flow
        return f"{src} -> {dst.name}:{port}/{proto}"

    blocked = [label(f) for f in required if not c.allows(f[0], f[1], f[2], f[3])]
    open_ = [label(f) for f in denied if c.allows(f[0], f[1], f[2], f[3])]
    print(f"\n[{overlay}] {len(required)} required flows allowed, {len(denied)} unneeded denied")
    assert not blocked, f"required but blocked in {overlay}: {blocked}"
    assert not open_, f"unneeded but allowed in {overlay}: {open_}"


def test_the_evaluation_denies_what_the_default_deny_catches() -> None:
    """Without the egress policies but the default deny, the brokers lose DNS and each other:
    the defect of issue 22, seen by this evaluation."""
    c = Cluster("prod")
    c.policies = [p for p in c.policies if p["metadata"]["name"] in {"default-deny"}]
    broker = next(n for n, p in c.pods.items() if p.labels.get("strimzi.io/pool-name"))
    assert not c.allows(broker, "kube-dns", 53, "UDP")
    assert not c.allows(broker, broker, 9091)
