"""What an integrator reads in the five OpenAPI documents: stable operation ids, tags, and the
bearer token declared on every protected operation (so Swagger UI's Authorize works and
generated clients send it)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sanjin_shared.apidocs import openapi_document as openapi_of
from sanjin_shared.registry import SERVICES

OPERATION_ID = re.compile(r"^[a-z]+(-[a-z]+)+$")
METHODS = {"get", "put", "post", "patch", "delete"}
# the operations anyone may call: probes, metrics, the dashboard page (it signs in itself), the
# AsyncAPI document, and the development token (absent in production); all others take a token
PUBLIC = {
    "health-get",
    "readiness-get",
    "metrics-get",
    "dashboard-get",
    "dev-tokens-create",
    "asyncapi-get",
}


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if method in METHODS
    ]


@pytest.mark.parametrize("service", [s.name for s in SERVICES])
def test_operation_ids_are_readable_and_unique(service: str) -> None:
    operations = _operations(openapi_of(service))
    ids = [op.get("operationId", "") for _, _, op in operations]
    bad = [
        (m, p, i) for (p, m, _), i in zip(operations, ids, strict=True) if not OPERATION_ID.match(i)
    ]
    assert not bad, f"operation ids not <resource>-<verb>: {bad}"
    assert len(set(ids)) == len(ids)
    assert all(op.get("tags") for _, _, op in operations)


@pytest.mark.parametrize("service", [s.name for s in SERVICES])
def test_every_protected_operation_declares_the_bearer_token(service: str) -> None:
    spec = openapi_of(service)
    assert spec["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": spec["components"]["securitySchemes"]["bearer"]["description"],
    }
    for path, method, op in _operations(spec):
        if op["operationId"] in PUBLIC:
            assert op["security"] == [], f"{method} {path} is public, and says so"
            assert "401" not in op["responses"]
        else:
            assert {"bearer": []} in op.get("security", []), f"{method} {path} has no security"
            assert "401" in op["responses"]


def test_openid_connect_is_offered_once_an_issuer_is_configured() -> None:
    issuer = "http://127.0.0.1:8180/realms/sanjin"
    without = openapi_of("events")
    spec = openapi_of("events", jwt_issuer=issuer)
    assert "openIdConnect" not in without["components"]["securitySchemes"]
    scheme = spec["components"]["securitySchemes"]["openIdConnect"]
    assert scheme["openIdConnectUrl"] == f"{issuer}/.well-known/openid-configuration"
    op = spec["paths"]["/v1/activities"]["post"]
    assert op["security"] == [{"bearer": []}, {"openIdConnect": []}]


@pytest.mark.parametrize("service", [s.name for s in SERVICES])
def test_batch_envelopes_refuse_unknown_fields(service: str) -> None:
    spec = openapi_of(service)
    batches = [(p, op) for p, m, op in _operations(spec) if p.endswith(":batch")]
    for path, op in batches:
        ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        schema = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        assert schema.get("additionalProperties") is False, path
