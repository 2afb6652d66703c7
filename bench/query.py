"""Statistics query latency as the number of applied events grows, beside computing the same
table with a MongoDB aggregation over the raw records.

The read model is built by the aggregator's real projector, in transactions of one batch each
as the consumer applies them (without Kafka in between: what is measured is the query). Each
event is a completed activity report in one of the 32 units and four venue types; every other
event corrects an earlier one, as provinces do. The same activities are kept as raw records
shaped like the events service's documents, for the baseline aggregation.
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx
from pymongo import AsyncMongoClient, UpdateOne

from sanjin_aggregator.adapters.readmodel import StatisticsStore
from sanjin_aggregator.service.projector import StatisticsProjector
from sanjin_shared.consumer import ConsumedEvent
from sanjin_shared.events.activities import (
    ActivityReportCorrected,
    ActivityReported,
    ActivityReportFigures,
    ActivityState,
)
from sanjin_shared.events.envelope import EventEnvelope
from sanjin_shared.reference import PROVINCES, ActivityKind, VenueType

CAMPAIGN = "bench"
FIGURES = (
    "participants",
    "materials_distributed",
    "consultations",
    "comparison_items_displayed",
    "video_showings",
    "media_reports",
)
VENUES = [VenueType.community, VenueType.campus, VenueType.township, VenueType.hospital]


class Corpus:
    """Grows the read model and the raw records together, one batch at a time."""

    def __init__(self, client: AsyncMongoClient[Any], db_name: str) -> None:
        self.client, self.db = client, client[db_name]
        self.store = StatisticsStore(self.db)
        self.projector = StatisticsProjector(self.store)
        self.raw = self.db["raw_activities"]
        self.events = 0
        self.apply_seconds = 0.0
        self._rng = random.Random(2019)
        self._recent: list[ActivityState] = []
        self._offset = 0

    def _activity(self) -> ActivityState:
        rng = self._rng
        province = rng.choice(list(PROVINCES))
        venue = rng.choice(VENUES)
        return ActivityState(
            id=f"act_{uuid.uuid4().hex}",
            province=province,
            campaign=CAMPAIGN,
            kind=ActivityKind.education,
            status="completed",
            title="消费品质量安全进社区",
            venue_type=venue,
            venue_name=f"场所{rng.randrange(20_000)}",
            city="市",
            county="区",
            scheduled_on=date(2019, 9, 1),
            formats=[],
            report=ActivityReportFigures(
                held_on=date(2019, 9, 1 + rng.randrange(28)),
                recommendations=[],
                **{f: rng.randrange(200) for f in FIGURES},
            ),
        )

    async def grow(self, count: int, *, batch: int = 2000) -> None:
        while count > 0:
            n = min(batch, count)
            events, raw_new, raw_changed = [], [], []
            for _ in range(n):
                if self._recent and self._rng.random() < 0.5:
                    before = self._recent.pop(self._rng.randrange(len(self._recent)))
                    assert before.report is not None
                    report = before.report.model_copy(
                        update={"participants": before.report.participants + 1}
                    )
                    state = before.model_copy(update={"report": report})
                    event, version = ActivityReportCorrected(activity=state), 3
                    raw_changed.append(state)
                else:
                    state = self._activity()
                    self._recent.append(state)
                    event, version = ActivityReported(activity=state), 2
                    raw_new.append(state)
                env = EventEnvelope.wrap(
                    event,
                    producer="bench",
                    aggregate_version=version,
                    correlation_id="bench",
                    time=datetime(2019, 9, 2, 4, tzinfo=UTC),
                )
                events.append(ConsumedEvent(env, event, "sanjin.activities", 0, self._offset))
                self._offset += 1
            started = time.perf_counter()
            async with self.client.start_session() as session:
                await session.with_transaction(
                    lambda s, events=events: self.projector.apply(events, s)
                )
            self.apply_seconds += time.perf_counter() - started
            if raw_new:
                await self.raw.insert_many([_raw(a) for a in raw_new], ordered=False)
            if raw_changed:  # a correction replaces the figures, as in the events service
                await self.raw.bulk_write(
                    [
                        UpdateOne(
                            {"_id": a.id}, {"$set": {"report": a.report.model_dump(mode="json")}}
                        )
                        for a in raw_changed
                        if a.report is not None
                    ],
                    ordered=False,
                )
            self.events += n
            count -= n

    async def aggregate_raw(self) -> list[dict[str, Any]]:
        """The baseline: the same table from the raw records, on request."""
        pipeline = [
            {"$match": {"campaign": CAMPAIGN, "status": "completed"}},
            {
                "$group": {
                    "_id": {"province": "$province", "venue_type": "$venue_type"},
                    "education_activities": {"$sum": 1},
                    **{f: {"$sum": f"$report.{f}"} for f in FIGURES},
                }
            },
        ]
        return await (await self.raw.aggregate(pipeline)).to_list()


def _raw(a: ActivityState) -> dict[str, Any]:
    doc = a.model_dump(mode="json")
    doc["_id"] = doc.pop("id")
    return doc


async def latencies(call: Any, times: int) -> list[float]:
    out = []
    for _ in range(times):
        started = time.perf_counter()
        await call()
        out.append(time.perf_counter() - started)
    return sorted(out)


def pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


async def measure_query(
    mongo_uri: str, db_name: str, aggregator_url: str, headers: dict[str, str], sizes: list[int]
) -> dict[str, dict]:
    client: AsyncMongoClient[Any] = AsyncMongoClient(mongo_uri, tz_aware=True)
    corpus = Corpus(client, db_name)
    results: dict[str, dict] = {}
    try:
        async with httpx.AsyncClient(timeout=120) as http:
            url = f"{aggregator_url}/v1/campaigns/{CAMPAIGN}/statistics"
            for size in sizes:
                await corpus.grow(size - corpus.events)
                response = await http.get(url, headers=headers)
                response.raise_for_status()
                # the writes just made are still being checkpointed: let them settle, untimed
                await latencies(lambda: http.get(url, headers=headers), 100)
                api = await latencies(lambda: http.get(url, headers=headers), 300)
                raw = await latencies(corpus.aggregate_raw, 3 if size >= 100_000 else 20)
                label = f"{size // 1000}k" if size < 1_000_000 else f"{size // 1_000_000}M"
                results[f"statistics_query_p99_{label}"] = {
                    "value": round(pct(api, 0.99), 2),
                    "unit": "ms (p99; baseline: raw aggregation p50)",
                    "baseline": round(pct(raw, 0.5), 2),
                    "ratio": round(pct(raw, 0.5) / pct(api, 0.99), 1),
                }
                results[f"statistics_query_p50_{label}"] = {
                    "value": round(pct(api, 0.5), 2),
                    "unit": "ms",
                    "baseline": None,
                    "ratio": None,
                }
            results["projector_apply_rate"] = {
                "value": round(corpus.events / corpus.apply_seconds, 1),
                "unit": "events/s (projector in transactions of 2,000, no Kafka)",
                "baseline": None,
                "ratio": None,
            }
    finally:
        await client.drop_database(db_name)
        await client.close()
    return results
