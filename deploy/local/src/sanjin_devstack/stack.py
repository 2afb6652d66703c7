"""The whole local stack: infrastructure plus the five services, in one run directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from sanjin_devstack import procs
from sanjin_devstack.kafka import KafkaNode
from sanjin_devstack.keycloak import KeycloakServer
from sanjin_devstack.mongo import MongoServer
from sanjin_devstack.paths import REPO
from sanjin_shared.registry import SERVICES, service


def uvicorn_argv(factory: str, port: int, *extra: str) -> list[str]:
    """How every service process is started: uvicorn on an app factory, one process."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        factory,
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        # SIGTERM: stop accepting, finish in-flight requests within the grace period, then the
        # lifespan's shutdown flushes the relay and stops the consumer
        "--timeout-graceful-shutdown",
        os.environ.get("SANJIN_SHUTDOWN_GRACE_S", "10"),
        # an idle connection is kept longer than any client or proxy keeps it (httpx 5 s, load
        # balancers 60 s): with uvicorn's 5 s, the server could close a connection at the moment a
        # client reused it, and the request on it failed without an answer
        "--timeout-keep-alive",
        os.environ.get("SANJIN_KEEP_ALIVE_S", "75"),
        *extra,
    ]


@dataclass
class Infra:
    """Kafka, SecantusDB and Keycloak of one run directory."""

    run_dir: Path
    kafka_port: int = 9092
    controller_port: int = 9093
    mongo_port: int = 27017
    keycloak_port: int = 8180

    @property
    def kafka(self) -> KafkaNode:
        return KafkaNode(self.run_dir, port=self.kafka_port, controller_port=self.controller_port)

    @property
    def mongo(self) -> MongoServer:
        return MongoServer(self.run_dir, port=self.mongo_port)

    @property
    def keycloak(self) -> KeycloakServer:
        return KeycloakServer(self.run_dir, port=self.keycloak_port)

    def up(self) -> None:
        self.save()
        mongo, kafka, keycloak = self.mongo, self.kafka, self.keycloak
        keycloak.start()  # the slowest to start: first
        flavour = mongo.start()
        kafka.start()
        mongo.wait_ready()
        kafka.wait_ready()
        print(
            f"[devstack] SecantusDB ({flavour}) on {mongo.uri}; Kafka on {kafka.bootstrap}",
            flush=True,
        )
        keycloak.wait_ready()
        print(f"[devstack] Keycloak on {keycloak.url}, issuer {keycloak.issuer}", flush=True)

    def down(self) -> None:
        self.kafka.stop()
        self.mongo.stop()
        self.keycloak.stop()

    def save(self) -> None:
        (self.run_dir / "infra.json").write_text(
            json.dumps(
                {
                    "kafka_port": self.kafka_port,
                    "controller_port": self.controller_port,
                    "mongo_port": self.mongo_port,
                    "keycloak_port": self.keycloak_port,
                }
            )
        )

    @classmethod
    def load(cls, run_dir: Path) -> Infra:
        path = run_dir / "infra.json"
        data = json.loads(path.read_text()) if path.exists() else {}
        return cls(run_dir, **data)


@dataclass
class Stack:
    infra: Infra
    ports: dict[str, int] = field(default_factory=lambda: {s.name: s.port for s in SERVICES})
    env: dict[str, str] = field(default_factory=dict)

    @property
    def run_dir(self) -> Path:
        return self.infra.run_dir

    def service_env(self) -> dict[str, str]:
        return {
            "SANJIN_ENVIRONMENT": "development",
            "SANJIN_MONGODB_URI": self.infra.mongo.uri,
            "SANJIN_KAFKA_BOOTSTRAP": self.infra.kafka.bootstrap,
            # people and systems sign in through the local Keycloak; no shared secret
            "SANJIN_JWT_ISSUER": self.infra.keycloak.issuer,
            **self.env,
        }

    def provision_topics(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "sanjin_shared.cli", "topics"],
            env={**_os_env(), **self.service_env()},
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start_service(self, name: str) -> None:
        procs.spawn(
            name,
            uvicorn_argv(
                service(name).factory, self.ports[name], "--timeout-graceful-shutdown", "10"
            ),
            run_dir=self.run_dir,
            env=self.service_env(),
            cwd=REPO,
        )

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def wait_service(self, name: str, timeout_s: float = 60) -> None:
        def ready() -> bool:
            if procs.pid_of(name, run_dir=self.run_dir) is None:
                raise RuntimeError(f"{name} exited; see {self.run_dir / 'logs' / (name + '.log')}")
            return httpx.get(self.url(name) + "/readyz", timeout=2).status_code == 200

        procs.wait_for(ready, timeout_s=timeout_s, what=f"{name} /readyz")

    def up(self) -> None:
        self.infra.up()
        self.provision_topics()
        for s in SERVICES:
            self.start_service(s.name)
        for s in SERVICES:
            self.wait_service(s.name)

    def down(self) -> None:
        for s in SERVICES:
            procs.stop(s.name, run_dir=self.run_dir)
        self.infra.down()

    def pids(self) -> dict[str, int | None]:
        names = [*(s.name for s in SERVICES), "kafka", "mongodb", "keycloak"]
        return {n: procs.pid_of(n, run_dir=self.run_dir) for n in names}


def reap_stale_runs() -> list[str]:
    """Stop what was left by runs that died without cleaning up (a killed test or benchmark).

    Run directories named `<kind>-<pid>` belong to process <pid>; when it is gone, the servers
    recorded in the directory are stopped and the directory removed. `dev` is never touched.
    """
    import os
    import shutil

    reaped = []
    for directory in (REPO / ".run").glob("*-*"):
        owner = directory.name.rsplit("-", 1)[1]
        if not owner.isdigit() or int(owner) == os.getpid() or procs.alive(int(owner)):
            continue
        for pid_file in (directory / "pids").glob("*.pid"):
            procs.stop(pid_file.stem, run_dir=directory, timeout_s=10)
        shutil.rmtree(directory, ignore_errors=True)
        reaped.append(directory.name)
    return reaped


def _os_env() -> dict[str, str]:
    import os

    return dict(os.environ)
