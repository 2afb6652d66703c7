"""Fixtures shared by the suites. `unit` tests use none of the servers; the others share one
Kafka and one MongoDB per test session (see support/infra.py for how they are chosen)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from sanjin_shared.auth import Role, mint_token
from sanjin_shared.provisioning import provision_topics
from tests.support.campaigns import TEST_WINDOW, CampaignTopic
from tests.support.infra import Servers, servers
from tests.support.personal import leaks_in
from tests.support.services import ServiceProcess

pytest_plugins = [
    "tests.support.identity",  # the `keycloak` fixture
    "tests.support.web",  # the `web_stack` fixture and the browser
]

TEST_SECRET = "sanjin-test-secret-0123456789abcdef-0123456789"
RUN_ID = uuid.uuid4().hex[:8]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for kind in ("unit", "integration", "e2e"):
            if f"/tests/{kind}/" in str(item.fspath):
                item.add_marker(getattr(pytest.mark, kind))


@pytest.fixture(scope="session")
def infra() -> Iterator[Servers]:
    with servers() as found:
        print(f"\n[tests] servers: {found.source}")
        yield found


@pytest.fixture(scope="session")
def topic_prefix(infra: Servers) -> str:
    prefix = f"t{RUN_ID}."
    asyncio.run(provision_topics(infra.kafka_bootstrap, prefix=prefix))
    return prefix


@dataclass
class World:
    """One isolated platform: its own databases and topic prefix on the shared servers."""

    infra: Servers
    topic_prefix: str
    name: str
    run_dir: Path

    def env(self, service: str) -> dict[str, str]:
        return {
            "SANJIN_ENVIRONMENT": "test",
            "SANJIN_MONGODB_URI": self.infra.mongodb_uri,
            "SANJIN_MONGODB_DATABASE": f"{self.name}_{service}",
            "SANJIN_KAFKA_BOOTSTRAP": self.infra.kafka_bootstrap,
            "SANJIN_TOPIC_PREFIX": self.topic_prefix,
            "SANJIN_JWT_SECRET": TEST_SECRET,
            "SANJIN_OUTBOX_POLL_INTERVAL_S": "0.2",
            "SANJIN_LOG_LEVEL": "INFO",
            "SANJIN_DEADLINE_CHECK_INTERVAL_S": "0.5",
            "SANJIN_GENERATION_CHECK_INTERVAL_S": "0.5",
            # counted as in production, but high enough for the tests' bursts with one token
            "SANJIN_RATE_LIMIT_PER_WINDOW": "10000000",
        }

    def service(self, name: str, *, instance: str = "") -> ServiceProcess:
        return ServiceProcess(name, self.env(name), self.run_dir, instance=instance)


@pytest.fixture(scope="session")
def world(
    infra: Servers, topic_prefix: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    world = World(infra, topic_prefix, f"t{RUN_ID}", tmp_path_factory.mktemp("services"))
    yield world
    # the services have stopped (their fixtures end first): no log line may carry personal data
    leaks = leaks_in(world.run_dir / "logs")
    assert not leaks, "personal data in the logs:\n" + "\n".join(leaks[:20])


@pytest.fixture(scope="session")
def events_service(world: World) -> Iterator[ServiceProcess]:
    service = world.service("events").start().wait_ready()
    yield service
    service.stop()


@pytest.fixture(scope="session")
def aggregator(world: World) -> Iterator[ServiceProcess]:
    service = world.service("aggregator").start().wait_ready()
    yield service
    service.stop()


def token(
    role: Role | str, province: str | None = None, *, sub: str | None = None, **kwargs: object
) -> str:
    return mint_token(
        TEST_SECRET,
        sub=sub or f"test-{role}-{province or 'national'}",
        role=role,
        province=province,
        **kwargs,  # type: ignore[arg-type]
    )


def auth(role: Role | str, province: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, province)}"}


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
async def campaign_topic(infra: Servers, topic_prefix: str) -> AsyncIterator[CampaignTopic]:
    topic = CampaignTopic(infra.kafka_bootstrap, topic_prefix)
    yield topic
    await topic.close()


@pytest.fixture
async def campaign(campaign_topic: CampaignTopic) -> str:
    """A campaign of its own per test, so statistics of different tests never mix. It covers
    the year 2019 and is defined on the campaigns topic, as the aggregator would define it."""
    name = f"2019-{uuid.uuid4().hex[:10]}"
    await campaign_topic.define(name, *TEST_WINDOW)
    return name


os.environ.setdefault("SANJIN_ENVIRONMENT", "test")


@pytest.fixture(scope="session")
def risk_service(world: World) -> Iterator[ServiceProcess]:
    service = world.service("risk_monitoring").start().wait_ready()
    yield service
    service.stop()


@pytest.fixture(scope="session")
def inspection_service(world: World) -> Iterator[ServiceProcess]:
    service = world.service("inspection").start().wait_ready()
    yield service
    service.stop()


@pytest.fixture(scope="session")
def survey_service(world: World) -> Iterator[ServiceProcess]:
    service = world.service("survey").start().wait_ready()
    yield service
    service.stop()
