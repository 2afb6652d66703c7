"""Validates Strimzi resources against the pinned operator's own CRD schemas.

    uv run python deploy/k8s/strimzi/validate.py .run/k8s-prod.yaml [more.yaml ...]

The CRDs are generated once into ~/.cache/sanjin/strimzi-crds-<version>/ by Strimzi's CRD
generator from the operator's API model classes (both from Maven Central, see pom.xml here);
the generator needs Java 21+ (JAVA_HOME). Each `kafka.strimzi.io` resource must use the API
version `v1` (Strimzi 1.0 removed `v1beta2`), and must match the schema of that version the way
the API server reads it with strict field validation (`kubectl apply` since 1.27): an unknown
field is an error, not silently dropped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

HERE = Path(__file__).resolve().parent
POM = HERE / "pom.xml"
GROUP = "kafka.strimzi.io"
REQUIRED_VERSION = "v1"
_NS = {"m": "http://maven.apache.org/POM/4.0.0"}
# kind -> the API model class the operator's CRD is generated from
MODELS = {
    "Kafka": "io.strimzi.api.kafka.model.kafka.Kafka",
    "KafkaNodePool": "io.strimzi.api.kafka.model.nodepool.KafkaNodePool",
    "KafkaTopic": "io.strimzi.api.kafka.model.topic.KafkaTopic",
    "KafkaUser": "io.strimzi.api.kafka.model.user.KafkaUser",
}


def _property(name: str) -> str:
    root = ET.parse(POM).getroot()  # noqa: S314 - the repository's own pom
    node = root.find(f"m:properties/m:{name}", _NS)
    value = (node.text or "").strip() if node is not None else ""
    if not re.fullmatch(r"\d+\.\d+\.\d+", value):
        raise RuntimeError(f"{name} in {POM} is not a version: {value!r}")
    return value


def strimzi_version() -> str:
    """The operator version the deployment is pinned to (deploy/README.md states it)."""
    return _property("strimzi.version")


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else (shutil.which("java") or "java")
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    match = re.search(r'version "(\d+)', out.stderr)
    if not match or int(match.group(1)) < 21:
        raise RuntimeError(
            f"Strimzi's CRD generator needs Java 21+; {java} is {out.stderr.splitlines()[:1]} "
            "(set JAVA_HOME, e.g. /usr/lib/jvm/temurin-25-jdk-amd64)"
        )
    return java


def crd_dir() -> Path:
    """The generated CRDs of the pinned version (generated on first use)."""
    cache_root = Path(os.environ.get("SANJIN_CACHE", Path.home() / ".cache" / "sanjin"))
    target = cache_root / f"strimzi-crds-{strimzi_version()}-{_property('crd-generator.version')}"
    if (target / ".complete").exists():
        return target
    java = _java()
    cache_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="strimzi-crds-", dir=cache_root))
    libs = staging / "libs"
    print(f"[strimzi] generating the CRDs of Strimzi {strimzi_version()} ...", file=sys.stderr)
    subprocess.run(
        [
            *("mvn", "-q", "-B", "-f", str(POM), "dependency:copy-dependencies"),
            *(f"-DoutputDirectory={libs}", "-DincludeScope=runtime"),
        ],
        check=True,
    )
    # as the operator's own build does (api/pom.xml): v1beta2 stored, v1 served beside it
    subprocess.run(
        [java, "-cp", f"{libs}/*", "io.strimzi.crdgenerator.CrdGenerator"]
        + ["--target-kube", "1.16+", "--crd-api-version", "v1"]
        + ["--api-versions", "v1beta2,v1", "--storage-version", "v1beta2", "--yaml"]
        + [f"{cls}={staging / (kind + '.yaml')}" for kind, cls in MODELS.items()],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    shutil.rmtree(libs)
    (staging / ".complete").write_text(strimzi_version())
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return target


def _strict(schema: Any) -> Any:
    """The CRD's OpenAPI v3 schema as a JSON Schema read the way the API server reads it."""
    if isinstance(schema, list):
        return [_strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {
        k: _strict(v)
        for k, v in schema.items()
        if not k.startswith("x-kubernetes-") and k != "nullable"
    }
    if schema.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if schema.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    if (
        out.get("type") == "object"
        and "properties" in out
        and "additionalProperties" not in out
        and not schema.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


@cache
def schemas() -> dict[tuple[str, str], dict[str, Any]]:
    """(kind, version) -> JSON Schema, for every served version of the generated CRDs."""
    found = {}
    for path in sorted(crd_dir().glob("*.yaml")):
        crd = yaml.safe_load(path.read_text())
        kind = crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            if version.get("served"):
                found[(kind, version["name"])] = _strict(version["schema"]["openAPIV3Schema"])
    return found


def errors(docs: Iterable[dict[str, Any]]) -> list[str]:
    """What the API server would refuse in the Strimzi resources among `docs`."""
    problems = []
    for doc in docs:
        group, _, version = str(doc.get("apiVersion", "")).rpartition("/")
        if group != GROUP:
            continue
        where = f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
        if version != REQUIRED_VERSION:
            problems.append(f"{where}: {group}/{version}, not {group}/{REQUIRED_VERSION}")
            continue
        schema = schemas().get((doc.get("kind", ""), version))
        if schema is None:
            problems.append(f"{where}: no CRD of Strimzi {strimzi_version()} serves it")
            continue
        validator = jsonschema.Draft7Validator(schema)
        for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
            path = ".".join(str(p) for p in error.absolute_path) or "(root)"
            problems.append(f"{where}: {path}: {error.message}")
    return problems


def main(argv: list[str] | None = None) -> int:
    paths = (argv if argv is not None else sys.argv[1:]) or []
    if not paths:
        print(__doc__, file=sys.stderr)
        return 64
    docs = [d for p in paths for d in yaml.safe_load_all(Path(p).read_text()) if d]
    checked = sum(1 for d in docs if str(d.get("apiVersion", "")).startswith(GROUP + "/"))
    found = errors(docs)
    for problem in found:
        print(problem, file=sys.stderr)
    print(
        f"strimzi {strimzi_version()}: {checked} resources checked, {len(found)} errors",
        file=sys.stderr,
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
