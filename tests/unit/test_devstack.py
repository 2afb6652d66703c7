"""The local stack's pinned versions are read correctly."""

from __future__ import annotations

import re

from sanjin_devstack.kafka import kafka_version
from sanjin_devstack.mongo import PYPI_VERSION, RUST_VERSION


def test_the_kafka_version_comes_from_the_pom() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", kafka_version())
    assert kafka_version() == "4.1.1"


def test_secantus_versions_are_pinned() -> None:
    assert RUST_VERSION and PYPI_VERSION


def test_servers_of_a_dead_run_are_stopped_and_its_directory_removed() -> None:
    import subprocess
    import sys

    from sanjin_devstack import procs
    from sanjin_devstack.paths import REPO
    from sanjin_devstack.stack import reap_stale_runs

    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_owner = int(finished.stdout)
    assert not procs.alive(dead_owner)
    run_dir = REPO / ".run" / f"unit-{dead_owner}"
    pid = procs.spawn(
        "sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], run_dir=run_dir
    )
    assert procs.alive(pid)
    assert f"unit-{dead_owner}" in reap_stale_runs()
    assert not procs.alive(pid)
    assert not run_dir.exists()


def test_keycloak_is_pinned_in_its_pom() -> None:
    from sanjin_devstack.keycloak import keycloak_version

    assert keycloak_version() == "26.4.7"


def test_the_realm_has_an_officer_and_a_system_client_per_unit_with_their_claims() -> None:
    from sanjin_devstack.keycloak import generate_identity, render_realm
    from sanjin_shared.auth import Role
    from sanjin_shared.reference import PROVINCES

    identity = generate_identity("http://127.0.0.1:8180/realms/sanjin")
    again = generate_identity("http://127.0.0.1:8180/realms/sanjin")
    assert set(identity["users"].values()).isdisjoint(again["users"].values())
    realm = render_realm(identity)
    assert [r["name"] for r in realm["roles"]["realm"]] == [r.value for r in Role]
    people = {u["username"]: u for u in realm["users"] if "serviceAccountClientId" not in u}
    assert len(people) == len(PROVINCES) + 3
    assert people["prov-650000"]["attributes"] == {"role": ["province"], "province": ["650000"]}
    assert people["viewer"]["attributes"] == {"role": ["viewer"]}
    assert people["hq"]["credentials"][0]["value"] == identity["users"]["hq"]
    clients = {c["clientId"]: c for c in realm["clients"]}
    assert set(clients) == {"sanjin-web", *identity["clients"]}
    claims = {
        m["config"]["claim.name"]: m["config"]["claim.value"]
        for m in clients["system-660000"]["protocolMappers"]
    }
    assert claims == {"role": "province", "province": "660000"}
    assert clients["system-660000"]["secret"] == identity["clients"]["system-660000"]
    assert not clients["system-hq"]["standardFlowEnabled"]
    assert "sanjin" in clients["system-hq"]["defaultClientScopes"]
