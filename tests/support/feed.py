"""Kafka partitions as lists, fed straight into the real consumer runner (no broker needed), so
property tests can run many examples against the real projections and MongoDB."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import TopicPartition
from pymongo import AsyncMongoClient

from sanjin_aggregator.adapters.readmodel import StatisticsStore
from sanjin_aggregator.adapters.register import RegisterStore
from sanjin_aggregator.service.projector import projections
from sanjin_shared.consumer import IdempotentConsumer
from sanjin_shared.events.envelope import EventEnvelope

TOPIC = "sanjin.activities"


@dataclass
class Record:
    offset: int
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


class FakeFeed:
    """Partitions of one topic as lists of records; offsets grow like Kafka's."""

    def __init__(self, partitions: int = 3) -> None:
        self.logs: dict[int, list[Record]] = {p: [] for p in range(partitions)}

    def append(self, env: EventEnvelope) -> None:
        p = hash(env.aggregate_id) % len(self.logs)
        log = self.logs[p]
        log.append(Record(len(log), env.aggregate_id.encode(), env.to_json(), env.kafka_headers()))

    def published_again(self, envelopes: Sequence[EventEnvelope]) -> FakeFeed:
        """The events published once more after this feed: the same partitions, later offsets."""
        later = FakeFeed(len(self.logs))
        for env in envelopes:
            later.append(env)
        later.logs = {
            p: [Record(len(self.logs[p]) + r.offset, r.key, r.value, r.headers) for r in log]
            for p, log in later.logs.items()
        }
        return later


def aggregator_consumer(client: AsyncMongoClient, db_name: str, group: str) -> IdempotentConsumer:
    """The aggregator's real consumer runner and projections on `db_name`, fed by hand (no broker)."""
    db = client[db_name]
    return IdempotentConsumer(
        client=client,
        db=db,
        bootstrap="unused:9092",
        topics=[TOPIC],
        group_id=group,
        service="aggregator-test",
        projection=projections(StatisticsStore(db)),
    )


async def consume(
    client: AsyncMongoClient, db_name: str, group: str, feed: FakeFeed, cuts: list[int]
) -> tuple[StatisticsStore, RegisterStore]:
    """Run the aggregator's real projections over the feed; returns its read models."""
    runner = aggregator_consumer(client, db_name, group)
    # deliver each partition's log in batches cut at the given sizes, partitions interleaved
    positions = {p: 0 for p in feed.logs}
    i = 0
    while any(positions[p] < len(log) for p, log in feed.logs.items()):
        size = cuts[i % len(cuts)]
        i += 1
        batch = {}
        for p, log in feed.logs.items():
            chunk = log[positions[p] : positions[p] + size]
            if chunk:
                batch[TopicPartition(TOPIC, p)] = chunk
                positions[p] += len(chunk)
        await runner.process(batch)
    store = StatisticsStore(client[db_name])
    return store, store.register
