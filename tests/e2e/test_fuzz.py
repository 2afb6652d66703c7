"""Schemathesis against every operation of the five services' own OpenAPI, over HTTP, with valid
tokens: no answer is a server error, and every answer matches its documented status, content type
and schema.

Each operation gets SANJIN_FUZZ_EXAMPLES generated requests (5 in `make test`, 100 in
`make fuzz`), alternately as a province and as admin, so both the province paths and the
national ones are reached. The OpenAPI has no links between operations, so there is no stateful
phase; the authorisation matrix covers sequences that need a record to exist.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sanjin_shared.registry import SERVICES
from tests.conftest import token
from tests.support.services import ServiceProcess

EXAMPLES = int(os.environ.get("SANJIN_FUZZ_EXAMPLES", "5"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SKIP = {"/metrics", "/dashboard"}  # Prometheus text and an HTML page: nothing to generate
TOKENS = [
    {"Authorization": f"Bearer {token('province', '110000', sub='fuzz-province')}"},
    {"Authorization": f"Bearer {token('admin', sub='fuzz-admin')}"},
]


@pytest.fixture(scope="module")
def services(
    events_service: ServiceProcess,
    risk_service: ServiceProcess,
    inspection_service: ServiceProcess,
    survey_service: ServiceProcess,
    aggregator: ServiceProcess,
) -> dict[str, str]:
    running = [events_service, risk_service, inspection_service, survey_service, aggregator]
    urls = {s.name: s.url for s in running}
    assert set(urls) == {s.name for s in SERVICES}, "a service of the registry is not fuzzed"
    return urls


def fuzz(base_url: str, operation: Any, http: requests.Session, seen: Counter[str]) -> None:
    @given(case=operation.as_strategy(), which=st.integers(0, len(TOKENS) - 1))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case, which: int) -> None:
        response = case.call(base_url=base_url, session=http, headers=TOKENS[which], timeout=60)
        seen[str(response.status_code)] += 1
        case.validate_response(response, checks=CHECKS, headers=TOKENS[which])

    run()


def test_no_server_error_and_no_answer_outside_the_schema(services: dict[str, str]) -> None:
    seen: Counter[str] = Counter()
    operations = 0
    failures = []
    with requests.Session() as http:
        for _name, url in services.items():
            schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
            for result in schema.get_all_operations():
                operation = result.ok()
                if operation.path in SKIP:
                    continue
                operations += 1
                try:
                    fuzz(url, operation, http, seen)
                except (Exception, BaseExceptionGroup) as exc:  # report every failing operation
                    failures.append(f"{operation.method.upper()} {url}{operation.path}: {exc}")
    cases = sum(seen.values())
    print(
        f"\n[fuzz] {cases} cases over {operations} operations; statuses {dict(sorted(seen.items()))}"
    )
    assert not failures, f"{len(failures)} operations failed:\n" + "\n\n".join(failures)
    assert seen.get("500", 0) == 0 and operations >= 70
