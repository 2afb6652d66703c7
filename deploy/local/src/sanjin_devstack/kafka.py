"""Apache Kafka, one node in KRaft mode, from the jars of Maven Central (no Docker, no tarball).

The version is pinned in `deploy/local/kafka/pom.xml` and must equal the `apache/kafka` image tag
of the compose file. Maven copies the broker and its runtime dependencies into the cache once.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from sanjin_devstack import procs
from sanjin_devstack.paths import REPO, cache_dir, pom_property

POM = REPO / "deploy" / "local" / "kafka" / "pom.xml"


def kafka_version() -> str:
    return pom_property(POM, "kafka.version")


def install() -> Path:
    """The directory of the broker's jars, downloaded with Maven if not cached yet."""
    libs = cache_dir() / "kafka" / kafka_version() / "libs"
    if (libs / ".complete").exists():
        return libs
    if shutil.which("mvn") is None or shutil.which("java") is None:
        raise RuntimeError("Kafka needs Java 17+ and Maven (mvn) on PATH")
    staging = Path(tempfile.mkdtemp(prefix="kafka-libs-", dir=cache_dir()))
    print(
        f"[devstack] downloading Apache Kafka {kafka_version()} from Maven Central ...", flush=True
    )
    subprocess.run(
        [
            "mvn",
            "-q",
            "-B",
            "-f",
            str(POM),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={staging}",
            "-DincludeScope=runtime",
        ],
        check=True,
    )
    (staging / ".complete").write_text(kafka_version())
    libs.parent.mkdir(parents=True, exist_ok=True)
    if libs.exists():
        shutil.rmtree(libs)
    staging.rename(libs)
    return libs


@dataclass(frozen=True)
class KafkaNode:
    run_dir: Path
    port: int = 9092
    controller_port: int = 9093
    heap: str = "512m"
    name: str = "kafka"

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def home(self) -> Path:
        return self.run_dir / "kafka"

    def _write_config(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        props = self.home / "server.properties"
        props.write_text(
            "\n".join(
                [
                    "process.roles=broker,controller",
                    "node.id=1",
                    f"controller.quorum.voters=1@127.0.0.1:{self.controller_port}",
                    f"listeners=PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
                    f"advertised.listeners=PLAINTEXT://127.0.0.1:{self.port}",
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "inter.broker.listener.name=PLAINTEXT",
                    f"log.dirs={self.home / 'data'}",
                    # topics come from the project's provisioning, never from a typo
                    "auto.create.topics.enable=false",
                    "num.partitions=1",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=10",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "log.retention.check.interval.ms=300000",
                    "",
                ]
            )
        )
        (self.home / "log4j2.yaml").write_text(
            "Configuration:\n"
            "  Appenders:\n"
            "    Console:\n"
            "      name: STDOUT\n"
            "      PatternLayout:\n"
            '        pattern: "[%d] %p %m (%c)%n"\n'
            "  Loggers:\n"
            "    Root:\n"
            "      level: INFO\n"
            "      AppenderRef:\n"
            "        - ref: STDOUT\n"
            "    Logger:\n"
            "      - name: kafka.request.logger\n"
            "        level: WARN\n"
            "      - name: org.apache.kafka.controller\n"
            "        level: WARN\n"
        )
        return props

    def _java(self, libs: Path, main: str, *args: str, heap: str = "256m") -> list[str]:
        java = os.environ.get("JAVA_HOME")
        exe = str(Path(java) / "bin" / "java") if java else "java"
        return [
            exe,
            f"-Xms{heap}",
            f"-Xmx{heap}",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.home / 'log4j2.yaml'}",
            "-cp",
            f"{libs}/*",
            main,
            *args,
        ]

    def start(self) -> None:
        libs = install()
        props = self._write_config()
        if not (self.home / "data" / "meta.properties").exists():
            subprocess.run(
                self._java(
                    libs,
                    "kafka.tools.StorageTool",
                    "format",
                    "-t",
                    uuid.uuid4().hex[:22],
                    "-c",
                    str(props),
                ),
                check=True,
                stdout=subprocess.DEVNULL,
            )
        procs.spawn(
            self.name,
            self._java(libs, "kafka.Kafka", str(props), heap=self.heap),
            run_dir=self.run_dir,
        )

    def wait_ready(self, timeout_s: float = 90) -> None:
        procs.wait_for(self.ready, timeout_s=timeout_s, what=f"kafka on {self.bootstrap}")

    def ready(self) -> bool:
        if procs.pid_of(self.name, run_dir=self.run_dir) is None:
            raise RuntimeError(f"kafka exited; see {self.run_dir / 'logs' / 'kafka.log'}")
        return procs.port_open(self.port) and asyncio.run(_metadata_ok(self.bootstrap))

    def stop(self) -> None:
        procs.stop(self.name, run_dir=self.run_dir, timeout_s=30)

    def kill(self) -> None:
        procs.kill(self.name, run_dir=self.run_dir)

    def running(self) -> bool:
        return procs.pid_of(self.name, run_dir=self.run_dir) is not None


async def _metadata_ok(bootstrap: str) -> bool:
    from aiokafka import AIOKafkaClient

    client = AIOKafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
    try:
        await asyncio.wait_for(client.bootstrap(), timeout=5)
        await asyncio.wait_for(client.fetch_all_metadata(), timeout=5)
        return True
    except Exception:
        return False
    finally:
        await client.close()
