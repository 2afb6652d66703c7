"""The live read models and the consumer that feeds them, following the generation pointer.

`LiveReadModels` holds the stores of the active generation (what the API reads) and runs one
`IdempotentConsumer` for it. Every few seconds it reads the pointer; when a replay has moved it,
the consumer of the old generation stops and one for the new generation starts. The new one
resumes at the offsets the replay stored with the new read models, so nothing applied by the
replay is applied again and nothing after it is missed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_aggregator.adapters.generations import Generation, GenerationPointer
from sanjin_aggregator.adapters.readmodel import StatisticsStore
from sanjin_aggregator.adapters.register import RegisterStore
from sanjin_aggregator.service.projector import Projections, projections
from sanjin_shared.consumer import IdempotentConsumer
from sanjin_shared.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class ReadModels:
    generation: Generation
    statistics: StatisticsStore

    @property
    def register(self) -> RegisterStore:
        return self.statistics.register

    @classmethod
    async def open(cls, db: AsyncDatabase[Any], generation: Generation) -> ReadModels:
        models = cls(generation, StatisticsStore(db, prefix=generation.prefix))
        await models.statistics.ensure_indexes()
        return models

    def projection(self) -> Projections:
        return projections(self.statistics)

    def consumer(
        self,
        *,
        client: AsyncMongoClient[Any],
        db: AsyncDatabase[Any],
        bootstrap: str,
        topic_prefix: str,
        topics: Sequence[str],
        service: str,
        max_records: int,
    ) -> IdempotentConsumer:
        return IdempotentConsumer(
            client=client,
            db=db,
            bootstrap=bootstrap,
            topic_prefix=topic_prefix,
            topics=topics,
            group_id=self.generation.group,
            service=service,
            projection=self.projection(),
            max_records=max_records,
            state_prefix=self.generation.prefix,
        )


class LiveReadModels:
    def __init__(
        self,
        *,
        client: AsyncMongoClient[Any],
        db: AsyncDatabase[Any],
        default_group: str,
        consumer_options: dict[str, Any],
        check_every_s: float,
    ) -> None:
        self._client, self._db = client, db
        self._pointer = GenerationPointer(db)
        self._default_group = default_group
        self._options = consumer_options
        self._check_every_s = check_every_s
        self._stopping = asyncio.Event()
        self.current: ReadModels | None = None
        self.consumer: IdempotentConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        generation = await self._pointer.active(default_group=self._default_group)
        await self._adopt(generation)

    async def follow(self) -> None:
        """Background task: adopt the generation the pointer names whenever it changes."""
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self._check_every_s)
            if self._stopping.is_set():
                break
            try:
                generation = await self._pointer.active(default_group=self._default_group)
                if self.current is not None and generation != self.current.generation:
                    await self._adopt(generation)
            except Exception as exc:  # the database away: look again next time
                log.warning("generation check failed", error=repr(exc))

    async def stop(self) -> None:
        self._stopping.set()
        await self._stop_consumer()

    async def _adopt(self, generation: Generation) -> None:
        await self._stop_consumer()
        models = await ReadModels.open(self._db, generation)
        consumer = models.consumer(client=self._client, db=self._db, **self._options)
        self.current, self.consumer = models, consumer
        self._task = asyncio.create_task(consumer.run(), name="statistics-consumer")
        log.info("read models live", prefix=generation.prefix, group=generation.group)

    async def _stop_consumer(self) -> None:
        consumer, task = self.consumer, self._task
        if consumer is None or task is None:
            return
        await consumer.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await task
