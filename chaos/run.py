"""`make chaos`: write records of every kind through the public APIs while the broker, the
services, the aggregator and the database are killed and restarted, then check that nothing
acknowledged was lost or counted twice.

A load generator writes, for all 32 units and as a provincial system would (an `Idempotency-Key`
and an `external_id` per create, retries with backoff on connection errors and 5xx): activities
and their reports, monitoring points, risk reports, inspection bookings (some cancelled, which
promotes the waiting line) and results, and survey responses. Meanwhile a fault schedule SIGKILLs
Kafka (and restarts it), SIGKILLs the intake services in turn (each one's relay with it) and the
aggregator, and restarts MongoDB once. Afterwards it makes the relays publish a share of their
events again (duplicates), publishes older versions of aggregates after newer ones (the only
reordering Kafka allows across a producer's retries: per key, order holds within a partition),
and puts poison messages on every topic. It then waits until the aggregator's statistics equal
the figures computed from the intake services' records, checks that every acknowledged record
exists exactly once, that every poison message is in a dead-letter topic, and that a replay gives
the same view; the report prints the counts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from sanjin_aggregator.domain.metrics import COUNT_METRICS
from sanjin_devstack import procs
from sanjin_devstack.kafka import KafkaNode
from sanjin_devstack.mongo import MongoServer
from sanjin_devstack.paths import REPO
from sanjin_devstack.stack import reap_stale_runs, uvicorn_argv
from sanjin_shared.auth import mint_token
from sanjin_shared.provisioning import provision_topics
from sanjin_shared.reference import PROVINCES
from sanjin_shared.registry import INTAKE as INTAKE_SERVICES
from sanjin_shared.registry import SERVICES
from tests.support.campaigns import TEST_WINDOW, CampaignTopic
from tests.support.expected import statistics_from_records
from tests.support.factories import (
    activity_body,
    booking_body,
    point_body,
    report_body,
    risk_report_body,
    session_body,
    survey_body,
)
from tests.support.kafka import read_all
from tests.support.replay import run_replay

SECRET = "sanjin-chaos-secret-0123456789abcdef0123456789"  # noqa: S105 - a throw-away local stack
UNITS = list(PROVINCES)
INTAKE = {s.name: s.factory for s in INTAKE_SERVICES}
APPS = {s.name: s.factory for s in SERVICES}
# What each intake service keeps, and the field that names a record uniquely for the exactly-once
# check (the load sets it from the record's number).
RECORDS = {
    "events": [("activities", "external_id")],
    "risk_monitoring": [("monitoring_points", "external_id"), ("risk_reports", "external_id")],
    "inspection": [("bookings", "external_id"), ("inspection_results", "external_id")],
    "survey": [("responses", "respondent_id")],
}
TOPICS = [s.topic.name for s in INTAKE_SERVICES]
# Ten slots: record number i writes MIX[i % 10] for unit UNITS[i // 10 % 32], so every unit gets
# every kind.
MIX = ["activity"] * 4 + ["point", "risk_report", "risk_report", "booking", "result", "response"]
BOOKINGS_PER_SESSION = 60  # sessions take 40 places, so a third of their bookings wait
OUTCOMES = [("testing", "pass"), ("testing", "fail"), ("authentication", "counterfeit")]


@dataclass
class Report:
    records: int = 0
    acknowledged: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    duplicates_injected: int = 0
    reordered_injected: int = 0
    poison_injected: int = 0
    dead_letters: int = 0
    lost: int = 0
    double_counted: int = 0
    metrics_checked: int = 0
    converged_s: float = 0.0
    replay_identical: bool = False

    @property
    def passed(self) -> bool:
        return (
            self.lost == 0
            and self.double_counted == 0
            and self.dead_letters >= self.poison_injected
            and self.replay_identical
        )

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.by_kind.items()))
        return [
            f"records written: {self.records} ({kinds})",
            f"acknowledged {self.acknowledged}; retries {self.retries}",
            "faults: " + ", ".join(f"{k} ×{v}" for k, v in sorted(self.faults.items())),
            f"duplicates injected: {self.duplicates_injected}; older versions republished after"
            f" newer ones: {self.reordered_injected}; poison messages: {self.poison_injected}",
            f"dead letters found: {self.dead_letters}",
            f"lost: {self.lost}; double-counted: {self.double_counted};"
            f" statistics cells compared: {self.metrics_checked}",
            f"converged {self.converged_s:.1f} s after the load; replay identical: {self.replay_identical}",
        ]


class Stack:
    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.kafka = KafkaNode(run_dir, port=procs.free_port(), controller_port=procs.free_port())
        self.mongo = MongoServer(run_dir, port=procs.free_port(), cache_size="512M")
        self.ports = {name: procs.free_port() for name in APPS}
        self.env = {
            "SANJIN_ENVIRONMENT": "test",
            "SANJIN_JWT_SECRET": SECRET,
            "SANJIN_MONGODB_URI": self.mongo.uri,
            "SANJIN_KAFKA_BOOTSTRAP": self.kafka.bootstrap,
            "SANJIN_LOG_LEVEL": "INFO",  # the replay check reads the aggregator's switch-over
            "SANJIN_OUTBOX_POLL_INTERVAL_S": "0.2",
            "SANJIN_GENERATION_CHECK_INTERVAL_S": "0.5",
        }

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def start_servers(self) -> None:
        self.mongo.start()
        self.kafka.start()
        self.mongo.wait_ready()
        self.kafka.wait_ready()
        asyncio.run(provision_topics(self.kafka.bootstrap))

    def start(self, name: str) -> None:
        procs.spawn(
            name,
            uvicorn_argv(APPS[name], self.ports[name], "--log-level", "warning"),
            run_dir=self.run_dir,
            env={**os.environ, **self.env, "SANJIN_MONGODB_DATABASE": f"chaos_{name}"},
            cwd=REPO,
        )

    def wait_up(self, name: str) -> None:
        procs.wait_for(
            lambda: httpx.get(self.url(name) + "/healthz", timeout=2).status_code == 200,
            timeout_s=60,
            what=name,
        )

    def kill(self, name: str) -> None:
        procs.kill(name, run_dir=self.run_dir)

    def stop_all(self) -> None:
        for name in APPS:
            procs.stop(name, run_dir=self.run_dir)
        self.kafka.stop()
        self.mongo.stop()


def province_headers(province: str) -> dict[str, str]:
    token = mint_token(SECRET, sub=f"chaos-{province}", role="province", province=province)
    return {"Authorization": f"Bearer {token}"}


class Writer:
    """A provincial system: retries with jittered backoff until it has an answer below 500."""

    def __init__(self, stack: Stack, http: httpx.AsyncClient, report: Report) -> None:
        self.stack, self.http, self.report = stack, http, report
        self.rng = random.Random(7)

    async def call(
        self, service: str, path: str, body: dict[str, Any] | None, headers: dict[str, str]
    ) -> httpx.Response:
        delay = 0.1
        while True:
            try:
                r = await self.http.post(self.stack.url(service) + path, json=body, headers=headers)
                if r.status_code < 500:
                    return r
            except httpx.TransportError:
                pass
            self.report.retries += 1
            await asyncio.sleep(delay * (0.5 + self.rng.random()))
            delay = min(delay * 2, 3.0)

    async def create(
        self, service: str, path: str, body: dict[str, Any], province: str, key: str
    ) -> dict[str, Any]:
        r = await self.call(
            service, path, body, province_headers(province) | {"Idempotency-Key": key}
        )
        assert r.status_code in (200, 201), f"{path}: {r.status_code} {r.text}"
        return dict(r.json())


class Load:
    """Writes `records` records of every kind; what a record is comes from MIX by its number."""

    def __init__(self, writer: Writer, campaign: str, records: int) -> None:
        self.w, self.campaign, self.records = writer, campaign, records
        self.acked: dict[str, set[str]] = {kind: set() for kind in set(MIX) | {"setup"}}
        self.points: dict[str, str] = {}
        self.surveys: dict[str, str] = {}
        self.sessions: dict[tuple[str, int], str] = {}

    async def setup(self) -> None:
        """Per unit: a monitoring point for the risk reports, a survey, inspection sessions."""
        per_unit = self.records // len(MIX) // len(UNITS) // BOOKINGS_PER_SESSION + 1
        for province in UNITS:
            point = await self.w.create(
                "risk_monitoring",
                "/v1/monitoring-points",
                point_body(self.campaign, external_id=f"P-{province}", name=f"监测点{province}"),
                province,
                f"P-{province}",
            )
            self.points[province] = point["id"]
            survey = await self.w.create(
                "survey", "/v1/surveys", survey_body(self.campaign), province, f"V-{province}"
            )
            self.surveys[province] = survey["id"]
            for k in range(per_unit):
                session = await self.w.create(
                    "inspection",
                    "/v1/inspection-sessions",
                    session_body(
                        self.campaign,
                        services=["testing", "authentication"],
                        capacity=40,
                        venue_name=f"社区{k}",
                    ),
                    province,
                    f"S-{province}-{k}",
                )
                self.sessions[(province, k)] = session["id"]
            self.acked["setup"].add(province)

    async def write(self, i: int) -> None:
        kind, n, key = MIX[i % len(MIX)], i // len(MIX), f"C-{i}"
        province = UNITS[n % len(UNITS)]
        w, campaign = self.w, self.campaign
        if kind == "activity":
            a = await w.create(
                "events",
                "/v1/activities",
                activity_body(
                    campaign,
                    title=f"活动{i}",
                    venue_name=f"社区{i % 500}",
                    formats=["materials"],
                    external_id=key,
                ),
                province,
                key,
            )
            figures = report_body(
                held_on="2019-09-20", participants=1 + i % 97, materials_distributed=i % 13
            )
            r = await w.call(
                "events", f"/v1/activities/{a['id']}/report", figures, province_headers(province)
            )
            assert r.status_code == 200, r.text
        elif kind == "point":
            body = point_body(campaign, name=f"监测点{i}", venue_type="hospital", external_id=key)
            await w.create("risk_monitoring", "/v1/monitoring-points", body, province, key)
        elif kind == "risk_report":
            body = risk_report_body(
                self.points[province],
                campaign,
                brand=f"B{i % 50}",
                severity=["none", "minor", "moderate", "severe", "fatal"][i % 5],
                injured=i % 5 > 0 and i % 3 == 0,  # an injury needs a severity above none
                external_id=key,
            )
            await w.create("risk_monitoring", "/v1/risk-reports", body, province, key)
        elif kind == "booking":
            # this unit's n // 32-th booking: sessions fill one after the other
            session = self.sessions[(province, n // len(UNITS) // BOOKINGS_PER_SESSION)]
            b = await w.create(
                "inspection",
                f"/v1/inspection-sessions/{session}/bookings",
                booking_body(i, waitlist=True, external_id=key),
                province,
                key,
            )
            if i % 7 == 0:  # a cancellation: the first in the waiting line takes the place
                r = await w.call(
                    "inspection", f"/v1/bookings/{b['id']}/cancel", None, province_headers(province)
                )
                assert r.status_code in (200, 409), r.text  # 409: cancelled by an earlier try
        elif kind == "result":
            service, outcome = OUTCOMES[i % len(OUTCOMES)]
            body = {
                "product_category": "toys",
                "service": service,
                "outcome": outcome,
                "external_id": key,
            }
            session = self.sessions[(province, 0)]
            await w.create(
                "inspection", f"/v1/inspection-sessions/{session}/results", body, province, key
            )
        else:
            body = {
                "respondent_id": key,
                "answers": {"q1": 1 + i % 5, "q2": 1 + i % 7, "q3": 1 + i % 10},
            }
            path = f"/v1/surveys/{self.surveys[province]}/responses"
            await w.create("survey", path, body, province, key)
        self.acked[kind].add(key)
        self.w.report.by_kind[kind] += 1
        self.w.report.records += 1


async def load(stack: Stack, records: int, concurrency: int, campaign: str, report: Report) -> Load:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        work = Load(Writer(stack, http, report), campaign, records)
        await work.setup()
        queue = list(range(records))
        random.Random(5).shuffle(queue)

        async def worker() -> None:
            while queue:
                await work.write(queue.pop())

        async def progress(every_s: float = 30.0) -> None:
            started = time.monotonic()
            while True:
                await asyncio.sleep(every_s)
                elapsed = time.monotonic() - started
                print(
                    f"[chaos] {report.records:,}/{records:,} records in {elapsed:.0f} s"
                    f" ({report.records / elapsed:.0f}/s), {report.retries} retries,"
                    f" faults so far: {sum(report.faults.values())}",
                    flush=True,
                )

        ticker = asyncio.create_task(progress())
        try:
            await asyncio.gather(*(worker() for _ in range(concurrency)))
        finally:
            ticker.cancel()
    report.acknowledged = sum(len(keys) for kind, keys in work.acked.items() if kind != "setup")
    return work


async def faults(
    stack: Stack, report: Report, stop: asyncio.Event, plan: dict[str, int], records: int
) -> None:
    """Kill and restart things while the load runs: the k-th of n faults when k/(n+1) of the
    records are written, so all of them land during writes whatever the rate. "service" kills
    take the intake services in turn."""
    schedule = [k for k, n in plan.items() for _ in range(n)]
    random.Random(11).shuffle(schedule)
    services = list(INTAKE)
    for k, kind in enumerate(schedule, 1):
        due = records * k // (len(schedule) + 1)
        while report.records < due and not stop.is_set():
            await asyncio.sleep(0.2)
        if kind == "kafka":
            stack.kafka.kill()
            await asyncio.sleep(2)
            await asyncio.to_thread(stack.kafka.start)
            await asyncio.to_thread(stack.kafka.wait_ready)
        elif kind in ("service", "aggregator"):
            name = services.pop(0) if kind == "service" else kind
            stack.kill(name)
            await asyncio.sleep(0.5)
            await asyncio.to_thread(stack.start, name)
            await asyncio.to_thread(stack.wait_up, name)
            kind = name
        elif kind == "mongodb":
            await asyncio.to_thread(stack.mongo.stop)
            await asyncio.to_thread(stack.mongo.start)
            await asyncio.to_thread(stack.mongo.wait_ready)
        report.faults[f"{'SIGKILL ' if kind != 'mongodb' else 'restart '}{kind}"] += 1


async def inject(stack: Stack, client: AsyncMongoClient[Any], report: Report, poison: int) -> None:
    """Duplicates through the relays, older versions after newer ones, and poison messages."""
    from aiokafka import AIOKafkaProducer

    rng = random.Random(3)
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka.bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for service in INTAKE:
            outbox = client[f"chaos_{service}"]["outbox"]
            published = await outbox.find(
                {"pending": {"$exists": False}}, {"_id": 1, "key": 1}
            ).to_list()
            again = [d["_id"] for d in rng.sample(published, k=max(1, len(published) // 20))]
            await outbox.update_many({"_id": {"$in": again}}, {"$set": {"pending": True}})
            report.duplicates_injected += len(again)
            # every version of a sample of aggregates with several, newest first
            pipeline: list[dict[str, Any]] = [
                {"$group": {"_id": "$key", "n": {"$sum": 1}}},
                {"$match": {"n": {"$gt": 1}}},
                {"$limit": 200},
            ]
            several = await (await outbox.aggregate(pipeline)).to_list()
            for group in several:
                docs = (
                    await outbox.find({"key": group["_id"]}).sort("aggregate_version", -1).to_list()
                )
                for d in docs:
                    await producer.send(
                        d["topic"],
                        value=d["value"],
                        key=d["key"].encode(),
                        headers=[
                            (k, v.encode() if isinstance(v, str) else v) for k, v in d["headers"]
                        ],
                    )
                    report.reordered_injected += 1
        for k in range(poison):
            topic = TOPICS[k % len(TOPICS)]
            await producer.send_and_wait(topic, value=b"not json %d" % k, key=b"poison")
        report.poison_injected = poison
        await producer.flush()
    finally:
        await producer.stop()


async def verify(stack: Stack, work: Load, report: Report, poison: int) -> None:
    campaign = work.campaign
    client: AsyncMongoClient[Any] = AsyncMongoClient(stack.mongo.uri, tz_aware=True)
    try:
        acked = set().union(*(keys for kind, keys in work.acked.items() if kind != "setup"))
        seen: Counter[str] = Counter()
        for service, collections in RECORDS.items():
            for collection, natural_key in collections:
                cursor = client[f"chaos_{service}"][collection].find(
                    {natural_key: {"$regex": "^C-"}}, {natural_key: 1}
                )
                async for d in cursor:
                    seen[d[natural_key]] += 1
        report.lost = sum(1 for key in acked if seen[key] == 0)
        report.double_counted = sum(n - 1 for n in seen.values() if n > 1)

        await inject(stack, client, report, poison)

        hq = {"Authorization": f"Bearer {mint_token(SECRET, sub='chaos', role='hq')}"}
        urls = {
            "events": stack.url("events"),
            "risk": stack.url("risk_monitoring"),
            "inspection": stack.url("inspection"),
            "survey": stack.url("survey"),
        }
        started = time.monotonic()
        async with httpx.AsyncClient(timeout=60) as http:
            expected = await statistics_from_records(http, urls, campaign, hq, UNITS)
            url = stack.url("aggregator") + f"/v1/campaigns/{campaign}/statistics"

            def matches(table: dict[str, Any]) -> bool:
                rows = {p["province"]: p["metrics"] for p in table["provinces"]}
                return all(rows[p][m] == expected[p][m] for p in UNITS for m in COUNT_METRICS)

            table: dict[str, Any] = {}
            while time.monotonic() - started < 900:
                try:
                    table = (await http.get(url, headers=hq)).json()
                    if matches(table):
                        break
                except (httpx.TransportError, ValueError):
                    pass
                await asyncio.sleep(0.5)
            else:
                raise AssertionError(f"the statistics did not converge: {table.get('totals')}")
            report.converged_s = time.monotonic() - started
            report.metrics_checked = len(UNITS) * len(COUNT_METRICS)
            # the duplicates must have been published, and then the figures must not have moved
            for service in INTAKE:
                outbox = client[f"chaos_{service}"]["outbox"]
                while await outbox.count_documents({"pending": True}):
                    await asyncio.sleep(0.2)
            await asyncio.sleep(3)
            assert matches((await http.get(url, headers=hq)).json()), "duplicates were counted"

            for topic in TOPICS:
                dlq = await read_all(stack.kafka.bootstrap, topic + ".dlq")
                report.dead_letters += sum(1 for m in dlq if m.value.startswith(b"not json"))

            before = (await http.get(url, headers=hq)).json()

            class Service:  # what run_replay needs to see the switch in the aggregator's log
                log_path = stack.run_dir / "logs" / "aggregator.log"

            await run_replay(stack.env | {"SANJIN_MONGODB_DATABASE": "chaos_aggregator"}, Service())  # type: ignore[arg-type]
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                after = (await http.get(url, headers=hq)).json()
                if after == before:
                    report.replay_identical = True
                    break
                await asyncio.sleep(0.5)
    finally:
        await client.close()


async def define_campaign(stack: Stack, campaign: str) -> None:
    """Headquarters defines the run's campaign; the intake services learn it from the topic."""
    admin = {"Authorization": f"Bearer {mint_token(SECRET, sub='chaos', role='admin')}"}
    starts_on, ends_on = TEST_WINDOW
    async with httpx.AsyncClient(timeout=60) as http:
        r = await http.put(
            stack.url("aggregator") + f"/v1/campaigns/{campaign}",
            json={
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
                "report_deadline": f"{ends_on.isoformat()}T23:59:59+08:00",
            },
            headers=admin,
        )
        r.raise_for_status()
    topic = CampaignTopic(stack.kafka.bootstrap, "")
    await topic.published(campaign)


def run(records: int, concurrency: int, plan: dict[str, int], poison: int) -> Report:
    reap_stale_runs()
    run_dir = REPO / ".run" / f"chaos-{os.getpid()}"
    stack = Stack(run_dir)
    report = Report()
    campaign = f"chaos-{uuid.uuid4().hex[:6]}"
    try:
        stack.start_servers()
        for name in APPS:
            stack.start(name)
        for name in APPS:
            stack.wait_up(name)

        async def scenario() -> None:
            await define_campaign(stack, campaign)
            stop = asyncio.Event()
            chaos = asyncio.create_task(faults(stack, report, stop, plan, records))
            work = await load(stack, records, concurrency, campaign, report)
            stop.set()
            await chaos
            for name in APPS:  # whatever the schedule left down comes back
                if not procs.pid_of(name, run_dir=run_dir):
                    stack.start(name)
                    stack.wait_up(name)
            await verify(stack, work, report, poison)

        asyncio.run(scenario())
    finally:
        stack.stop_all()
    if report.passed:
        shutil.rmtree(run_dir, ignore_errors=True)  # kept, with every log, when it failed
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--kafka-kills", type=int, default=5)
    parser.add_argument("--service-kills", type=int, default=3)
    parser.add_argument("--aggregator-kills", type=int, default=3)
    parser.add_argument("--mongodb-restarts", type=int, default=1)
    parser.add_argument("--poison", type=int, default=8)
    args = parser.parse_args()
    plan = {
        "kafka": args.kafka_kills,
        "service": args.service_kills,
        "aggregator": args.aggregator_kills,
        "mongodb": args.mongodb_restarts,
    }
    started = time.monotonic()
    report = run(args.records, args.concurrency, plan, args.poison)
    print(
        "\n".join(
            ["", "chaos report", *report.lines(), f"total {time.monotonic() - started:.0f} s"]
        )
    )
    print("PASS" if report.passed else "FAIL")
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
