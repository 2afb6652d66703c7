"""The transactional outbox and its relay.

Writers put events into the `outbox` collection in the same transaction as the record they
describe (see `mongo.UnitOfWork`). The relay, a background task in every service process,
publishes them to Kafka with the idempotent producer (acks=all) and marks them sent.

- Order: one relay at a time holds a lease (a document in `outbox_lease`), so events leave in
  the order they were written; the Kafka key is the aggregate id, so each aggregate's events stay
  ordered in one partition.
- Delivery: at least once. A crash between publishing and marking publishes again; consumers
  drop repeated event ids.
- Broker outage: sending fails, the relay backs off with jitter (capped), keeps the events, and
  retries; requests go on answering 201 because they only write to MongoDB. The backlog is a
  metric (`sanjin_outbox_pending`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from sanjin_shared import metrics
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.kafka import client_kwargs
from sanjin_shared.logging import get_logger
from sanjin_shared.topics import physical

log = get_logger(__name__)
_PRODUCER_CLOSE_S = 2.0

OUTBOX = "outbox"
LEASE = "outbox_lease"
PUBLISHED_TTL_S = 7 * 24 * 3600


class OutboxWriter:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._outbox = db[OUTBOX]

    async def add(self, envelopes: Sequence[EventEnvelope], *, session: AsyncClientSession) -> None:
        now = datetime.now(UTC)
        docs = []
        for env in envelopes:
            docs.append(
                {
                    "_id": str(env.id),
                    "topic": _topic_of(env),
                    "key": env.aggregate_id,
                    "aggregate_version": env.aggregate_version,
                    "value": env.to_json(),
                    "headers": [[k, v] for k, v in env.kafka_headers()],
                    "created_at": now,
                    "pending": True,
                }
            )
        await self._outbox.insert_many(docs, ordered=True, session=session)


def _topic_of(env: EventEnvelope) -> str:
    from sanjin_shared.events.catalogue import CATALOGUE

    return CATALOGUE[env.type].topic


async def ensure_outbox_indexes(db: AsyncDatabase[Any]) -> None:
    await db[OUTBOX].create_indexes(
        [
            IndexModel(  # the relay's query and its order, so no batch sorts the whole backlog
                [
                    ("pending", ASCENDING),
                    ("created_at", ASCENDING),
                    ("aggregate_version", ASCENDING),
                ],
                name="pending_in_order",
                partialFilterExpression={"pending": True},
            ),
            IndexModel(
                [("published_at", ASCENDING)],
                name="published_ttl",
                expireAfterSeconds=PUBLISHED_TTL_S,
            ),
        ]
    )


def make_producer(
    bootstrap: str, *, client_id: str, linger_ms: int = 5, max_batch_size: int = 256 * 1024
) -> AIOKafkaProducer:
    """The idempotent producer (acks=all); retries cannot duplicate or reorder within a partition.

    `linger_ms` and `max_batch_size` as chosen by `make bench BENCH_ARGS="--only tuning"`."""
    return AIOKafkaProducer(
        **client_kwargs(bootstrap),
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=linger_ms,
        max_batch_size=max_batch_size,
        request_timeout_ms=15_000,
        retry_backoff_ms=200,
    )


class Backoff:
    """Exponential backoff with full jitter, capped."""

    def __init__(self, base_s: float = 0.2, cap_s: float = 5.0) -> None:
        self.base_s, self.cap_s, self.attempt = base_s, cap_s, 0

    def next_delay(self) -> float:
        self.attempt += 1
        return random.uniform(0, min(self.cap_s, self.base_s * 2**self.attempt))  # noqa: S311

    def reset(self) -> None:
        self.attempt = 0


class OutboxRelay:
    def __init__(
        self,
        db: AsyncDatabase[Any],
        *,
        bootstrap: str,
        topic_prefix: str,
        service: str,
        batch_size: int = 5000,
        mark_every: int = 500,
        poll_interval_s: float = 0.5,
        coalesce_s: float = 0.02,
        lease_s: float = 10.0,
        publish_timeout_s: float | None = None,
        producer_factory: Callable[[], AIOKafkaProducer] | None = None,
    ) -> None:
        self._outbox = db[OUTBOX]
        self._lease = db[LEASE]
        self._prefix = topic_prefix
        self._service = service
        self._batch_size = batch_size
        self._mark_every = mark_every
        self._coalesce_s = coalesce_s
        self._lease_renewed_at = float("-inf")
        self._poll = poll_interval_s
        self._lease_s = lease_s
        # a publish must end well inside the lease, or a second relay could take over mid-way
        self._publish_timeout_s = min(publish_timeout_s or lease_s * 0.8, lease_s * 0.8)
        self._owner = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._producer_factory = producer_factory or (
            lambda: make_producer(bootstrap, client_id=f"{service}-relay")
        )
        self._producer: AIOKafkaProducer | None = None
        self._wakeup = asyncio.Event()
        self._stopping = asyncio.Event()
        self.kafka_reachable = False

    def notify(self, _count: int = 1) -> None:
        """Called after a transaction that wrote events commits."""
        self._wakeup.set()

    async def run(self) -> None:
        backoff = Backoff()
        log.info("outbox relay started", owner=self._owner)
        monitor = asyncio.create_task(self._watch_backlog(), name="outbox-backlog")
        try:
            await self._run(backoff)
        finally:
            monitor.cancel()

    async def _run(self, backoff: Backoff) -> None:
        while not self._stopping.is_set():
            try:
                if not await self._lease_is_held():
                    await self._sleep(self._lease_s / 3)
                    continue
                self._wakeup.clear()
                async with asyncio.timeout(self._publish_timeout_s):
                    sent = await self.publish_pending()
                backoff.reset()
                if sent < self._batch_size:
                    await self._sleep(self._poll, wake_on_notify=True)
                    if self._wakeup.is_set():  # let the writes committing now join this run
                        await self._sleep(self._coalesce_s)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # The broker or the database is away: keep everything, wait, try again.
                self.kafka_reachable = False
                delay = backoff.next_delay()
                log.warning("outbox relay cannot publish yet", error=repr(exc), retry_in_s=delay)
                await self._drop_producer()
                await self._sleep(delay)
        await self._release()

    async def stop(self, flush_timeout_s: float = 5.0) -> None:
        """Publish what is pending (within the grace period), then stop."""
        try:
            async with asyncio.timeout(flush_timeout_s):
                while await self._hold_lease() and await self.publish_pending():
                    pass
        except Exception as exc:  # flushing is best effort: what is left stays in the outbox
            log.warning("outbox flush at shutdown incomplete", error=repr(exc))
        self._stopping.set()
        self._wakeup.set()
        try:  # a producer with unsent batches waits for a broker that may be gone: not for long
            await asyncio.wait_for(self._drop_producer(), timeout=_PRODUCER_CLOSE_S)
        except TimeoutError:
            log.warning("outbox producer did not close in time; what is unsent stays pending")

    async def publish_pending(self) -> int:
        """Publish one read of pending events in write order; returns how many were sent.

        One query reads up to `batch_size` events (a backlog costs one query per read, so reads
        are large). They are sent in order; as each `mark_every` of them are acknowledged, an
        update marks them published, and these updates run side by side while the rest are
        still being acknowledged. A failure leaves what is unmarked pending: a later run sends it
        again (delivery is at least once; consumers drop repeated event ids).
        """
        batch = (
            await self._outbox.find({"pending": True})
            .sort([("created_at", ASCENDING), ("aggregate_version", ASCENDING)])
            .limit(self._batch_size)
            .to_list()
        )
        if not batch:
            return 0
        producer = await self._ensure_producer()
        futures = [
            await producer.send(
                physical(doc["topic"], self._prefix),
                key=doc["key"].encode(),
                value=doc["value"],
                headers=[(k, v) for k, v in doc["headers"]],
            )
            for doc in batch
        ]
        marking: list[asyncio.Task[None]] = []
        try:
            for start in range(0, len(batch), self._mark_every):
                chunk = slice(start, start + self._mark_every)
                await asyncio.gather(*futures[chunk])
                self.kafka_reachable = True
                marking.append(asyncio.create_task(self._mark_published(batch[chunk])))
        finally:
            marked = await asyncio.gather(*marking, return_exceptions=True)
        for outcome in marked:
            if isinstance(outcome, BaseException):
                raise outcome
        return len(batch)

    async def _mark_published(self, docs: list[dict[str, Any]]) -> None:
        await self._outbox.update_many(
            {"_id": {"$in": [d["_id"] for d in docs]}},
            {"$unset": {"pending": ""}, "$set": {"published_at": datetime.now(UTC)}},
        )
        metrics.OUTBOX_PUBLISHED.labels(self._service).inc(len(docs))

    async def _ensure_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = self._producer_factory()
            try:
                await producer.start()
            except BaseException:
                await producer.stop()
                raise
            self._producer = producer
        return self._producer

    async def _drop_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            try:
                await asyncio.wait_for(producer.stop(), timeout=5)
            except Exception as exc:
                log.debug("producer stop failed", error=repr(exc))

    async def _lease_is_held(self) -> bool:
        """The lease, renewed at most every tenth of its length: a publish run (bounded by
        `publish_timeout_s`, 0.8 of the lease) always ends before a lease renewed this way expires.
        """
        if time.monotonic() - self._lease_renewed_at < self._lease_s / 10:
            return True
        return await self._hold_lease()

    async def _hold_lease(self) -> bool:
        """Take or renew the relay lease; only its holder publishes."""
        now = datetime.now(UTC)
        renewing_at = time.monotonic()
        try:
            doc = await self._lease.find_one_and_update(
                {"_id": "relay", "$or": [{"owner": self._owner}, {"expires_at": {"$lt": now}}]},
                {
                    "$set": {
                        "owner": self._owner,
                        "expires_at": now + timedelta(seconds=self._lease_s),
                    }
                },
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:
            self._lease_renewed_at = float("-inf")
            return False  # someone else holds it (the upsert raced with the live lease)
        held = doc is not None and doc.get("owner") == self._owner
        self._lease_renewed_at = renewing_at if held else float("-inf")
        return held

    async def _release(self) -> None:
        self._lease_renewed_at = float("-inf")
        with contextlib.suppress(PyMongoError):
            await self._lease.delete_one({"_id": "relay", "owner": self._owner})

    async def _watch_backlog(self, every_s: float = 1.0) -> None:
        """Keep `sanjin_outbox_pending` current, whether or not the broker is reachable."""
        while True:
            with contextlib.suppress(Exception):
                pending = await self._outbox.count_documents({"pending": True})
                metrics.OUTBOX_PENDING.labels(self._service).set(pending)
            await asyncio.sleep(every_s)

    async def _sleep(self, seconds: float, *, wake_on_notify: bool = False) -> None:
        waiters = [asyncio.ensure_future(self._stopping.wait())]
        if wake_on_notify:
            waiters.append(asyncio.ensure_future(self._wakeup.wait()))
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waiters:
                w.cancel()
