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
