"""`make up` / `make down` (sanjin-dev): everything comes up ready, and down leaves no process."""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from sanjin_devstack import procs
from sanjin_devstack.paths import REPO
from sanjin_shared.registry import SERVICES
from tests.support.infra import docker_available


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_offset() -> int:
    # below the ephemeral range (32768+), where clients' own ports would collide
    for _ in range(50):
        offset = random.randrange(10_000, 24_000, 10)
        if all(_bindable(s.port + offset) for s in SERVICES):
            return offset
    raise RuntimeError("no free port range")


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(
    bool(os.environ.get("SANJIN_MONGODB_URI")) or docker_available(),
    reason="exercises the local servers; with external ones or Docker the stack is not local",
)
def test_up_starts_everything_ready_and_down_leaves_no_process() -> None:
    name = f"devstack-test-{os.getpid()}"
    run_dir = REPO / ".run" / name
    offset = _free_offset()
    kafka_port, mongo_port, keycloak_port = procs.free_port(), procs.free_port(), procs.free_port()
    cli = [sys.executable, "-m", "sanjin_devstack.cli"]
    try:
        up = subprocess.run(
            [
                *cli,
                "up",
                "--run-dir",
                name,
                "--kafka-port",
                str(kafka_port),
                "--mongo-port",
                str(mongo_port),
                "--keycloak-port",
                str(keycloak_port),
                "--port-offset",
                str(offset),
            ],
            capture_output=True,
            text=True,
            timeout=420,
            check=False,
        )
        assert up.returncode == 0, up.stdout + up.stderr
        for service in SERVICES:
            port = service.port
            assert f"http://127.0.0.1:{port + offset}/docs" in up.stdout
            ready = httpx.get(f"http://127.0.0.1:{port + offset}/readyz", timeout=5)
            assert ready.status_code == 200, (service.name, ready.text)
            assert httpx.get(f"http://127.0.0.1:{port + offset}/docs", timeout=5).status_code == 200
        assert _processes_mentioning(str(run_dir)), (
            "kafka, SecantusDB and Keycloak run from the run directory"
        )
        started = {p.stem: int(p.read_text()) for p in (run_dir / "pids").glob("*.pid")}
        assert set(started) == {*(s.name for s in SERVICES), "kafka", "mongodb", "keycloak"}
        issuer = f"http://127.0.0.1:{keycloak_port}/realms/sanjin"
        identity = json.loads((run_dir / "identity.json").read_text())
        assert identity["issuer"] == issuer
        discovery = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=5)
        assert discovery.json()["issuer"] == issuer
    finally:
        down = subprocess.run(
            [*cli, "down", "--run-dir", name],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert down.returncode == 0, down.stdout + down.stderr
    assert _processes_mentioning(str(run_dir)) == []
    assert [name for name, pid in started.items() if procs.alive(pid)] == []
    for service in SERVICES:
        assert not procs.port_open(service.port + offset)
    assert not any(procs.port_open(p) for p in (kafka_port, mongo_port, keycloak_port))
    shutil.rmtree(run_dir, ignore_errors=True)
