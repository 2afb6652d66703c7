"""Raw Kafka access for tests: publish crafted messages, read a topic from the beginning."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition


async def publish(
    bootstrap: str,
    topic: str,
    messages: Sequence[tuple[bytes | None, bytes, list[tuple[str, bytes]]]],
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        for key, value, headers in messages:
            await producer.send_and_wait(topic, value=value, key=key, headers=headers)
    finally:
        await producer.stop()


async def read_all(bootstrap: str, topic: str, *, timeout_s: float = 10.0) -> list[Any]:
    """Every message of `topic` up to its current end, without a consumer group."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [
            TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        if not partitions:
            await consumer._client.force_metadata_update()
            partitions = [
                TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())
            ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        out: list[Any] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while loop.time() < deadline:
            positions = [await consumer.position(tp) for tp in partitions]
            if all(pos >= ends[tp] for pos, tp in zip(positions, partitions, strict=True)):
                break
            batch = await consumer.getmany(timeout_ms=200)
            for messages in batch.values():
                out.extend(messages)
        return out
    finally:
        await consumer.stop()


async def envelopes_on(bootstrap: str, topic: str) -> list[dict[str, Any]]:
    """The event envelopes on a topic, as dicts; skips the poison messages some tests publish."""
    out = []
    for message in await read_all(bootstrap, topic):
        try:
            value = json.loads(message.value)
        except ValueError:
            continue
        if isinstance(value, dict) and "type" in value:
            out.append(value)
    return out


def kafka_reachable(metrics_text: str, service: str) -> float | None:
    """The gauge `sanjin_kafka_reachable` of `service` in a /metrics answer (None if absent)."""
    prefix = f'sanjin_kafka_reachable{{service="{service}"}}'
    for line in metrics_text.splitlines():
        if line.startswith(prefix):
            return float(line.split()[-1])
    return None
