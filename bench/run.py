"""`make bench`: throughput and latency measured side by side in one run, as ratios.

Starts its own Kafka and SecantusDB (deploy/local) on free ports, the service under test and its
baseline, then drives both with the same load from this process. Writes
bench/results/latest.json as {name: {value, unit, baseline, ratio}} and prints a table.
This machine is shared: read the ratios, not the absolute figures.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import platform
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

import httpx

from bench.pipeline import freshness, relay_and_apply
from bench.profile import CpuMeter, profiled
from bench.query import measure_query
from bench.tokens import verify_costs
from bench.tuning import knobs
from bench.workbook import workbook_vs_batch
from sanjin_devstack import procs
from sanjin_devstack.kafka import KafkaNode
from sanjin_devstack.mongo import MongoServer
from sanjin_devstack.paths import REPO
from sanjin_devstack.stack import reap_stale_runs, uvicorn_argv
from sanjin_shared.auth import mint_token
from sanjin_shared.provisioning import provision_topics
from sanjin_shared.registry import service

SECRET = "sanjin-bench-secret-0123456789abcdef0123456789"  # noqa: S105 - the throw-away local stack of the benchmark
RESULTS = REPO / "bench" / "results" / "latest.json"


@dataclass
class Load:
    requests: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def drive(
    url: str, make_body: Callable[[int], dict], *, headers: dict, concurrency: int, total: int
) -> Load:
    latencies: list[float] = []
    counter = iter(range(total))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=300, limits=limits) as client:  # the slower server too

        async def worker() -> None:
            for i in counter:
                body = make_body(i)
                started = time.perf_counter()
                response = await client.post(url, json=body, headers=headers)
                latencies.append(time.perf_counter() - started)
                if response.status_code >= 300:
                    raise RuntimeError(f"{url}: {response.status_code} {response.text[:300]}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return Load(total, elapsed, latencies)


def activity(campaign: str, i: int) -> dict:
    return {
        "campaign": campaign,
        "kind": "education",
        "title": f"消费品质量安全进社区 {i}",
        "venue_type": "community",
        "venue_name": f"社区{i}",
        "city": "北京市",
        "county": "东城区",
        "scheduled_on": "2019-09-15",
        "formats": ["materials"],
        "organizer": "北京市市场监督管理局",
        "external_id": f"bench-{campaign}-{i}",
    }


async def side_by_side(
    service: str,
    baseline: str,
    body: Callable[[int, str], dict],
    concurrency: int,
    total: int,
    *,
    rounds: int,
    headers: dict,
    tag: str,
    cpu: CpuMeter | None = None,
    cpu_label: str | None = None,
) -> tuple[Load, Load]:
    """Interleaved rounds of the service and its baseline under the same load; best of each.
    Every round writes new records (its own external ids, starting with `tag`). With `cpu` and
    `cpu_label`, the CPU time of the last round of each is kept."""
    runs: dict[str, list[Load]] = {service: [], baseline: []}
    for r in range(rounds):
        for url in (service, baseline):
            side = "service" if url == service else "baseline"
            round_tag = f"{tag}-{uuid.uuid4().hex[:6]}-{r}{side[0]}"
            metered = cpu.measure(f"{cpu_label} ({side})") if cpu and cpu_label else nullcontext()
            with metered:
                load = await drive(
                    url,
                    lambda i, round_tag=round_tag: body(i, round_tag),
                    headers=headers,
                    concurrency=concurrency,
                    total=total,
                )
            runs[url].append(load)
    return _best(runs[service]), _best(runs[baseline])


async def measure(
    args: argparse.Namespace,
    events_url: str,
    bare_url: str,
    survey_url: str,
    pids: dict[str, int],
    unlimited_url: str,
    cpu: CpuMeter,
) -> dict:
    headers = bearer("province", "110000")
    results: dict[str, dict] = {}
    campaign = f"2019-bench-{uuid.uuid4().hex[:6]}"
    # warm both up
    await drive(
        f"{bare_url}/bare",
        lambda i: activity(campaign + "w", i),
        headers=headers,
        concurrency=4,
        total=200,
    )
    await drive(
        f"{events_url}/v1/activities",
        lambda i: activity(campaign + "w", i),
        headers=headers,
        concurrency=4,
        total=200,
    )

    compare = functools.partial(
        side_by_side, rounds=args.rounds, headers=headers, tag=campaign, cpu=cpu
    )

    # 1. single creates: the service (durable outbox) beside the bare endpoint
    with profiled(pids["events"], "ingest-events", RESULTS.parent, enabled=args.profile):
        svc, bare = await compare(
            f"{events_url}/v1/activities",
            f"{bare_url}/bare",
            lambda i, tag: activity(tag, i),
            args.concurrency,
            args.requests,
            cpu_label="ingest",
        )
    results["http_ingest_activities"] = _ratio(svc.rate, bare.rate, "records/s")
    results["http_ingest_activities_p50"] = {
        "value": round(svc.pct(0.5), 1),
        "unit": "ms",
        "baseline": round(bare.pct(0.5), 1),
        "ratio": None,
    }
    results["http_ingest_activities_p99"] = {
        "value": round(svc.pct(0.99), 1),
        "unit": "ms",
        "baseline": round(bare.pct(0.99), 1),
        "ratio": None,
    }

    # what the rate limit (one MongoDB update per request) costs: the same service without it
    limited, unlimited = await compare(
        f"{events_url}/v1/activities",
        f"{unlimited_url}/v1/activities",
        lambda i, tag: activity(tag, i),
        args.concurrency,
        args.requests // 2,
    )
    results["http_ingest_rate_limited_vs_off"] = _ratio(
        limited.rate, unlimited.rate, "records/s (baseline: the same service, rate limit off)"
    )

    # 2. batch import, 1,000 items per request, records per second
    size = 1000

    def batch(i: int, tag: str) -> dict:
        return {"items": [activity(tag, i * size + k) for k in range(size)]}

    with profiled(pids["events"], "batch-events", RESULTS.parent, enabled=args.profile):
        svc, bare = await compare(
            f"{events_url}/v1/activities:batch", f"{bare_url}/bare:batch", batch, 2, args.batches
        )
    results["batch_import_activities"] = _ratio(svc.rate * size, bare.rate * size, "records/s")

    # 3. survey responses collected offline, 1,000 per request, each its own transaction
    async with httpx.AsyncClient(timeout=30) as client:
        created = await client.post(
            f"{survey_url}/v1/surveys",
            json={
                "campaign": campaign,
                "product_category": "toys",
                "title": "bench",
                "questions": [
                    {
                        "id": "q1",
                        "text": "质量",
                        "dimension": "quality",
                        "scale_max": 5,
                        "weight": 2,
                    },
                    {
                        "id": "q2",
                        "text": "安全",
                        "dimension": "safety",
                        "scale_max": 7,
                        "weight": 1,
                    },
                ],
                "opens_on": "2019-09-01",
                "closes_on": "2099-12-31",
            },
            headers=headers,
        )
    survey = created.json()

    def responses(i: int, tag: str) -> dict:
        return {
            "items": [
                {"respondent_id": f"{tag}-{i}-{k}", "answers": {"q1": 1 + k % 5, "q2": 1 + k % 7}}
                for k in range(size)
            ]
        }

    svc, bare = await compare(
        f"{survey_url}/v1/surveys/{survey['id']}/responses:batch",
        f"{bare_url}/bare/responses:batch",
        responses,
        2,
        max(1, args.batches // 3),
    )
    results["batch_survey_responses"] = _ratio(svc.rate * size, bare.rate * size, "records/s")
    return results


async def ingest_rate(events_url: str, headers: dict, args: argparse.Namespace) -> float:
    tag = f"peak-{uuid.uuid4().hex[:6]}"
    load = await drive(
        f"{events_url}/v1/activities",
        lambda i: activity(tag, i),
        headers=headers,
        concurrency=args.concurrency,
        total=args.requests // 2,
    )
    return load.rate


def broker_down(
    kafka: KafkaNode, mongo_uri: str, events_url: str, headers: dict, args: argparse.Namespace
) -> dict[str, dict]:
    """7. Ingest with Kafka stopped beside the normal rate, then the backlog's drain rate."""
    import pymongo

    outbox = pymongo.MongoClient(mongo_uri, directConnection=True)["bench_events"]["outbox"]
    up = asyncio.run(ingest_rate(events_url, headers, args))
    kafka.stop()
    try:
        down = asyncio.run(ingest_rate(events_url, headers, args))
        backlog = outbox.count_documents({"pending": True})
    finally:
        kafka.start()
        kafka.wait_ready()
    started = time.perf_counter()
    while outbox.count_documents({"pending": True}) > 0:
        if time.perf_counter() - started > 300:
            raise RuntimeError("the outbox did not drain in 5 minutes")
        time.sleep(0.05)
    drain = time.perf_counter() - started
    return {
        "ingest_with_broker_down": {
            "value": round(down, 1),
            "unit": "records/s (baseline: the same load with Kafka up)",
            "baseline": round(up, 1),
            "ratio": round(down / up, 3),
        },
        "outbox_drain_after_broker_returns": {
            "value": round(backlog / drain, 1),
            "unit": f"events/s ({backlog} pending, from broker ready to empty)",
            "baseline": None,
            "ratio": None,
        },
    }


async def one_or_two_workers(
    args: argparse.Namespace, one_url: str, two_url: str
) -> dict[str, dict]:
    """Single creates on the events service with two uvicorn workers beside one, interleaved."""
    two, one = await side_by_side(
        f"{two_url}/v1/activities",
        f"{one_url}/v1/activities",
        lambda i, tag: activity(tag, i),
        args.concurrency,
        args.requests // 2,
        rounds=args.rounds,
        headers=bearer("province", "110000"),
        tag="workers",
    )
    return {
        "ingest: two uvicorn workers": _ratio(
            two.rate, one.rate, "records/s (baseline: one worker, as deployed)"
        )
    }


def bearer(role: str, province: str | None = None) -> dict[str, str]:
    """The Authorization header of a token the bench's services accept."""
    return {
        "Authorization": "Bearer " + mint_token(SECRET, sub="bench", role=role, province=province)
    }


def _best(runs: list[Load]) -> Load:
    return max(runs, key=lambda load: load.rate)


def _ratio(value: float, baseline: float, unit: str) -> dict:
    return {
        "value": round(value, 1),
        "unit": unit,
        "baseline": round(baseline, 1),
        "ratio": round(value / baseline, 3),
    }


def _report(
    results: dict[str, dict],
    started: float,
    args: argparse.Namespace,
    mongodb: str,
    cpu: CpuMeter | None,
) -> None:
    meta = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}",
        "mongodb": mongodb,
        "settings": vars(args),
        "cpu_seconds": cpu.spent if cpu else {},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({**results, "_meta": meta}, indent=2, ensure_ascii=False) + "\n")
    width = max([32, *(len(name) + 2 for name in results)])
    print(f"\n{'measurement':<{width}}{'value':>12}{'baseline':>12}{'ratio':>8}  unit")
    for name, r in results.items():
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "-"
        baseline = r["baseline"] if r["baseline"] is not None else "-"
        print(f"{name:<{width}}{r['value']:>12}{baseline:>12}{ratio:>8}  {r['unit']}")
    if cpu and cpu.spent:
        print(f"\n{cpu.table()}")
    print(f"\n{meta['machine']}; {meta['mongodb']}; results in {RESULTS.relative_to(REPO)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="single creates per round")
    parser.add_argument("--batches", type=int, default=6, help="batch requests of 1,000 per round")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the best counts")
    parser.add_argument(
        "--query-sizes",
        default="10000,1000000",
        help="applied events at which the statistics query is timed (comma-separated)",
    )
    parser.add_argument(
        "--only",
        choices=["ingest", "pipeline", "query", "tokens", "workbook", "tuning"],
        help="run one part only; `tuning` (the settings' alternatives) runs only when named",
    )
    parser.add_argument("--events", type=int, default=20_000, help="events for relay/apply/replay")
    parser.add_argument(
        "--workbook-rows", type=int, default=5000, help="rows of the Excel-in workbook"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample the measured processes with py-spy (bench/results/profile-*.txt)",
    )
    args = parser.parse_args()
    if args.only == "tokens":  # no servers: the verifier against an issuer of its own
        started = time.time()
        _report(asyncio.run(verify_costs(args.rounds + 2)), started, args, "-", None)
        return 0

    reap_stale_runs()
    run_dir = REPO / ".run" / f"bench-{os.getpid()}"
    kafka = KafkaNode(run_dir, port=procs.free_port(), controller_port=procs.free_port())
    mongo = MongoServer(run_dir, port=procs.free_port(), cache_size="1G")
    ports = {
        "events": procs.free_port(),
        "survey": procs.free_port(),
        "bare": procs.free_port(),
        "aggregator": procs.free_port(),
        "events_unlimited": procs.free_port(),  # the same service with rate limits off
    }
    if args.only == "tuning":
        ports["events_two_workers"] = procs.free_port()  # the same service, two uvicorn workers
    env = {
        "SANJIN_ENVIRONMENT": "test",
        "SANJIN_JWT_SECRET": SECRET,
        "SANJIN_MONGODB_URI": mongo.uri,
        "SANJIN_KAFKA_BOOTSTRAP": kafka.bootstrap,
        "SANJIN_LOG_LEVEL": "WARNING",
        "SANJIN_RATE_LIMIT_PER_WINDOW": "10000000",  # counted, never reached by the load
    }
    pids: dict[str, int] = {}
    try:
        flavour = mongo.start()
        kafka.start()
        mongo.wait_ready()
        kafka.wait_ready()
        asyncio.run(provision_topics(kafka.bootstrap))
        apps = {
            "events": service("events").factory,
            "survey": service("survey").factory,
            "bare": "bench.bare_app:build_app",
            "aggregator": service("aggregator").factory,
            "events_unlimited": service("events").factory,
            "events_two_workers": service("events").factory,
        }
        for name in ports:
            app = apps[name]
            overrides = {"SANJIN_MONGODB_DATABASE": f"bench_{name}"}
            if name == "events_unlimited":
                overrides["SANJIN_RATE_LIMIT_PER_WINDOW"] = "0"
            two_workers = ["--workers", "2"] if name == "events_two_workers" else []
            pids[name] = procs.spawn(
                name,
                uvicorn_argv(app, ports[name], "--log-level", "warning", *two_workers),
                run_dir=run_dir,
                env={**os.environ, **env, **overrides},
                cwd=REPO,
            )
        for name in ports:
            procs.wait_for(
                lambda name=name: (
                    httpx.get(f"http://127.0.0.1:{ports[name]}/docs", timeout=2).status_code == 200
                ),
                timeout_s=60,
                what=name,
            )
        for name in set(ports) - {"bare"}:
            procs.wait_for(
                lambda name=name: (
                    httpx.get(f"http://127.0.0.1:{ports[name]}/readyz", timeout=2).status_code
                    == 200
                ),
                timeout_s=60,
                what=f"{name} ready",
            )
        started = time.time()
        results: dict[str, dict] = {}
        cpu = CpuMeter(
            {
                "bench": os.getpid(),
                "SecantusDB": procs.pid_of(mongo.name, run_dir=run_dir),
                "Kafka": procs.pid_of(kafka.name, run_dir=run_dir),
                "events": pids["events"],
                "bare": pids["bare"],
                "aggregator": pids["aggregator"],
            }
        )
        if args.only in (None, "ingest"):
            results |= asyncio.run(
                measure(
                    args,
                    f"http://127.0.0.1:{ports['events']}",
                    f"http://127.0.0.1:{ports['bare']}",
                    f"http://127.0.0.1:{ports['survey']}",
                    pids,
                    f"http://127.0.0.1:{ports['events_unlimited']}",
                    cpu,
                )
            )
        if args.only in (None, "pipeline"):
            results |= asyncio.run(
                relay_and_apply(
                    mongo.uri, kafka.bootstrap, args.events, 2000, profile=args.profile, cpu=cpu
                )
            )
            province = bearer("province", "110000")
            hq_token = bearer("hq")
            peak = results.get("http_ingest_activities", {}).get("value") or asyncio.run(
                ingest_rate(f"http://127.0.0.1:{ports['events']}", province, args)
            )
            results |= asyncio.run(
                freshness(
                    f"http://127.0.0.1:{ports['events']}",
                    f"http://127.0.0.1:{ports['aggregator']}",
                    province,
                    hq_token,
                    peak,
                )
            )
            results |= broker_down(
                kafka, mongo.uri, f"http://127.0.0.1:{ports['events']}", province, args
            )
        if args.only == "tuning":
            results |= asyncio.run(knobs(mongo.uri, kafka.bootstrap, args.events, args.rounds))
            results |= asyncio.run(
                one_or_two_workers(
                    args,
                    f"http://127.0.0.1:{ports['events']}",
                    f"http://127.0.0.1:{ports['events_two_workers']}",
                )
            )
        if args.only is None:
            results |= asyncio.run(verify_costs(args.rounds + 2))
        if args.only in (None, "workbook"):
            results |= asyncio.run(
                workbook_vs_batch(
                    f"http://127.0.0.1:{ports['events']}",
                    bearer("province", "110000"),
                    activity,
                    rows=args.workbook_rows,
                    rounds=args.rounds,
                )
            )
        if args.only in (None, "query"):
            hq = bearer("hq")
            results |= asyncio.run(
                measure_query(
                    mongo.uri,
                    "bench_aggregator",
                    f"http://127.0.0.1:{ports['aggregator']}",
                    hq,
                    [int(n) for n in args.query_sizes.split(",")],
                )
            )
    finally:
        for name in ports:
            procs.stop(name, run_dir=run_dir)
        kafka.stop()
        mongo.stop()
    _report(results, started, args, f"SecantusDB ({flavour})", cpu)
    import shutil

    shutil.rmtree(run_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
