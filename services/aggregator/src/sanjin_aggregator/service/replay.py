"""Replay: rebuild every read model from the beginning of the topics into a new generation,
beside the live one, then switch the aggregator over to it, without stopping the API.

1. A new generation: collections under a fresh prefix, its own consumer group, offsets and
   processed event ids (so nothing the live consumer did counts).
2. The target: the end offset of every partition of the consumed topics, read at the start.
3. A consumer with the same projections applies everything up to the target; the progress line
   shows events done, the rate and the time left.
4. The pointer moves to the new generation. Each aggregator process stops its consumer and
   starts one for the new generation, which resumes at the offsets stored by the replay: events
   that arrived during the replay are applied once, by whichever consumer reaches them.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from aiokafka import AIOKafkaConsumer, TopicPartition
from pymongo import AsyncMongoClient

from sanjin_aggregator.adapters.generations import Generation, GenerationPointer
from sanjin_aggregator.service.readmodels import ReadModels
from sanjin_aggregator.settings import AggregatorSettings
from sanjin_shared.consumer import OFFSETS
from sanjin_shared.mongo import make_client
from sanjin_shared.topics import physical


@dataclass(frozen=True, slots=True)
class ReplayResult:
    previous: Generation
    current: Generation
    events: int
    seconds: float


async def partition_bounds(
    bootstrap: str, topics: list[str]
) -> tuple[dict[TopicPartition, int], dict[TopicPartition, int]]:
    """The first and the next-to-write offset of every partition of the topics."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = []
        for topic in topics:
            found = consumer.partitions_for_topic(topic)
            if not found:
                await consumer._client.force_metadata_update()  # a fresh client knows no topic yet
                found = consumer.partitions_for_topic(topic) or set()
            partitions += [TopicPartition(topic, p) for p in sorted(found)]
        return (
            await consumer.beginning_offsets(partitions),
            await consumer.end_offsets(partitions),
        )
    finally:
        await consumer.stop()


class Progress:
    """One line, rewritten: events done of the total, the rate, the time left."""

    def __init__(self, total: int, out: TextIO, *, width: int = 30) -> None:
        self.total, self.out, self.width = total, out, width
        self.started = time.monotonic()

    def show(self, done: int, *, final: bool = False) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = done / elapsed
        left = (self.total - done) / rate if rate > 0 else float("inf")
        share = done / self.total if self.total else 1.0
        bar = "#" * int(share * self.width)
        eta = "--" if left == float("inf") else f"{left:,.0f} s"
        line = (
            f"\rreplay [{bar:<{self.width}}] {done:,}/{self.total:,} events "
            f"{rate:,.0f} ev/s, left {eta}   "
        )
        self.out.write(line + ("\n" if final else ""))
        self.out.flush()


async def replay(
    settings: AggregatorSettings,
    topics: tuple[str, ...],
    *,
    out: TextIO = sys.stderr,
    drop_previous: bool = False,
    every_s: float = 0.5,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> ReplayResult:
    client = make_client(settings.mongodb_uri, app_name="sanjin-replay")
    db = client[settings.database_name]
    started = time.monotonic()
    try:
        pointer = GenerationPointer(db)
        previous = await pointer.active(default_group=settings.consumer_group)
        stamp = clock().strftime("%Y%m%d%H%M%S%f")
        generation = Generation(prefix=f"g{stamp}_", group=f"{settings.consumer_group}-g{stamp}")
        models = await ReadModels.open(db, generation)
        names = [physical(t, settings.topic_prefix) for t in topics]
        first, target = await partition_bounds(settings.kafka_bootstrap, names)
        total = sum(target[tp] - first[tp] for tp in target)
        out.write(f"replay into generation {generation.prefix!r} from {len(target)} partitions\n")
        progress = Progress(total, out)
        consumer = models.consumer(
            client=client,
            db=db,
            bootstrap=settings.kafka_bootstrap,
            topic_prefix=settings.topic_prefix,
            topics=topics,
            service="aggregator-replay",
            max_records=settings.consumer_max_records,
        )
        task = asyncio.create_task(consumer.run(), name="replay-consumer")
        try:
            while True:
                done = await _done(client, db, generation, first, target)
                progress.show(done)
                if done >= total:
                    break
                if task.done():
                    task.result()  # raises what stopped it
                    raise RuntimeError("the replay consumer stopped early")
                await asyncio.sleep(every_s)
            progress.show(total, final=True)
        finally:
            await consumer.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await pointer.switch(generation, now=clock(), previous=previous)
        out.write(
            f"switched: the aggregator now serves generation {generation.prefix!r} "
            f"(it follows within {settings.generation_check_interval_s:g} s)\n"
        )
        if drop_previous:
            await asyncio.sleep(settings.generation_check_interval_s * 2)
            dropped = await pointer.drop(previous)
            out.write(f"dropped {len(dropped)} collections of the previous generation\n")
        return ReplayResult(previous, generation, total, time.monotonic() - started)
    finally:
        await client.close()


async def _done(
    client: AsyncMongoClient[Any],
    db: Any,
    generation: Generation,
    first: dict[TopicPartition, int],
    target: dict[TopicPartition, int],
) -> int:
    """Events the new generation has passed, from its stored offsets, up to the target."""
    stored = {
        (d["topic"], d["partition"]): d["next_offset"]
        async for d in db[f"{generation.prefix}{OFFSETS}"].find({"group": generation.group})
    }
    return sum(
        min(stored.get((tp.topic, tp.partition), first[tp]), target[tp]) - first[tp]
        for tp in target
    )
