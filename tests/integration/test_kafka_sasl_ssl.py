"""The local broker with the prod overlay's kind of listener, SASL_SSL with SCRAM-SHA-512 and a
CA generated at start: the services publish (events, through its outbox relay) and consume (the
aggregator) with their credentials, and a client without them, or with a wrong password, is
refused."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaClient
from pydantic import SecretStr

from sanjin_devstack import procs
from sanjin_devstack.kafka import KafkaNode, SaslSsl
from sanjin_shared.kafka import client_kwargs
from sanjin_shared.provisioning import provision_topics
from sanjin_shared.settings import KafkaClientSettings
from tests.conftest import World, auth
from tests.support.campaigns import define_campaign
from tests.support.factories import activity_body, report_body
from tests.support.polling import eventually
from tests.support.services import ServiceProcess


@pytest.fixture(scope="module")
def secure_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaNode]:
    node = KafkaNode(
        tmp_path_factory.mktemp("kafka-sasl"),
        port=procs.free_port(),
        controller_port=procs.free_port(),
        heap="384m",
        name="kafka-sasl",
        sasl_ssl=SaslSsl(users=("events", "aggregator", "admin")),
    )
    node.start()
    try:
        node.wait_ready(timeout_s=180)
        yield node
    finally:
        node.stop()


async def _connects(settings: KafkaClientSettings) -> bool:
    client = AIOKafkaClient(**client_kwargs(settings=settings), request_timeout_ms=5000)
    try:
        await asyncio.wait_for(client.bootstrap(), timeout=15)
        await asyncio.wait_for(client.fetch_all_metadata(), timeout=15)
        return True
    except Exception:
        return False
    finally:
        await client.close()


async def test_clients_without_credentials_are_refused(secure_node: KafkaNode) -> None:
    assert await _connects(secure_node.client_settings("admin"))
    # TLS but no SASL; plaintext; and a wrong password
    assert not await _connects(secure_node.client_settings(None))
    assert not await _connects(
        KafkaClientSettings(
            kafka_bootstrap=secure_node.bootstrap, kafka_security_protocol="PLAINTEXT"
        )
    )
    wrong = secure_node.client_settings("events").model_copy(
        update={"kafka_sasl_password": SecretStr("not-the-password")}
    )
    assert not await _connects(wrong)
    assert secure_node.ca_file.read_text().startswith("-----BEGIN CERTIFICATE-----")


async def test_services_publish_and_consume_with_their_credentials(
    secure_node: KafkaNode, world: World, tmp_path: Path
) -> None:
    campaign = f"2019-{uuid.uuid4().hex[:10]}"
    prefix = f"{world.topic_prefix}sasl."
    await provision_topics(
        secure_node.bootstrap, prefix=prefix, settings=secure_node.client_settings("admin")
    )

    def service(name: str) -> ServiceProcess:
        env = world.env(name) | secure_node.client_env(name)
        env |= {
            "SANJIN_TOPIC_PREFIX": prefix,
            "SANJIN_MONGODB_DATABASE": f"{world.name}_sasl_{name}",
        }
        return ServiceProcess(name, env, world.run_dir, instance="-sasl")

    events, aggregator = service("events"), service("aggregator")
    events.start()
    aggregator.start()
    try:
        events.wait_ready()
        aggregator.wait_ready()
        async with httpx.AsyncClient(timeout=30) as http:
            # defined through the aggregator: published by its relay as `aggregator`, read by
            # the events service's campaign reader as `events`
            await define_campaign(
                http,
                aggregator=aggregator.url,
                intake=[events.url],
                headers=auth("admin"),
                name=campaign,
            )
            headers = auth("province", "510000")
            body = activity_body(campaign, venue_name="锦江社区", city="成都市", county="锦江区")
            created = await http.post(f"{events.url}/v1/activities", json=body, headers=headers)
            assert created.status_code == 201, created.text
            reported = await http.post(
                f"{events.url}/v1/activities/{created.json()['id']}/report",
                json=report_body(participants=37),
                headers=headers,
            )
            assert reported.status_code == 200, reported.text

            async def totals() -> dict:
                r = await http.get(
                    f"{aggregator.url}/v1/campaigns/{campaign}/statistics", headers=auth("hq")
                )
                r.raise_for_status()
                return r.json()["totals"]

            # published by the relay as `events`, consumed by the aggregator as `aggregator`
            after = await eventually(
                totals, until=lambda t: t["participants"] == 37, timeout_s=120, what="the totals"
            )
            assert after["education_activities"] == 1
            metrics = await http.get(f"{events.url}/metrics")
            assert 'sanjin_kafka_reachable{service="events"} 1.0' in metrics.text
    finally:
        events.stop()
        aggregator.stop()
