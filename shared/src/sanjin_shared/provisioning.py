"""Creates the platform's topics with their partitions and retention (auto-creation is off)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiokafka.admin import AIOKafkaAdminClient, NewPartitions, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from sanjin_shared.kafka import client_kwargs
from sanjin_shared.logging import get_logger
from sanjin_shared.settings import KafkaClientSettings
from sanjin_shared.topics import TopicSpec, all_topics, physical

log = get_logger(__name__)


async def provision_topics(
    bootstrap: str,
    *,
    prefix: str = "",
    specs: Sequence[TopicSpec] | None = None,
    replication_factor: int = 1,
    timeout_s: float = 60.0,
    settings: KafkaClientSettings | None = None,
) -> dict[str, str]:
    """Create missing topics, add partitions where a topic has fewer, set retention; idempotent.
    `settings`: the connection's security (by default the environment's).

    Returns {topic: "created" | "updated" | "unchanged"}.
    """
    specs = list(specs or all_topics())
    admin = AIOKafkaAdminClient(
        **client_kwargs(bootstrap, settings=settings), client_id="sanjin-provisioning"
    )
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        try:
            await admin.start()
            break
        except Exception as exc:
            if asyncio.get_running_loop().time() > deadline:
                raise
            log.info("waiting for kafka", error=repr(exc))
            await asyncio.sleep(1)
    result: dict[str, str] = {}
    try:
        existing = set(await admin.list_topics())
        missing = [s for s in specs if physical(s.name, prefix) not in existing]
        if missing:
            await admin.create_topics(
                [
                    NewTopic(
                        physical(s.name, prefix),
                        num_partitions=s.partitions,
                        replication_factor=replication_factor,
                        topic_configs=s.configs(),
                    )
                    for s in missing
                ]
            )
            for s in missing:
                result[physical(s.name, prefix)] = "created"
        present = [s for s in specs if physical(s.name, prefix) in existing]
        if present:
            described = await admin.describe_topics([physical(s.name, prefix) for s in present])
            partitions = {d["topic"]: len(d["partitions"]) for d in described}
            grow = {
                physical(s.name, prefix): NewPartitions(total_count=s.partitions)
                for s in present
                if partitions.get(physical(s.name, prefix), s.partitions) < s.partitions
            }
            if grow:
                await admin.create_partitions(grow)
            await admin.alter_configs(
                [
                    ConfigResource(ConfigResourceType.TOPIC, physical(s.name, prefix), s.configs())
                    for s in present
                ]
            )
            for s in present:
                name = physical(s.name, prefix)
                result[name] = "updated" if name in grow else "unchanged"
    finally:
        await admin.close()
    for name, what in sorted(result.items()):
        log.info("topic provisioned", topic=name, result=what)
    return result
