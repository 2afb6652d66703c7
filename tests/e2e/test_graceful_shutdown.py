"""SIGTERM during a burst of writes: the process stops taking requests, finishes those in
flight, flushes its outbox and exits by itself within the grace period; no acknowledged write
is lost and, after a restart, no event is left unpublished."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from pymongo import AsyncMongoClient

from sanjin_shared.settings import ServiceSettings
from tests.conftest import World, auth
from tests.support.factories import activity_body
from tests.support.kafka import envelopes_on, kafka_reachable
from tests.support.polling import eventually
from tests.support.services import ServiceProcess

BURST = 300


async def test_sigterm_during_a_burst_loses_no_acknowledged_write(
    world: World, campaign: str
) -> None:
    service = world.service("events", instance="-graceful").start().wait_ready()
    headers = auth("province", "110000")
    acked: list[str] = []
    refused = 0
    limits = httpx.Limits(max_connections=40, max_keepalive_connections=40)
    try:
        async with httpx.AsyncClient(timeout=30, limits=limits) as http:

            async def post(i: int) -> None:
                nonlocal refused
                body = activity_body(campaign, title=f"活动{i}", external_id=f"G-{i}")
                try:
                    r = await http.post(f"{service.url}/v1/activities", json=body, headers=headers)
                except httpx.TransportError:
                    refused += 1  # not acknowledged: the provincial system would retry it
                    return
                if r.status_code == 201:
                    acked.append(r.json()["id"])

            burst = [asyncio.create_task(post(i)) for i in range(BURST)]
            await eventually(
                lambda: asyncio.sleep(0, result=len(acked)),
                until=lambda n: n >= 40,
                interval_s=0.01,
                what="the burst under way",
            )
            started = time.monotonic()
            await asyncio.to_thread(service.stop)  # SIGTERM; SIGKILL only after 20 s
            stopped_in = time.monotonic() - started
            await asyncio.gather(*burst)
        assert stopped_in < 15, f"took {stopped_in:.1f} s: it did not exit by itself"
        assert 40 <= len(acked) < BURST and refused > 0, (len(acked), refused)

        client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri)
        try:
            db = client[f"{world.name}_events"]
            stored = {
                d["_id"]
                for d in await db["activities"].find({"campaign": campaign}, {"_id": 1}).to_list()
            }
            assert set(acked) <= stored  # every acknowledged write is there
            pending = await db["outbox"].count_documents(
                {"pending": True, "key": {"$in": list(stored)}}
            )
            assert pending == 0  # flushed before the process exited
        finally:
            await client.close()
        assert "Waiting for application shutdown" in service.log_path.read_text(errors="replace")

        # after a restart nothing is left to publish, and Kafka has every stored activity's event
        service.start().wait_ready()
        topic = f"{world.topic_prefix}sanjin.activities"

        async def published() -> set[str]:
            ids = set()
            for env in await envelopes_on(world.infra.kafka_bootstrap, topic):
                if (
                    env["type"] == "ActivityScheduled"
                    and env["payload"]["activity"]["campaign"] == campaign
                ):
                    ids.add(env["aggregate_id"])
            return ids

        await eventually(published, until=lambda ids: ids == stored, what="every event on Kafka")
    finally:
        service.stop()


async def test_sigterm_with_the_broker_gone_still_exits_within_the_grace_period(
    world: World, campaign: str
) -> None:
    """A SIGTERMed process does not wait on a broker that is gone: it exits within its shutdown
    budget, and what it could not publish stays in the outbox until a restarted process
    publishes it. (Readiness does not follow the broker: its state is a metric.)"""
    node = world.infra.kafka_node
    if node is None:
        pytest.skip("killing the broker needs the local Kafka the tests start themselves")
    grace = 4.0
    env = world.env("events") | {"SANJIN_SHUTDOWN_GRACE_S": str(grace)}
    service = ServiceProcess("events", env, world.run_dir, instance="-broker-gone")
    service.start().wait_ready()
    headers = auth("province", "110000")
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            node.kill()
            await eventually(
                lambda: http.get(f"{service.url}/metrics"),
                until=lambda r: kafka_reachable(r.text, "events") == 0,
                what="the broker's absence in the metrics",
            )
            assert (await http.get(f"{service.url}/readyz")).status_code == 200
            ids = []
            for i in range(5):
                body = activity_body(campaign, title=f"活动{i}")
                r = await http.post(f"{service.url}/v1/activities", json=body, headers=headers)
                assert r.status_code == 201, r.text  # the outbox is the buffer
                ids.append(r.json()["id"])
            started = time.monotonic()
            await asyncio.to_thread(service.stop)  # SIGTERM; SIGKILL only after 20 s
            stopped_in = time.monotonic() - started
        budget = ServiceSettings(shutdown_grace_s=grace, environment="test").shutdown_budget_s
        assert stopped_in < budget, f"took {stopped_in:.1f} s with the broker gone"
        assert not service.running()

        client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri)
        try:
            outbox = client[env["SANJIN_MONGODB_DATABASE"]]["outbox"]
            assert await outbox.count_documents({"pending": True, "key": {"$in": ids}}) == 5
            await asyncio.to_thread(node.start)
            await asyncio.to_thread(node.wait_ready)
            service.start().wait_ready()  # ready again: the broker is back
            await eventually(
                lambda: outbox.count_documents({"pending": True, "key": {"$in": ids}}),
                until=lambda n: n == 0,
                what="the backlog published after the restart",
            )
        finally:
            await client.close()
    finally:
        service.stop()
        if not node.running():
            node.start()
            node.wait_ready()
