"""The idempotent consumer runner.

For every batch it fetches, in ONE MongoDB transaction: the projection's read-model update, the
ids of the events applied (so a repeated event is dropped) and the next offset of each partition
(so a restart resumes exactly where the last committed transaction ended). Kafka's own committed
offsets are written afterwards, for monitoring only: on (re)assignment the runner seeks to the
offsets stored in MongoDB.

The stored offsets also fence off a consumer that lost its partitions in a rebalance but still
holds a batch: inside the transaction, messages below the stored offset are skipped, and two
transactions moving the same partition's offset conflict, so one of them retries and skips.

A message that cannot be decoded (not JSON, not an envelope, unknown type, invalid payload) or
that the projection rejects goes to `<topic>.dlq` with the error and its original headers; the
runner then goes on. Outages (broker, database) are retried with backoff, never dead-lettered.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import KafkaError
from pymongo import AsyncMongoClient, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure, PyMongoError, ServerSelectionTimeoutError

from sanjin_shared import metrics
from sanjin_shared.events.catalogue import decode
from sanjin_shared.events.envelope import DomainEvent, EventEnvelope
from sanjin_shared.kafka import client_kwargs
from sanjin_shared.logging import get_logger
from sanjin_shared.outbox import Backoff, make_producer
from sanjin_shared.topics import DLQ_SUFFIX, physical

log = get_logger(__name__)

OFFSETS = "consumer_offsets"
PROCESSED = "processed_events"


@dataclass(frozen=True, slots=True)
class ConsumedEvent:
    envelope: EventEnvelope
    event: DomainEvent
    topic: str
    partition: int
    offset: int


class Projection(Protocol):
    """Applies a batch of new (never seen) events to read models inside the given transaction."""

    async def apply(self, events: Sequence[ConsumedEvent], session: AsyncClientSession) -> None: ...


class PoisonMessage(Exception):
    pass


@dataclass(frozen=True, slots=True)
class _Decoded:
    """A fetched batch, decoded: what to apply, what to dead-letter, and where each partition's
    offset moves to once they are."""

    good: list[ConsumedEvent]
    dead: list[_Dead]
    next_offsets: dict[TopicPartition, int]


@dataclass(slots=True)
class _Dead:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]
    error: str


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, ConnectionFailure | ServerSelectionTimeoutError | KafkaError | TimeoutError):
        return True
    if isinstance(exc, PyMongoError):
        return exc.has_error_label("TransientTransactionError") or exc.has_error_label(
            "RetryableWriteError"
        )
    return False


class IdempotentConsumer:
    def __init__(
        self,
        *,
        client: AsyncMongoClient[Any],
        db: AsyncDatabase[Any],
        bootstrap: str,
        topics: Sequence[str],
        group_id: str,
        service: str,
        projection: Projection,
        topic_prefix: str = "",
        max_records: int = 1000,
        state_prefix: str = "",
        consumer_factory: Callable[..., AIOKafkaConsumer] = AIOKafkaConsumer,
    ) -> None:
        self._client, self._db = client, db
        self._bootstrap = bootstrap
        self._topics = [physical(t, topic_prefix) for t in topics]
        self._group = group_id
        self._service = service
        self._projection = projection
        self._max_records = max_records
        self._consumer_factory = consumer_factory
        self._consumer: AIOKafkaConsumer | None = None
        self._dlq: AIOKafkaProducer | None = None
        self._stopping = asyncio.Event()
        # a replay keeps its own offsets and processed ids beside the live consumer's
        self._offsets = db[f"{state_prefix}{OFFSETS}"]
        self._processed = db[f"{state_prefix}{PROCESSED}"]
        self.applied = 0

    # -- lifecycle -------------------------------------------------------------------------------

    async def run(self) -> None:
        backoff = Backoff(cap_s=10.0)
        while not self._stopping.is_set():
            try:
                await self._start()
                backoff.reset()
                await self._loop()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                delay = backoff.next_delay()
                log.warning("consumer restarting", error=repr(exc), retry_in_s=round(delay, 2))
                await self._close()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), timeout=delay)
        await self._close()

    async def stop(self) -> None:
        self._stopping.set()

    async def _start(self) -> None:
        if self._consumer is not None:
            return
        consumer = self._consumer_factory(
            **client_kwargs(self._bootstrap),
            group_id=self._group,
            client_id=f"{self._service}-{self._group}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
            max_poll_interval_ms=600_000,
            fetch_max_bytes=16 * 1024 * 1024,
            max_partition_fetch_bytes=4 * 1024 * 1024,
        )
        await consumer.start()
        consumer.subscribe(self._topics, listener=_SeekToStoredOffsets(self))
        self._consumer = consumer
        log.info("consumer started", topics=self._topics, group=self._group)

    async def _close(self) -> None:
        consumer, self._consumer = self._consumer, None
        dlq, self._dlq = self._dlq, None
        for closeable in (consumer, dlq):
            if closeable is not None:
                try:
                    await asyncio.wait_for(closeable.stop(), timeout=10)
                except Exception as exc:
                    log.debug("close failed", error=repr(exc))

    async def _loop(self) -> None:
        """Fetch and decode the next batch while the current one is being applied: decoding is
        most of this process's own work, applying mostly waits for MongoDB."""
        ahead = asyncio.create_task(self._fetch())
        try:
            while not self._stopping.is_set():
                fetched = await ahead
                ahead = asyncio.create_task(self._fetch())
                if fetched is not None:
                    await self._apply(fetched)
                    self._record_lag()
        finally:
            ahead.cancel()
            with contextlib.suppress(BaseException):
                await ahead

    async def _fetch(self) -> _Decoded | None:
        consumer = self._consumer
        if consumer is None or self._stopping.is_set():
            return None
        batch = await consumer.getmany(timeout_ms=200, max_records=self._max_records)
        return await self._decode(batch) if batch else None

    # -- one batch ----------------------------------------------------------------------------------

    async def process(self, batch: dict[TopicPartition, list[Any]]) -> None:
        """Apply one fetched batch; retried here until it is applied (or dead-lettered)."""
        decoded = await self._decode(batch)
        if decoded is not None:
            await self._apply(decoded)

    async def _decode(self, batch: dict[TopicPartition, list[Any]]) -> _Decoded | None:
        # aiokafka may hand out records fetched before the rebalance listener's seek took
        # effect: drop what an earlier transaction already applied (checked again inside the
        # transaction), so neither the read model nor the dead-letter topic sees it twice.
        floors = await self._stored_offsets(list(batch))
        good: list[ConsumedEvent] = []
        dead: list[_Dead] = []
        for tp, messages in batch.items():
            for msg in messages:
                if msg.offset < floors.get(tp, 0):
                    continue
                try:
                    envelope = EventEnvelope.from_json(msg.value)
                    good.append(
                        ConsumedEvent(
                            envelope, decode(envelope), tp.topic, tp.partition, msg.offset
                        )
                    )
                except Exception as exc:
                    dead.append(_dead_from(msg, tp, f"undecodable: {exc}"))
        next_offsets = {
            tp: messages[-1].offset + 1
            for tp, messages in batch.items()
            if messages and messages[-1].offset >= floors.get(tp, 0)
        }
        if not next_offsets:
            return None
        return _Decoded(good, dead, next_offsets)

    async def _apply(self, decoded: _Decoded) -> None:
        good, dead, next_offsets = decoded.good, decoded.dead, decoded.next_offsets
        backoff = Backoff(cap_s=10.0)
        while True:
            try:
                await self._send_dead_letters(dead)
                dead = []
                await self._commit(good, next_offsets)
                break
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not is_transient(exc) and good:
                    # A deterministic failure of the projection: find the culprit one by one.
                    good, culprits = await self._isolate_poison(good)
                    dead.extend(culprits)
                    continue
                delay = backoff.next_delay()
                log.warning("batch not applied yet", error=repr(exc), retry_in_s=round(delay, 2))
                await asyncio.sleep(delay)

        if self._consumer is not None:
            try:
                await self._consumer.commit({tp: off for tp, off in next_offsets.items()})
            except Exception as exc:  # the offsets that count are in MongoDB
                log.debug("kafka offset commit skipped", error=repr(exc))

    async def _commit(
        self, events: Sequence[ConsumedEvent], next_offsets: dict[TopicPartition, int]
    ) -> None:
        applied: list[ConsumedEvent] = []

        async def body(session: AsyncClientSession) -> None:
            applied.clear()
            ids = {_offset_id(self._group, tp.topic, tp.partition): tp for tp in next_offsets}
            stored = {
                d["_id"]: d["next_offset"]
                async for d in self._offsets.find({"_id": {"$in": list(ids)}}, session=session)
            }
            floor = {
                (ids[k].topic, ids[k].partition): stored.get(k, 0) for k in ids
            }  # messages below it were applied by an earlier transaction
            fresh = [e for e in events if e.offset >= floor[(e.topic, e.partition)]]
            seen = {
                d["_id"]
                async for d in self._processed.find(
                    {"_id": {"$in": [str(e.envelope.id) for e in fresh]}},
                    {"_id": 1},
                    session=session,
                )
            }
            new: list[ConsumedEvent] = []
            for e in fresh:
                key = str(e.envelope.id)
                if key not in seen:
                    seen.add(key)
                    new.append(e)
            if new:
                await self._projection.apply(new, session)
                now = datetime.now(UTC)
                await self._processed.insert_many(
                    [{"_id": str(e.envelope.id), "at": now, "type": e.envelope.type} for e in new],
                    session=session,
                )
            moved = [
                UpdateOne(
                    {"_id": k},
                    {
                        "$set": {
                            "group": self._group,
                            "topic": tp.topic,
                            "partition": tp.partition,
                            "next_offset": next_offsets[tp],
                            "updated_at": datetime.now(UTC),
                        }
                    },
                    upsert=True,
                )
                for k, tp in ids.items()
                if next_offsets[tp] > stored.get(k, 0)
            ]
            if moved:
                await self._offsets.bulk_write(moved, ordered=False, session=session)
            applied.extend(new)

        async with self._client.start_session() as session:
            await session.with_transaction(body)

        duplicates = len(events) - len(applied)
        for topic in {e.topic for e in events}:
            n = sum(1 for e in applied if e.topic == topic)
            metrics.EVENTS_APPLIED.labels(self._service, topic).inc(n)
        if duplicates:
            metrics.EVENTS_DUPLICATE.labels(self._service, events[0].topic).inc(duplicates)
        self.applied += len(applied)
        applied_ids = {id(e) for e in applied}
        for tp, next_offset in next_offsets.items():
            in_tp = [e for e in events if e.topic == tp.topic and e.partition == tp.partition]
            log.info(
                "batch applied",
                topic=tp.topic,
                partition=tp.partition,
                offset=in_tp[0].offset if in_tp else next_offset - 1,
                next_offset=next_offset,
                applied=sum(1 for e in in_tp if id(e) in applied_ids),
                duplicates=sum(1 for e in in_tp if id(e) not in applied_ids),
            )

    async def _isolate_poison(
        self, events: list[ConsumedEvent]
    ) -> tuple[list[ConsumedEvent], list[_Dead]]:
        """Apply events one at a time in throw-away transactions to find those the projection rejects."""
        good: list[ConsumedEvent] = []
        dead: list[_Dead] = []
        for e in events:
            try:
                async with self._client.start_session() as session:

                    async def probe(s: AsyncClientSession, e: ConsumedEvent = e) -> None:
                        await self._projection.apply([e], s)
                        raise _Rollback

                    with contextlib.suppress(_Rollback):
                        await session.with_transaction(probe)
                good.append(e)
            except Exception as exc:
                if is_transient(exc):
                    raise
                structlog.contextvars.bind_contextvars(
                    topic=e.topic, partition=e.partition, offset=e.offset
                )
                log.error(
                    "projection rejected an event", error=repr(exc), event_id=str(e.envelope.id)
                )
                structlog.contextvars.unbind_contextvars("topic", "partition", "offset")
                dead.append(
                    _Dead(
                        e.topic,
                        e.partition,
                        e.offset,
                        e.envelope.aggregate_id.encode(),
                        e.envelope.to_json(),
                        e.envelope.kafka_headers(),
                        f"rejected by projection: {exc!r}",
                    )
                )
        return good, dead

    async def _send_dead_letters(self, dead: list[_Dead]) -> None:
        if not dead:
            return
        if self._dlq is None:
            producer = make_producer(self._bootstrap, client_id=f"{self._service}-dlq")
            await producer.start()
            self._dlq = producer
        futures = []
        for d in dead:
            headers = [
                *d.headers,
                ("dlq_error", d.error[:2000].encode()),
                ("dlq_source_topic", d.topic.encode()),
                ("dlq_source_partition", str(d.partition).encode()),
                ("dlq_source_offset", str(d.offset).encode()),
                ("dlq_consumer_group", self._group.encode()),
                ("dlq_time", datetime.now(UTC).isoformat().encode()),
            ]
            futures.append(
                await self._dlq.send(
                    d.topic + DLQ_SUFFIX, key=d.key, value=d.value, headers=headers
                )
            )
            log.warning(
                "message dead-lettered",
                topic=d.topic,
                partition=d.partition,
                offset=d.offset,
                error=d.error[:300],
            )
            metrics.DEAD_LETTERS.labels(self._service, d.topic).inc()
        await asyncio.gather(*futures)

    def _record_lag(self) -> None:
        consumer = self._consumer
        if consumer is None:
            return
        for tp in consumer.assignment():
            high = consumer.highwater(tp)
            if high is None:
                continue
            try:
                lag = max(0, high - (consumer.last_stable_offset(tp) or high))
            except Exception:
                lag = 0
            metrics.CONSUMER_LAG.labels(self._service, tp.topic, str(tp.partition)).set(lag)

    async def _stored_offsets(
        self, partitions: Sequence[TopicPartition]
    ) -> dict[TopicPartition, int]:
        ids = {_offset_id(self._group, tp.topic, tp.partition): tp for tp in partitions}
        return {
            ids[d["_id"]]: d["next_offset"]
            async for d in self._offsets.find({"_id": {"$in": list(ids)}})
        }

    async def seek_to_stored(self, partitions: Sequence[TopicPartition]) -> None:
        """Resume every assigned partition at the offset stored with the read model.

        Without a stored offset, start from the beginning (offset 0 resets to the earliest one
        retained), whatever Kafka's own committed offset says: the read model is the truth.
        """
        consumer = self._consumer
        if consumer is None or not partitions:
            return
        stored = await self._stored_offsets(partitions)
        for tp in partitions:
            consumer.seek(tp, stored.get(tp, 0))
        log.info(
            "partitions assigned", partitions=[f"{tp.topic}:{tp.partition}" for tp in partitions]
        )


class _Rollback(Exception):
    pass


class _SeekToStoredOffsets(ConsumerRebalanceListener):
    def __init__(self, runner: IdempotentConsumer) -> None:
        self._runner = runner

    async def on_partitions_revoked(self, revoked: Any) -> None:
        return None  # every applied batch already stored its offsets in its own transaction

    async def on_partitions_assigned(self, assigned: Any) -> None:
        await self._runner.seek_to_stored(list(assigned))


def _offset_id(group: str, topic: str, partition: int) -> str:
    return f"{group}|{topic}|{partition}"


def _dead_from(msg: Any, tp: TopicPartition, error: str) -> _Dead:
    return _Dead(
        tp.topic, tp.partition, msg.offset, msg.key, msg.value, list(msg.headers or ()), error
    )


async def ensure_consumer_indexes(db: AsyncDatabase[Any]) -> None:
    # _id is the only key either collection is queried by.
    await db[OFFSETS].find_one({})
    await db[PROCESSED].find_one({})
