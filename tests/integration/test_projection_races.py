"""Two consumers of the same group, on different partitions, applying at the same moment reports
of new activities held at the same new venue: both transactions read the venue as not stored, move
the same statistics cell and insert the venue. One of them conflicts (MongoDB's WriteConflict, a
TransientTransactionError) and runs again, reading the other's writes this time. The venue is
covered once and every activity counts once."""

from __future__ import annotations

import asyncio
import uuid

from aiokafka import TopicPartition
from pymongo import AsyncMongoClient

from sanjin_aggregator.adapters.readmodel import StatisticsStore
from sanjin_aggregator.service.statistics import statistics
from sanjin_shared.events.activities import ActivityReported
from tests.conftest import World
from tests.support.factories import activity_state, envelope
from tests.support.feed import TOPIC, Record, aggregator_consumer

ROUNDS, PER_BATCH = 6, 10


async def test_two_consumers_inserting_the_same_new_venue_count_it_once(world: World) -> None:
    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri, tz_aware=True)
    db_name = f"{world.name}_race_{uuid.uuid4().hex[:8]}"
    campaign = f"race-{uuid.uuid4().hex[:6]}"
    first, second = (aggregator_consumer(client, db_name, "statistics") for _ in range(2))
    try:
        for r in range(ROUNDS):
            venue = f"新社区{r}"
            batches = []
            for partition in (0, 1):
                records = [
                    Record(
                        r * PER_BATCH + i,
                        b"key",
                        envelope(
                            ActivityReported(
                                activity=activity_state(campaign, venue_name=venue, participants=7)
                            ),
                            version=2,
                        ).to_json(),
                        [],
                    )
                    for i in range(PER_BATCH)
                ]
                batches.append({TopicPartition(TOPIC, partition): records})
            await asyncio.gather(first.process(batches[0]), second.process(batches[1]))

        table = await statistics(StatisticsStore(client[db_name]), campaign)
        beijing = next(row for row in table.provinces if row.province == "110000")
        assert beijing.metrics["education_activities"] == ROUNDS * 2 * PER_BATCH
        assert beijing.metrics["participants"] == ROUNDS * 2 * PER_BATCH * 7
        assert beijing.metrics["venues_covered"] == ROUNDS
        assert first.applied + second.applied == ROUNDS * 2 * PER_BATCH
    finally:
        await client.drop_database(db_name)
        await client.close()
