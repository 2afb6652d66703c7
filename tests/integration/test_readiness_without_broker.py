"""With Kafka stopped, an intake service stays ready and writes are answered 201: readiness
reports what a request needs (MongoDB), the broker's state is the metric
`sanjin_kafka_reachable`, and the events wait in the outbox."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from pymongo import AsyncMongoClient

from sanjin_devstack import procs
from sanjin_shared.campaigns import KNOWN, CampaignReader
from tests.conftest import World, auth
from tests.support.factories import activity_body
from tests.support.kafka import kafka_reachable
from tests.support.polling import eventually
from tests.support.services import ServiceProcess


async def test_an_intake_service_stays_ready_and_answers_201_with_kafka_stopped(
    world: World, campaign: str
) -> None:
    # an earlier process of the service read the campaigns topic and kept them in the service's
    # database, so a process that never reaches the broker knows the test's campaign too
    database = f"{world.name}_events_nobroker_{uuid.uuid4().hex[:6]}"
    kept: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri)
    earlier = CampaignReader(
        bootstrap=world.infra.kafka_bootstrap,
        topic_prefix=world.topic_prefix,
        known=kept[database][KNOWN],
    )
    reading = asyncio.create_task(earlier.run())
    assert await earlier.catch_up(30)
    await earlier.stop()
    await reading
    # a broker address where nothing listens: Kafka is stopped for this service from its start
    env = world.env("events") | {
        "SANJIN_KAFKA_BOOTSTRAP": f"127.0.0.1:{procs.free_port()}",
        "SANJIN_MONGODB_DATABASE": database,
    }
    service = ServiceProcess("events", env, world.run_dir, instance="-no-broker")
    service.start().wait_ready()  # ready without ever having seen a broker
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            headers = auth("province", "320000")
            ids = []
            for i in range(3):
                body = activity_body(campaign, title=f"无代理活动{i}")
                created = await http.post(
                    f"{service.url}/v1/activities", json=body, headers=headers
                )
                assert created.status_code == 201, created.text
                ids.append(created.json()["id"])
            ready = await http.get(f"{service.url}/readyz")
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"] == {"mongodb": True}
            metrics = await eventually(
                lambda: http.get(f"{service.url}/metrics"),
                until=lambda r: kafka_reachable(r.text, "events") is not None,
                what="the broker's state in the metrics",
            )
            assert kafka_reachable(metrics.text, "events") == 0
        client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri)
        try:
            outbox = client[env["SANJIN_MONGODB_DATABASE"]]["outbox"]
            assert await outbox.count_documents({"pending": True, "key": {"$in": ids}}) == 3
        finally:
            await client.close()
    finally:
        service.stop()
        await kept.drop_database(database)
        await kept.close()
