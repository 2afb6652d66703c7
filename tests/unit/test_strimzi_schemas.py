"""The Strimzi resources of the prod overlay against the pinned operator's own CRD schemas
(deploy/k8s/strimzi/validate.py, which `make lint-deploy` runs): the real ones pass, and a
deliberately broken resource fails the check. The schemas are generated from Maven Central by
Strimzi's CRD generator, which needs Java 21+ (JAVA_HOME, as the Makefile sets it)."""

from __future__ import annotations

import copy
import importlib.util
import os
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from sanjin_devstack.paths import REPO
from tests.unit.test_kubernetes_manifests import kustomize, of_kind, rendered

TEMURIN = Path("/usr/lib/jvm/temurin-25-jdk-amd64")


def _validator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "strimzi_validate", REPO / "deploy" / "k8s" / "strimzi" / "validate.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


validate = _validator()

pytestmark = [
    pytest.mark.skipif(kustomize() is None, reason="kustomize is not built (make tools)"),
    pytest.mark.skipif(shutil.which("mvn") is None, reason="Maven is not installed"),
    pytest.mark.skipif(
        "JAVA_HOME" not in os.environ and not TEMURIN.exists(), reason="no Java 21+ (JAVA_HOME)"
    ),
]


@pytest.fixture(scope="module", autouse=True)
def java_home() -> None:
    os.environ.setdefault("JAVA_HOME", str(TEMURIN))


def strimzi_docs() -> list[dict[str, Any]]:
    return [d for d in rendered("prod") if d["apiVersion"].startswith("kafka.strimzi.io/")]


def test_the_prod_strimzi_resources_match_the_operators_schemas() -> None:
    docs = strimzi_docs()
    assert {d["kind"] for d in docs} == {"Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser"}
    assert validate.errors(docs) == []


def test_the_readme_names_the_pinned_operator() -> None:
    readme = (REPO / "deploy" / "README.md").read_text()
    assert f"Strimzi {validate.strimzi_version()}" in readme


def _broken(kind: str, change: Any) -> list[str]:
    (doc,) = copy.deepcopy(list(of_kind("prod", kind).values())[:1])
    change(doc)
    return validate.errors([doc])


def test_a_deliberately_broken_resource_fails_the_check() -> None:
    def typo(doc: dict[str, Any]) -> None:
        doc["spec"]["replica"] = doc["spec"].pop("replicas")

    def old_api(doc: dict[str, Any]) -> None:
        doc["apiVersion"] = "kafka.strimzi.io/v1beta2"

    def wrong_mechanism(doc: dict[str, Any]) -> None:
        doc["spec"]["kafka"]["listeners"][0]["authentication"]["type"] = "scram-sha-256"

    def wrong_type(doc: dict[str, Any]) -> None:
        doc["spec"]["partitions"] = "six"

    assert any("'replica' was unexpected" in e for e in _broken("KafkaNodePool", typo))
    assert any("'replicas' is a required property" in e for e in _broken("KafkaNodePool", typo))
    assert any("not kafka.strimzi.io/v1" in e for e in _broken("Kafka", old_api))
    assert any("scram-sha-256" in e for e in _broken("Kafka", wrong_mechanism))
    assert any("partitions" in e for e in _broken("KafkaTopic", wrong_type))


def test_the_command_line_check_fails_on_a_broken_file(tmp_path: Path) -> None:
    import yaml

    (pool,) = copy.deepcopy(list(of_kind("prod", "KafkaNodePool").values()))
    pool["spec"]["storage"]["volumes"][0]["type"] = "persistent-volume"
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(pool))
    assert validate.main([str(broken)]) == 1
