"""The outbox relay's lease: one relay of a service publishes at a time; when its process dies,
another takes over once the lease expires."""

from __future__ import annotations

import asyncio
import uuid

from pymongo import AsyncMongoClient

from sanjin_shared.outbox import OutboxRelay
from tests.conftest import World


async def test_one_relay_holds_the_lease_and_another_takes_over_after_expiry(world: World) -> None:
    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri, tz_aware=True)
    db = client[f"{world.name}_lease_{uuid.uuid4().hex[:6]}"]
    try:
        first, second = (
            OutboxRelay(
                db, bootstrap=world.infra.kafka_bootstrap, topic_prefix="", service="t", lease_s=1.0
            )
            for _ in range(2)
        )
        assert await first._hold_lease()
        assert not await second._hold_lease()
        assert await first._hold_lease()  # renewing its own lease
        await asyncio.sleep(1.2)  # the first relay's process died: no renewal
        assert await second._hold_lease()
        assert not await first._hold_lease()
        await second._release()
        assert await first._hold_lease()
    finally:
        await client.drop_database(db.name)
        await client.close()


async def test_the_lease_is_renewed_at_most_every_tenth_of_its_length(world: World) -> None:
    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri, tz_aware=True)
    db = client[f"{world.name}_renew_{uuid.uuid4().hex[:6]}"]
    try:
        relay = OutboxRelay(
            db, bootstrap=world.infra.kafka_bootstrap, topic_prefix="", service="t", lease_s=2.0
        )

        async def expiry() -> object:
            return (await db["outbox_lease"].find_one({"_id": "relay"}))["expires_at"]

        assert await relay._lease_is_held()
        first = await expiry()
        assert await relay._lease_is_held()  # within 0.2 s: held, not written again
        assert await expiry() == first
        await asyncio.sleep(0.25)
        assert await relay._lease_is_held()  # past a tenth of the lease: renewed
        assert await expiry() > first
        await relay._release()
        assert await db["outbox_lease"].count_documents({}) == 0
        assert await relay._lease_is_held()  # after a release it is taken again, not assumed
        assert await db["outbox_lease"].count_documents({}) == 1
    finally:
        await client.drop_database(db.name)
        await client.close()
