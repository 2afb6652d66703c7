"""`make chaos`: write records through the public API while the broker, the services, the
aggregator and the database are killed and restarted, then check that nothing acknowledged was
lost or counted twice.

A load generator posts activities and their reports for all 32 units, as a provincial system
would: an `Idempotency-Key` per create, and retries with backoff on connection errors and 5xx.
Meanwhile a fault schedule SIGKILLs Kafka (and restarts it), SIGKILLs the events service (its
relay with it) and the aggregator, and restarts MongoDB once. Afterwards it republishes a share
of the published events (duplicates) and puts poison messages on the topic. It then waits until
the aggregator's statistics equal the figures computed from the events service's records, checks
every acknowledged record exists once, every poison message is in the dead-letter topic, and that
a replay gives the same view; the report prints the counts.

Scope of this first harness: activities (the events service) and the aggregator. Risk reports,
inspection and surveys are not in the load yet.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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

from sanjin_devstack import procs
from sanjin_devstack.kafka import KafkaNode
from sanjin_devstack.mongo import MongoServer
from sanjin_devstack.paths import REPO
from sanjin_devstack.stack import reap_stale_runs, uvicorn_argv
from sanjin_shared.auth import mint_token
from sanjin_shared.provisioning import provision_topics
from sanjin_shared.reference import PROVINCES
from tests.support.kafka import read_all
from tests.support.replay import run_replay

SECRET = "sanjin-chaos-secret-0123456789abcdef0123456789"  # noqa: S105 - a throw-away local stack
UNITS = list(PROVINCES)
APPS = {"events": "sanjin_events.main:build_app", "aggregator": "sanjin_aggregator.main:build_app"}


@dataclass
class Report:
    records: int = 0
    acknowledged: int = 0
    retries: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    duplicates_injected: int = 0
    poison_injected: int = 0
    dead_letters: int = 0
    lost: int = 0
    double_counted: int = 0
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
        return [
            f"records written: {self.records} (acknowledged {self.acknowledged}, retries {self.retries})",
            "faults: " + ", ".join(f"{k} ×{v}" for k, v in sorted(self.faults.items())),
            f"duplicates injected: {self.duplicates_injected}; poison messages: {self.poison_injected}",
            f"dead letters found: {self.dead_letters}",
            f"lost: {self.lost}; double-counted: {self.double_counted}",
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


async def load(
    stack: Stack, records: int, concurrency: int, campaign: str, report: Report
) -> dict[str, int]:
    """Write `records` activities and their reports; returns external id -> participants acked."""
    acked: dict[str, int] = {}
    rng = random.Random(7)
    queue = list(range(records))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:

        async def call(method: str, path: str, body: dict, headers: dict) -> httpx.Response:
            delay = 0.1
            while True:
                try:
                    r = await http.request(
                        method, stack.url("events") + path, json=body, headers=headers
                    )
                    if r.status_code < 500:
                        return r
                except httpx.TransportError:
                    pass
                report.retries += 1
                await asyncio.sleep(delay * (0.5 + rng.random()))
                delay = min(delay * 2, 3.0)

        async def worker() -> None:
            while queue:
                i = queue.pop()
                province = UNITS[i % len(UNITS)]
                headers = {
                    "Authorization": f"Bearer {mint_token(SECRET, sub='chaos', role='province', province=province)}"
                }
                external_id = f"C-{i}"
                body = {
                    "campaign": campaign,
                    "kind": "education",
                    "title": f"活动{i}",
                    "venue_type": "community",
                    "venue_name": f"社区{i % 500}",
                    "city": "市",
                    "county": "区",
                    "scheduled_on": "2019-09-15",
                    "formats": ["materials"],
                    "organizer": "市场监管局",
                    "external_id": external_id,
                }
                created = await call(
                    "POST", "/v1/activities", body, headers | {"Idempotency-Key": external_id}
                )
                assert created.status_code in (200, 201), created.text
                participants = 1 + i % 97
                figures = {
                    "held_on": "2019-09-20",
                    "participants": participants,
                    "materials_distributed": 1,
                    "consultations": 0,
                    "comparison_items_displayed": 0,
                    "video_showings": 0,
                    "media_reports": 0,
                }
                reported = await call(
                    "POST", f"/v1/activities/{created.json()['id']}/report", figures, headers
                )
                assert reported.status_code == 200, reported.text
                acked[external_id] = participants
                report.records += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    report.acknowledged = len(acked)
    return acked


async def faults(
    stack: Stack, report: Report, stop: asyncio.Event, plan: dict[str, int], every_s: float
) -> None:
    """Kill and restart things, spread over the load, until the plan is done or the load ends."""
    schedule = [k for k, n in plan.items() for _ in range(n)]
    random.Random(11).shuffle(schedule)
    for kind in schedule:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every_s)
        if kind == "kafka":
            stack.kafka.kill()
            await asyncio.sleep(2)
            await asyncio.to_thread(stack.kafka.start)
            await asyncio.to_thread(stack.kafka.wait_ready)
        elif kind in APPS:
            stack.kill(kind)
            await asyncio.sleep(0.5)
            await asyncio.to_thread(stack.start, kind)
            await asyncio.to_thread(stack.wait_up, kind)
        elif kind == "mongodb":
            await asyncio.to_thread(stack.mongo.stop)
            await asyncio.to_thread(stack.mongo.start)
            await asyncio.to_thread(stack.mongo.wait_ready)
        report.faults[f"{'SIGKILL ' if kind != 'mongodb' else 'restart '}{kind}"] += 1


async def verify(
    stack: Stack, campaign: str, acked: dict[str, int], report: Report, poison: int
) -> None:
    client: AsyncMongoClient[Any] = AsyncMongoClient(stack.mongo.uri, tz_aware=True)
    try:
        events_db = client["chaos_events"]
        docs = await events_db["activities"].find({"campaign": campaign}).to_list()
        by_external = Counter(d["external_id"] for d in docs)
        report.lost = sum(1 for e in acked if by_external[e] == 0)
        report.double_counted = sum(n - 1 for n in by_external.values() if n > 1)
        expected: Counter[str] = Counter()
        count: Counter[str] = Counter()
        for d in docs:
            if d["status"] == "completed":
                expected[d["province"]] += d["report"]["participants"]
                count[d["province"]] += 1

        # duplicates: the relay publishes a share of the events again
        published = (
            await events_db["outbox"].find({"pending": {"$exists": False}}, {"_id": 1}).to_list()
        )
        again = [
            d["_id"] for d in random.Random(3).sample(published, k=max(1, len(published) // 20))
        ]
        await events_db["outbox"].update_many({"_id": {"$in": again}}, {"$set": {"pending": True}})
        report.duplicates_injected = len(again)
        # poison: messages no consumer can apply
        from aiokafka import AIOKafkaProducer

        producer = AIOKafkaProducer(bootstrap_servers=stack.kafka.bootstrap)
        await producer.start()
        try:
            for k in range(poison):
                await producer.send_and_wait(
                    "sanjin.activities", value=b"not json %d" % k, key=b"poison"
                )
        finally:
            await producer.stop()
        report.poison_injected = poison

        hq = {"Authorization": f"Bearer {mint_token(SECRET, sub='chaos', role='hq')}"}
        started = time.monotonic()
        async with httpx.AsyncClient(timeout=30) as http:
            url = stack.url("aggregator") + f"/v1/campaigns/{campaign}/statistics"

            def matches(table: dict[str, Any]) -> bool:
                return all(
                    p["metrics"]["participants"] == expected[p["province"]]
                    and p["metrics"]["education_activities"] == count[p["province"]]
                    for p in table["provinces"]
                )

            table: dict[str, Any] = {}
            while time.monotonic() - started < 600:
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
            # give the duplicates time to arrive, then the figures must not have moved
            while await events_db["outbox"].count_documents({"pending": True}):
                await asyncio.sleep(0.2)
            await asyncio.sleep(2)
            assert matches((await http.get(url, headers=hq)).json()), "duplicates were counted"

            dlq = await read_all(stack.kafka.bootstrap, "sanjin.activities.dlq")
            report.dead_letters = sum(1 for m in dlq if m.value.startswith(b"not json"))

            before = (await http.get(url, headers=hq)).json()

            class Service:  # what run_replay needs to see the switch in the aggregator's log
                log_path = stack.run_dir / "logs" / "aggregator.log"

            await run_replay(stack.env | {"SANJIN_MONGODB_DATABASE": "chaos_aggregator"}, Service())  # type: ignore[arg-type]
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                after = (await http.get(url, headers=hq)).json()
                if after == before:
                    report.replay_identical = True
                    break
                await asyncio.sleep(0.5)
    finally:
        await client.close()


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
            stop = asyncio.Event()
            # spread the faults over the load's expected length (about 60 records/s here)
            every = max(1.0, records / 60 / (sum(plan.values()) + 1))
            chaos = asyncio.create_task(faults(stack, report, stop, plan, every))
            acked = await load(stack, records, concurrency, campaign, report)
            stop.set()
            await chaos
            for name in APPS:  # whatever the schedule left down comes back
                if not procs.pid_of(name, run_dir=run_dir):
                    stack.start(name)
                    stack.wait_up(name)
            await verify(stack, campaign, acked, report, poison)

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
    parser.add_argument("--poison", type=int, default=5)
    args = parser.parse_args()
    plan = {
        "kafka": args.kafka_kills,
        "events": args.service_kills,
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
    ok = (
        report.lost == 0
        and report.double_counted == 0
        and report.dead_letters >= report.poison_injected
    )
    ok = ok and report.replay_identical
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
