"""One problem type for a write that lost a race: every service answers a ConcurrentModification
(raised by a repository's version or guard check) as 409 `concurrent-modification`, and no layer
translates it on its own (there were two types: `conflict` in records.py, `concurrent-modification`
in three copies elsewhere)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sanjin_devstack.paths import REPO
from sanjin_shared.apidocs import build
from sanjin_shared.errors import ConcurrentModification
from sanjin_shared.registry import SERVICES


@pytest.mark.parametrize("service", [s.name for s in SERVICES])
def test_every_service_answers_one_problem_type(service: str) -> None:
    app = build(service)

    # a request of this service's app in which a write loses its race
    @app.get("/test/race")
    async def race() -> None:
        raise ConcurrentModification("the record r-1")

    response = TestClient(app).get("/test/race")  # no lifespan: the route needs no database
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:sanjin:problem:concurrent-modification"
    assert (
        body["detail"] == "the record r-1 was changed by another request; read it again and retry"
    )


def test_no_layer_translates_a_concurrent_modification_itself() -> None:
    """The handler in problems.py is the only place: a service catching it would name its own
    type again."""
    catching = []
    for path in [*REPO.glob("services/*/src/**/*.py"), *REPO.glob("shared/src/**/*.py")]:
        for node in ast.walk(ast.parse(Path(path).read_text())):
            if isinstance(node, ast.ExceptHandler) and "ConcurrentModification" in ast.unparse(
                node.type or ast.Name("")
            ):
                catching.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert catching == []
