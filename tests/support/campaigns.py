"""Campaigns defined straight on the campaigns topic, as the aggregator publishes them: what the
intake services (and the aggregator's read models) learn campaigns from."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from sanjin_shared.clock import BEIJING
from sanjin_shared.events.campaigns import CampaignChanged, CampaignDefined, CampaignState
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.topics import CAMPAIGNS, physical

# the window of the campaigns the tests define for themselves (their bodies are dated in 2019)
TEST_WINDOW = (date(2019, 1, 1), date(2019, 12, 31))


def campaign_envelope(
    name: str, starts_on: date, ends_on: date, *, version: int = 1
) -> EventEnvelope:
    state = CampaignState(
        id=name,
        starts_on=starts_on,
        ends_on=ends_on,
        report_deadline=datetime.combine(ends_on, time(23, 59, 59), BEIJING),
    )
    kind = CampaignDefined if version == 1 else CampaignChanged
    return EventEnvelope.wrap(
        kind(campaign=state),
        producer="aggregator",
        aggregate_version=version,
        correlation_id=f"test-campaign-{name}",
    )


class CampaignTopic:
    def __init__(self, bootstrap: str, prefix: str) -> None:
        self._bootstrap, self._topic = bootstrap, physical(CAMPAIGNS.name, prefix)
        self._producer: AIOKafkaProducer | None = None

    async def define(self, name: str, starts_on: date, ends_on: date, *, version: int = 1) -> None:
        if self._producer is None:
            self._producer = AIOKafkaProducer(bootstrap_servers=self._bootstrap, acks="all")
            await self._producer.start()
        env = campaign_envelope(name, starts_on, ends_on, version=version)
        await self._producer.send_and_wait(
            self._topic, env.to_json(), key=name.encode(), headers=env.kafka_headers()
        )

    async def close(self) -> None:
        if self._producer is not None:
            await self._producer.stop()

    async def published(self, name: str, *, timeout_s: float = 30.0) -> None:
        """Wait until an event of the campaign is on the topic (e.g. after the aggregator's
        outbox relay published a PUT)."""
        consumer = AIOKafkaConsumer(
            self._topic,
            bootstrap_servers=self._bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        try:
            async with asyncio.timeout(timeout_s):
                while True:
                    batch = await consumer.getmany(timeout_ms=500)
                    for messages in batch.values():
                        if any(m.key == name.encode() for m in messages):
                            return
        finally:
            await consumer.stop()
