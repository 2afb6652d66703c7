"""The Kafka and MongoDB servers the tests talk to, chosen in this order:

1. external servers: `SANJIN_MONGODB_URI` / `SANJIN_KAFKA_BOOTSTRAP` (each on its own);
2. testcontainers (`apache/kafka` in KRaft mode, `mongo` as a single-node replica set) when a
   Docker engine answers;
3. otherwise the local servers of deploy/local (Kafka from Maven Central's jars, SecantusDB),
   started on free ports in a run directory of their own and stopped at the end.

Only the local servers can be stopped and started by a test (the broker-outage test); with the
other two that test is skipped and says why.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sanjin_devstack import procs
from sanjin_devstack.kafka import KafkaNode, kafka_version
from sanjin_devstack.mongo import MongoServer
from sanjin_devstack.paths import REPO
from sanjin_devstack.stack import reap_stale_runs

MONGO_IMAGE = "mongo:8.0"


@dataclass
class Servers:
    mongodb_uri: str
    kafka_bootstrap: str
    source: str
    kafka_node: KafkaNode | None = None  # set when the tests own a local broker
    mongo_server: MongoServer | None = None


def docker_available() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return (
            subprocess.run(
                ["docker", "info"], capture_output=True, timeout=10, check=False
            ).returncode
            == 0
        )
    except (subprocess.TimeoutExpired, OSError):
        return False


@contextlib.contextmanager
def _local_kafka(run_dir: Path) -> Iterator[KafkaNode]:
    node = KafkaNode(
        run_dir, port=procs.free_port(), controller_port=procs.free_port(), heap="384m"
    )
    node.start()
    try:
        node.wait_ready()
        yield node
    finally:
        node.stop()


@contextlib.contextmanager
def _local_mongo(run_dir: Path) -> Iterator[MongoServer]:
    server = MongoServer(run_dir, port=procs.free_port())
    server.start()
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def _container_kafka() -> Iterator[str]:
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.wait_strategies import LogMessageWaitStrategy

    port = procs.free_port()
    container = (
        DockerContainer(f"apache/kafka:{kafka_version()}")
        .with_bind_ports(port, port)
        .with_env("KAFKA_NODE_ID", "1")
        .with_env("KAFKA_PROCESS_ROLES", "broker,controller")
        .with_env("KAFKA_LISTENERS", f"PLAINTEXT://:{port},CONTROLLER://:9093")
        .with_env("KAFKA_ADVERTISED_LISTENERS", f"PLAINTEXT://localhost:{port}")
        .with_env("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
        .with_env(
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
        )
        .with_env("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093")
        .with_env("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
        .with_env("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
        .with_env("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
        .with_env("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
        .with_env("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
        .waiting_for(LogMessageWaitStrategy("Kafka Server started").with_startup_timeout(120))
    )
    with container:
        yield f"localhost:{port}"


@contextlib.contextmanager
def _container_mongo() -> Iterator[str]:
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.wait_strategies import LogMessageWaitStrategy

    port = procs.free_port()
    container = (
        DockerContainer(MONGO_IMAGE)
        .with_bind_ports(port, port)
        .with_command(f"mongod --replSet rs0 --bind_ip_all --port {port}")
        .waiting_for(LogMessageWaitStrategy("Waiting for connections").with_startup_timeout(120))
    )
    with container:
        initiate = f"rs.initiate({{_id: 'rs0', members: [{{_id: 0, host: 'localhost:{port}'}}]}})"
        result = container.exec(["mongosh", "--quiet", "--port", str(port), "--eval", initiate])
        if result.exit_code != 0:
            raise RuntimeError(f"rs.initiate failed: {result.output!r}")
        time.sleep(1)
        yield f"mongodb://localhost:{port}/?replicaSet=rs0"


@contextlib.contextmanager
def servers() -> Iterator[Servers]:
    env_mongo = os.environ.get("SANJIN_MONGODB_URI")
    env_kafka = os.environ.get("SANJIN_KAFKA_BOOTSTRAP")
    reap_stale_runs()
    use_docker = not (env_mongo and env_kafka) and docker_available()
    run_dir = REPO / ".run" / f"test-{os.getpid()}"
    with contextlib.ExitStack() as stack:
        kafka_node = mongo_server = None
        if env_mongo:
            mongo_uri, mongo_source = env_mongo, "env"
        elif use_docker:
            mongo_uri, mongo_source = stack.enter_context(_container_mongo()), "testcontainers"
        else:
            mongo_server = stack.enter_context(_local_mongo(run_dir))
            mongo_uri, mongo_source = mongo_server.uri, "local"
        if env_kafka:
            bootstrap, kafka_source = env_kafka, "env"
        elif use_docker:
            bootstrap, kafka_source = stack.enter_context(_container_kafka()), "testcontainers"
        else:
            kafka_node = stack.enter_context(_local_kafka(run_dir))
            bootstrap, kafka_source = kafka_node.bootstrap, "local"
        try:
            yield Servers(
                mongodb_uri=mongo_uri,
                kafka_bootstrap=bootstrap,
                source=f"mongodb={mongo_source}, kafka={kafka_source}",
                kafka_node=kafka_node,
                mongo_server=mongo_server,
            )
        finally:
            stack.close()
            if run_dir.exists():
                shutil.rmtree(run_dir, ignore_errors=True)
