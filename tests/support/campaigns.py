"""Campaigns in tests.

`define_campaign` defines one as headquarters does, through the aggregator (`PUT
/v1/campaigns/{campaign}`), and waits until every intake service accepts it (its `GET
/v1/campaigns/{campaign}` answers the window): what a test against running services, browser
tests included, calls before it posts records of the campaign. `CampaignTopic` writes campaign
events straight on the campaigns topic, as the aggregator publishes them, for tests that run
without an aggregator.
"""

from __future__ import annotations

import asyncio
import time as monotonic
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Any

import httpx
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
        report_deadline=end_of(ends_on),
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


def end_of(day: date) -> datetime:
    """The last second of a Beijing day (a campaign's report deadline by default)."""
    return datetime.combine(day, time(23, 59, 59), BEIJING)


async def define_campaign(
    http: httpx.AsyncClient,
    *,
    aggregator: str,
    intake: Iterable[str],
    headers: Mapping[str, str],
    name: str,
    starts_on: date = TEST_WINDOW[0],
    ends_on: date = TEST_WINDOW[1],
    report_deadline: datetime | None = None,
    intake_headers: Mapping[str, str] | None = None,
    timeout_s: float = 60.0,
) -> dict[str, Any]:
    """Define (or change) campaign `name` through the aggregator at `aggregator` (base URL; the
    `headers` carry an admin's token), then poll every intake service (base URLs in `intake`,
    with `intake_headers`, by default `headers`) until each accepts the campaign with this
    window. Fails with what each service said last when `timeout_s` passes. Returns the
    aggregator's answer."""
    body = {
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "report_deadline": (report_deadline or end_of(ends_on)).isoformat(),
    }
    put = await http.put(f"{aggregator}/v1/campaigns/{name}", json=body, headers=dict(headers))
    if put.status_code not in (200, 201):
        raise AssertionError(f"defining campaign {name}: {put.status_code} {put.text}")
    want = {"campaign": name, "starts_on": body["starts_on"], "ends_on": body["ends_on"]}
    waiting = {url.rstrip("/") for url in intake}
    last: dict[str, str] = {}
    deadline = monotonic.monotonic() + timeout_s
    while waiting:
        for url in sorted(waiting):
            try:
                r = await http.get(
                    f"{url}/v1/campaigns/{name}", headers=dict(intake_headers or headers)
                )
            except httpx.HTTPError as exc:  # a service still starting
                last[url] = repr(exc)
                continue
            if r.status_code == 200 and r.json() == want:
                waiting.discard(url)
            else:
                last[url] = f"{r.status_code} {r.text[:200]}"
        if not waiting:
            break
        if monotonic.monotonic() > deadline:
            said = "; ".join(f"{url}: {last.get(url)}" for url in sorted(waiting))
            raise AssertionError(
                f"campaign {name} not accepted within {timeout_s}s by {len(waiting)} "
                f"intake service(s): {said}"
            )
        await asyncio.sleep(0.2)
    return dict(put.json())
