"""The pipeline's measurements, each beside its baseline in the same run:

2. relay: the outbox relay publishing pending events, beside a raw idempotent aiokafka producer
   sending the same messages;
3. apply: the aggregator's consumer (transaction, dedupe, offsets) beside a raw `getmany` loop
   over the same topic, and beside the same consumer applying one event per transaction;
6. replay: `sanjin replay`'s rebuild rate beside the normal apply rate;
4. freshness: from the 201 of a POST to the statistics showing it, at half the peak ingest rate;
7. broker down: ingest while Kafka is stopped beside the normal rate, and the backlog's drain.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from bench.profile import CpuMeter, profiled
from sanjin_aggregator.adapters.generations import Generation
from sanjin_aggregator.service.readmodels import ReadModels
from sanjin_aggregator.service.replay import replay
from sanjin_aggregator.settings import AggregatorSettings
from sanjin_shared.audit import Actor
from sanjin_shared.events.activities import ActivityReported, ActivityReportFigures, ActivityState
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.mongo import UnitOfWork
from sanjin_shared.outbox import OUTBOX, OutboxRelay, make_producer
from sanjin_shared.provisioning import provision_topics
from sanjin_shared.reference import PROVINCES, ActivityKind, VenueType
from sanjin_shared.topics import ACTIVITIES

UNITS = list(PROVINCES)
RESULTS_DIR = Path(__file__).parent / "results"


def envelopes(n: int, campaign: str) -> list[EventEnvelope]:
    out = []
    for i in range(n):
        state = ActivityState(
            id=f"act_{uuid.uuid4().hex}",
            province=UNITS[i % len(UNITS)],
            campaign=campaign,
            kind=ActivityKind.education,
            status="completed",
            title="消费品质量安全进社区",
            venue_type=list(VenueType)[i % 4],
            venue_name=f"场所{i % 5000}",
            city="市",
            county="区",
            scheduled_on=date(2019, 9, 1),
            formats=[],
            report=ActivityReportFigures(
                held_on=date(2019, 9, 2),
                participants=100,
                materials_distributed=10,
                consultations=5,
                comparison_items_displayed=1,
                video_showings=1,
                media_reports=0,
                recommendations=[],
            ),
        )
        out.append(
            EventEnvelope.wrap(
                ActivityReported(activity=state),
                producer="bench",
                aggregate_version=2,
                correlation_id="bench",
                time=datetime.now(UTC),
            )
        )
    return out


def ratio(value: float, baseline: float, unit: str) -> dict:
    return {
        "value": round(value, 1),
        "unit": unit,
        "baseline": round(baseline, 1),
        "ratio": round(value / baseline, 3) if baseline else None,
    }


async def timed(action: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await action()
    return time.perf_counter() - started


async def write_pending(
    client: AsyncMongoClient[Any], db: AsyncDatabase[Any], envs: list[EventEnvelope]
) -> None:
    """Into the outbox (with their audit entries), 1,000 events a transaction, through the unit
    of work the services write with."""
    uow = UnitOfWork(client, db, actor=Actor.system("bench"))
    for start in range(0, len(envs), 1000):

        async def write(tx: Any, chunk: list[EventEnvelope] = envs[start : start + 1000]) -> None:
            tx.publish(*chunk)

        await uow.run(write)


async def apply_from_start(
    client: AsyncMongoClient[Any],
    db: AsyncDatabase[Any],
    bootstrap: str,
    prefix: str,
    generation: Generation,
    count: int,
    max_records: int,
) -> float:
    """Seconds the aggregator's consumer takes to apply the first `count` events of the
    activities topic into a generation of read models of its own."""
    models = await ReadModels.open(db, generation)
    consumer = models.consumer(
        client=client,
        db=db,
        bootstrap=bootstrap,
        topic_prefix=prefix,
        topics=(ACTIVITIES.name,),
        service="bench",
        max_records=max_records,
    )
    task = asyncio.create_task(consumer.run())
    started = time.perf_counter()
    try:
        while consumer.applied < count:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
        return time.perf_counter() - started
    finally:
        await consumer.stop()
        await task


async def relay_and_apply(
    mongo_uri: str,
    bootstrap: str,
    n: int,
    per_event_n: int,
    *,
    profile: bool = False,
    cpu: CpuMeter | None = None,
) -> dict[str, dict]:
    """Measurements 2, 3 and 6 on one topic prefix of their own; `cpu` records the CPU time of
    the stack's processes during the relay, the apply and their baselines."""
    cpu = cpu or CpuMeter({"bench": os.getpid()})
    results: dict[str, dict] = {}
    prefix = f"b{uuid.uuid4().hex[:6]}."
    await provision_topics(bootstrap, prefix=prefix)
    client: AsyncMongoClient[Any] = AsyncMongoClient(mongo_uri, tz_aware=True)
    db = client[f"bench_pipeline_{prefix[:-1]}"]
    envs = envelopes(n, "bench-pipeline")
    try:
        # 2. the relay beside a raw idempotent producer, the same messages
        await write_pending(client, db, envs)
        relay = OutboxRelay(db, bootstrap=bootstrap, topic_prefix=prefix, service="bench")

        async def drain() -> None:
            while await relay.publish_pending():
                pass

        with profiled(os.getpid(), "relay", RESULTS_DIR, enabled=profile), cpu.measure("relay"):
            relay_s = await timed(drain)
        await relay.stop(flush_timeout_s=1)
        docs = await db[OUTBOX].find().sort("created_at", 1).to_list()
        raw_topic = f"{prefix}bench.raw"
        from aiokafka.admin import AIOKafkaAdminClient, NewTopic

        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            await admin.create_topics([NewTopic(raw_topic, num_partitions=6, replication_factor=1)])
        finally:
            await admin.close()
        producer = make_producer(bootstrap, client_id="bench-raw")
        await producer.start()

        async def send_raw() -> None:
            futures = [
                await producer.send(
                    raw_topic,
                    key=d["key"].encode(),
                    value=d["value"],
                    headers=[(k, v) for k, v in d["headers"]],
                )
                for d in docs
            ]
            await asyncio.gather(*futures)

        try:
            with cpu.measure("raw producer (relay's baseline)"):
                raw_s = await timed(send_raw)
        finally:
            await producer.stop()
        results["relay_publish"] = ratio(
            n / relay_s, n / raw_s, "events/s (baseline: raw idempotent producer)"
        )

        # 3. the consumer applying them beside a raw getmany loop over the same topic
        topic = f"{prefix}{ACTIVITIES.name}"

        async def raw_loop() -> None:
            consumer = AIOKafkaConsumer(
                topic,
                bootstrap_servers=bootstrap,
                group_id=f"raw-{prefix}",
                auto_offset_reset="earliest",
                enable_auto_commit=False,
            )
            await consumer.start()
            try:
                seen = 0
                while seen < n:
                    batch = await consumer.getmany(timeout_ms=500, max_records=1000)
                    for messages in batch.values():
                        for m in messages:
                            EventEnvelope.from_json(m.value)  # a consumer decodes what it reads
                        seen += sum(len(m) for m in batch.values())
            finally:
                await consumer.stop()

        with cpu.measure("raw getmany (apply's baseline)"):
            raw_consume_s = await timed(raw_loop)

        with profiled(os.getpid(), "apply", RESULTS_DIR, enabled=profile), cpu.measure("apply"):
            apply_s = await apply_from_start(
                client, db, bootstrap, prefix, Generation("a_", f"bench-apply-{prefix}"), n, 1000
            )
        results["aggregator_apply"] = ratio(
            n / apply_s, n / raw_consume_s, "events/s (baseline: raw getmany loop)"
        )
        per_event_s = await apply_from_start(
            client,
            db,
            bootstrap,
            prefix,
            Generation("p_", f"bench-per-event-{prefix}"),
            per_event_n,
            1,
        )
        results["aggregator_apply_vs_per_event"] = ratio(
            n / apply_s, per_event_n / per_event_s, "events/s (baseline: one event per transaction)"
        )

        # 6. replay beside the normal apply rate
        settings = AggregatorSettings(
            environment="test",
            mongodb_uri=mongo_uri,
            mongodb_database=db.name,
            kafka_bootstrap=bootstrap,
            topic_prefix=prefix,
            generation_check_interval_s=0.1,
        )

        class Quiet:
            def write(self, _: str) -> None: ...
            def flush(self) -> None: ...

        outcome = await replay(settings, (ACTIVITIES.name,), out=Quiet(), every_s=0.05)  # type: ignore[arg-type]
        results["replay_rebuild"] = ratio(
            outcome.events / outcome.seconds, n / apply_s, "events/s (baseline: normal apply rate)"
        )
    finally:
        await client.drop_database(db.name)
        await client.close()
    return results


async def freshness(
    events_url: str,
    aggregator_url: str,
    headers: dict,
    hq: dict,
    peak_rate: float,
    count: int = 200,
) -> dict[str, dict]:
    """4. p99 from a POST's 201 until the statistics show it, posting at half the peak rate."""
    campaign = f"fresh-{uuid.uuid4().hex[:6]}"
    acked: list[float] = []
    seen: dict[int, float] = {}
    done = asyncio.Event()
    interval = 1 / max(peak_rate / 2, 1)

    async with httpx.AsyncClient(timeout=30) as http:

        async def watch() -> None:
            url = f"{aggregator_url}/v1/campaigns/{campaign}/statistics"
            while not done.is_set() or len(seen) < count:
                r = await http.get(url, headers=hq)
                now = time.perf_counter()
                shown = r.json()["totals"]["launch_ceremonies"]
                for k in range(1, shown + 1):
                    seen.setdefault(k, now)
                if len(seen) >= count:
                    return
                await asyncio.sleep(0.01)

        watcher = asyncio.create_task(watch())
        body = {
            "campaign": campaign,
            "kind": "launch_ceremony",
            "title": "启动仪式",
            "venue_type": "community",
            "venue_name": "人民大会堂",
            "city": "北京市",
            "county": "西城区",
            "scheduled_on": "2019-09-02",
            "formats": [],
            "organizer": "市场监管总局",
        }
        report = {
            "held_on": "2019-09-02",
            "participants": 1,
            "materials_distributed": 0,
            "consultations": 0,
            "comparison_items_displayed": 0,
            "video_showings": 0,
            "media_reports": 0,
        }
        ids = []
        for _ in range(count):  # scheduled first: only the report moves the statistics
            ids.append(
                (await http.post(f"{events_url}/v1/activities", json=body, headers=headers)).json()[
                    "id"
                ]
            )
        for activity_id in ids:
            started = time.perf_counter()
            r = await http.post(
                f"{events_url}/v1/activities/{activity_id}/report", json=report, headers=headers
            )
            r.raise_for_status()
            acked.append(time.perf_counter())
            await asyncio.sleep(max(0.0, interval - (time.perf_counter() - started)))
        done.set()
        await asyncio.wait_for(watcher, timeout=120)
    delays = sorted(seen[k + 1] - acked[k] for k in range(count))
    p99 = delays[min(len(delays) - 1, int(0.99 * len(delays)))] * 1000
    p50 = delays[len(delays) // 2] * 1000
    return {
        "freshness_p99": {
            "value": round(p99, 1),
            "unit": f"ms at {peak_rate / 2:.0f} reports/s (goal < 1000)",
            "baseline": None,
            "ratio": None,
        },
        "freshness_p50": {"value": round(p50, 1), "unit": "ms", "baseline": None, "ratio": None},
    }
