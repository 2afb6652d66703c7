"""The services' OpenAPI agrees with the public contract v1 (docs/api.md), and the contract names
every operation the services serve.

The contract is read, not copied: each operation of a section, its body fields and the response
fields it names must be in the generated OpenAPI; and each operation of the OpenAPI must be named
in its service's section (every endpoint in brief).
"""

from __future__ import annotations

import functools
from typing import Any

import pytest

from sanjin_shared.apidocs import openapi_document
from sanjin_shared.registry import SERVICES
from tests.support import contract

SPECS = {s.name: functools.cache(functools.partial(openapi_document, s.name)) for s in SERVICES}
# small bounded collections answered whole, not paged: the campaigns, a campaign's reminders,
# files and cases, the 32 units' contacts, the reference lists, a day-by-day series
WHOLE = {
    "/v1/campaigns",
    "/v1/campaigns/{}/reminders",
    "/v1/campaigns/{}/files",
    "/v1/campaigns/{}/cases",
    "/v1/unit-contacts",
    "/v1/reference",
    "/v1/campaigns/{}/statistics/daily",
}
# what every service serves, named once in the contract's common rules
COMMON = {("GET", p) for p in ("/healthz", "/readyz", "/metrics", "/v1/audit")}


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    for key in ("anyOf", "allOf", "oneOf"):
        if key in schema:
            options = [_resolve(spec, s) for s in schema[key] if s.get("type") != "null"]
            merged: dict[str, Any] = {"properties": {}}
            for option in options:
                merged["properties"].update(option.get("properties", {}))
            return merged
    return schema


def _paths(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {contract.normalise(p): ops for p, ops in spec["paths"].items()}


def _cases() -> list[tuple[str, contract.Operation]]:
    return [(service, op) for service in SPECS for op in contract.operations(service)]


@pytest.mark.parametrize(
    ("service", "op"), _cases(), ids=[f"{s}:{o.method} {o.path}" for s, o in _cases()]
)
def test_contract_operation_is_served(service: str, op: contract.Operation) -> None:
    spec = SPECS[service]()
    paths = _paths(spec)
    assert op.path in paths, f"{op.method} {op.path} missing from {service}'s OpenAPI"
    operation = paths[op.path].get(op.method.lower())
    assert operation is not None, f"{op.method} {op.path} missing from {service}'s OpenAPI"
    if op.body:
        content = operation["requestBody"]["content"]["application/json"]["schema"]
        properties = _resolve(spec, content).get("properties", {})
        missing = [f for f in op.body if f not in properties]
        assert not missing, f"{op.method} {op.path}: body lacks {missing}"
    if op.response:
        ok = next(str(c) for c in (201, 200) if str(c) in operation["responses"])
        schema = operation["responses"][ok]["content"]["application/json"]["schema"]
        properties = _resolve(spec, schema).get("properties", {})
        missing = [f for f in op.response if f not in properties]
        assert not missing, f"{op.method} {op.path}: response lacks {missing}"
    # reports (over a record, or of the fixed 32 units), files, previews and documents, not paged
    views = (
        "statistics",
        "compare",
        "results",
        "dashboard",
        "submissions",
        "preview",
        ".xlsx",
        ".csv",
        ".json",
    )
    if (
        op.method == "GET"
        and not op.path.endswith("{}")
        and not op.path.endswith(views)
        and op.path not in WHOLE
    ):
        names = {p["name"] for p in operation.get("parameters", [])}
        assert {"limit", "cursor"} <= names, f"{op.path}: lists take limit and cursor"


@pytest.mark.parametrize("service", sorted(SPECS))
def test_every_operation_is_in_the_contract(service: str) -> None:
    named = {(op.method, op.path) for op in contract.operations(service)}
    served = {
        (method.upper(), contract.normalise(path))
        for path, ops in SPECS[service]()["paths"].items()
        for method in ops
    }
    missing = sorted(served - named - COMMON)
    assert not missing, f"docs/api.md, section {service}, does not name {missing}"


@pytest.mark.parametrize("service", sorted(SPECS))
def test_every_service_serves_the_common_endpoints(service: str) -> None:
    paths = SPECS[service]()["paths"]
    for path in ("/healthz", "/readyz", "/metrics"):
        assert "get" in paths[path], f"{service} lacks {path}"


def test_statistics_carry_every_contract_metric() -> None:
    spec = SPECS["aggregator"]()
    metrics = _resolve(spec, {"$ref": "#/components/schemas/Metrics"})["properties"]
    assert set(contract.metrics()) == set(metrics)
    assert contract.metrics(), "the METRICS list was read from the contract"


def test_the_repository_points_nowhere_outside_it() -> None:
    """The contract lives in docs/api.md: nothing refers to a file beside the repository."""
    import subprocess

    from sanjin_devstack.paths import REPO

    found = subprocess.run(
        [
            "git",
            "grep",
            "-nIF",
            "-e",
            "../" + "shared/",  # split, so that this test is not itself a reference
            "-e",
            "shared/domain/",
            "-e",
            "CONTRACT.md",
            "--",
            ".",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    assert [line for line in found if "test_contract.py" not in line] == []
