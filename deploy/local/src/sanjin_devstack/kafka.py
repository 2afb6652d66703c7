"""Apache Kafka, one node in KRaft mode, from the jars of Maven Central (no Docker, no tarball).

The version is pinned in `deploy/local/kafka/pom.xml` and must equal the `apache/kafka` image tag
of the compose file. Maven copies the broker and its runtime dependencies into the cache once.

Plaintext by default. With `sasl_ssl=SaslSsl(users=...)` the client listener is SASL_SSL with
SCRAM-SHA-512, as the prod overlay's Strimzi listener: a CA and the broker's certificate are
generated at the first start (openssl), and the SCRAM credentials of the broker and of each
user are created when the storage is formatted (`node.credentials()`, `node.client_settings`).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


SCRAM = "SCRAM-SHA-512"
BROKER_USER = "broker"  # the broker's own SCRAM user, for its inter-broker connections


@dataclass(frozen=True)
class SaslSsl:
    """A SASL_SSL client listener with SCRAM-SHA-512 users (passwords generated at format)."""

    users: tuple[str, ...] = ()


@dataclass(frozen=True)
class KafkaNode:
    run_dir: Path
    port: int = 9092
    controller_port: int = 9093
    heap: str = "512m"
    name: str = "kafka"
    sasl_ssl: SaslSsl | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def home(self) -> Path:
        return self.run_dir / "kafka"

    @property
    def tls_dir(self) -> Path:
        return self.home / "tls"

    @property
    def ca_file(self) -> Path:
        return self.tls_dir / "ca.crt"

    @property
    def protocol(self) -> str:
        return "SASL_SSL" if self.sasl_ssl else "PLAINTEXT"

    def credentials(self) -> dict[str, str]:
        """The SCRAM users' passwords (the broker's own included), once the node has started."""
        return json.loads((self.home / "credentials.json").read_text())

    def client_settings(self, user: str | None = None) -> Any:
        """`KafkaClientSettings` for a client of this node: as `user` on a SASL_SSL node; with
        `user=None` on such a node, TLS without credentials (which the broker refuses)."""
        from sanjin_shared.settings import KafkaClientSettings

        if self.sasl_ssl is None:
            return KafkaClientSettings(
                kafka_bootstrap=self.bootstrap, kafka_security_protocol="PLAINTEXT"
            )
        if user is None:
            return KafkaClientSettings(
                kafka_bootstrap=self.bootstrap,
                kafka_security_protocol="SSL",
                kafka_ca_file=self.ca_file,
            )
        return KafkaClientSettings(
            kafka_bootstrap=self.bootstrap,
            kafka_security_protocol="SASL_SSL",
            kafka_sasl_mechanism=SCRAM,
            kafka_sasl_username=user,
            kafka_sasl_password=self.credentials()[user],
            kafka_ca_file=self.ca_file,
        )

    def client_env(self, user: str) -> dict[str, str]:
        """The `SANJIN_KAFKA_*` environment of a service connecting as `user`."""
        env = {"SANJIN_KAFKA_BOOTSTRAP": self.bootstrap}
        if self.sasl_ssl is not None:
            env |= {
                "SANJIN_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
                "SANJIN_KAFKA_SASL_MECHANISM": SCRAM,
                "SANJIN_KAFKA_SASL_USERNAME": user,
                "SANJIN_KAFKA_SASL_PASSWORD": self.credentials()[user],
                "SANJIN_KAFKA_CA_FILE": str(self.ca_file),
            }
        return env

    def _generate_tls(self) -> None:
        """A CA of this node and the broker's certificate for 127.0.0.1, signed by it (PEM)."""
        if (self.tls_dir / "broker.pem").exists():
            return
        self.tls_dir.mkdir(parents=True, exist_ok=True)
        d = self.tls_dir

        def openssl(*args: str) -> None:
            subprocess.run(["openssl", *args], check=True, capture_output=True)

        openssl(
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            str(d / "ca.key"),
        )
        openssl(
            "req", "-x509", "-new", "-key", str(d / "ca.key"), "-sha256", "-days", "30",
            "-subj", "/CN=sanjin devstack CA", "-out", str(self.ca_file),
        )  # fmt: skip
        openssl(
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            str(d / "broker.key"),
        )
        openssl(
            "req", "-new", "-key", str(d / "broker.key"), "-subj", "/CN=127.0.0.1",
            "-out", str(d / "broker.csr"),
        )  # fmt: skip
        (d / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
        openssl(
            "x509", "-req", "-in", str(d / "broker.csr"), "-CA", str(self.ca_file),
            "-CAkey", str(d / "ca.key"), "-CAcreateserial", "-days", "30", "-sha256",
            "-extfile", str(d / "san.ext"), "-out", str(d / "broker.crt"),
        )  # fmt: skip
        # Kafka's PEM keystore: the PKCS#8 key, then the certificate chain
        (d / "broker.pem").write_text(
            (d / "broker.key").read_text()
            + (d / "broker.crt").read_text()
            + self.ca_file.read_text()
        )
        for secret in ("ca.key", "broker.key", "broker.pem"):
            (d / secret).chmod(0o600)

    def _listener_lines(self) -> list[str]:
        client = f"{self.protocol}://127.0.0.1:{self.port}"
        lines = [
            f"listeners={client},CONTROLLER://127.0.0.1:{self.controller_port}",
            f"advertised.listeners={client}",
            "controller.listener.names=CONTROLLER",
            f"listener.security.protocol.map={self.protocol}:{self.protocol},CONTROLLER:PLAINTEXT",
            f"inter.broker.listener.name={self.protocol}",
        ]
        if self.sasl_ssl is None:
            return lines
        password = self.credentials()[BROKER_USER]
        tls = self.tls_dir
        return [
            *lines,
            f"sasl.enabled.mechanisms={SCRAM}",
            f"sasl.mechanism.inter.broker.protocol={SCRAM}",
            "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config="
            "org.apache.kafka.common.security.scram.ScramLoginModule required "
            f'username="{BROKER_USER}" password="{password}";',
            "ssl.keystore.type=PEM",
            f"ssl.keystore.location={tls / 'broker.pem'}",
            "ssl.truststore.type=PEM",
            f"ssl.truststore.location={self.ca_file}",
            "ssl.endpoint.identification.algorithm=https",
        ]

    def _write_config(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        if self.sasl_ssl is not None:
            self._generate_tls()
            creds = self.home / "credentials.json"
            if not creds.exists():
                users = (BROKER_USER, *self.sasl_ssl.users)
                creds.write_text(json.dumps({u: secrets.token_urlsafe(24) for u in users}))
                creds.chmod(0o600)
        props = self.home / "server.properties"
        props.write_text(
            "\n".join(
                [
                    "process.roles=broker,controller",
                    "node.id=1",
                    f"controller.quorum.voters=1@127.0.0.1:{self.controller_port}",
                    *self._listener_lines(),
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
            scram = []
            if self.sasl_ssl is not None:  # the users exist before the broker takes a request
                for user, password in self.credentials().items():
                    scram += ["--add-scram", f"{SCRAM}=[name={user},password={password}]"]
            subprocess.run(
                self._java(
                    libs,
                    "kafka.tools.StorageTool",
                    "format",
                    "-t",
                    uuid.uuid4().hex[:22],
                    "-c",
                    str(props),
                    *scram,
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
        if not procs.port_open(self.port):
            return False
        settings = self.client_settings(BROKER_USER if self.sasl_ssl else None)
        return asyncio.run(_metadata_ok(settings))

    def stop(self) -> None:
        procs.stop(self.name, run_dir=self.run_dir, timeout_s=30)

    def kill(self) -> None:
        procs.kill(self.name, run_dir=self.run_dir)

    def running(self) -> bool:
        return procs.pid_of(self.name, run_dir=self.run_dir) is not None


async def _metadata_ok(settings: Any) -> bool:
    from aiokafka import AIOKafkaClient

    from sanjin_shared.kafka import client_kwargs

    client = AIOKafkaClient(**client_kwargs(settings=settings), request_timeout_ms=3000)
    try:
        await asyncio.wait_for(client.bootstrap(), timeout=5)
        await asyncio.wait_for(client.fetch_all_metadata(), timeout=5)
        return True
    except Exception:
        return False
    finally:
        await client.close()
