"""The knobs the pipeline's settings were chosen by, each value beside the chosen one in one run.

`make bench BENCH_ARGS="--only tuning"` (not part of the full run). For each knob, every value
runs in interleaved rounds on the same servers and the best round of each counts; the ratio is
against the value the code uses:
- relay: the producer's `linger_ms` and `max_batch_size`, and the outbox read size
  (`SANJIN_OUTBOX_BATCH_SIZE`), on the same pending events each time;
- apply: the consumer's `max_records` per batch (one transaction each);
- ingest: one uvicorn worker per process beside two (measured in `bench/run.py`, which serves
  the HTTP side).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from pymongo import AsyncMongoClient

from bench.pipeline import apply_from_start, envelopes, ratio, write_pending
from sanjin_aggregator.adapters.generations import Generation
from sanjin_shared.outbox import OutboxRelay, make_producer
from sanjin_shared.provisioning import provision_topics

# (name, producer options, outbox read size); the first is what the code uses
RELAY_VARIANTS: list[tuple[str, dict[str, int], int]] = [
    (
        "chosen: linger 5 ms, batch 256 KiB, read 5000",
        {"linger_ms": 5, "max_batch_size": 256 * 1024},
        5000,
    ),
    ("linger 0 ms", {"linger_ms": 0, "max_batch_size": 256 * 1024}, 5000),
    ("linger 20 ms", {"linger_ms": 20, "max_batch_size": 256 * 1024}, 5000),
    ("batch 64 KiB", {"linger_ms": 5, "max_batch_size": 64 * 1024}, 5000),
    ("batch 1 MiB", {"linger_ms": 5, "max_batch_size": 1024 * 1024}, 5000),
    ("read 1000", {"linger_ms": 5, "max_batch_size": 256 * 1024}, 1000),
    ("read 20000", {"linger_ms": 5, "max_batch_size": 256 * 1024}, 20000),
]
APPLY_VARIANTS = [1000, 250, 4000]  # max_records per batch; the first is the aggregator's default


async def knobs(mongo_uri: str, bootstrap: str, n: int, rounds: int) -> dict[str, dict]:
    prefix = f"t{uuid.uuid4().hex[:6]}."
    await provision_topics(bootstrap, prefix=prefix)
    client: AsyncMongoClient[Any] = AsyncMongoClient(mongo_uri, tz_aware=True)
    db = client[f"bench_tuning_{prefix[:-1]}"]
    results: dict[str, dict] = {}
    try:
        relay_s: dict[str, list[float]] = {name: [] for name, _, _ in RELAY_VARIANTS}
        published = 0
        for _ in range(rounds):
            for name, options, read_size in RELAY_VARIANTS:
                await write_pending(client, db, envelopes(n, "bench-tuning"))
                relay = OutboxRelay(
                    db,
                    bootstrap=bootstrap,
                    topic_prefix=prefix,
                    service="bench",
                    batch_size=read_size,
                    producer_factory=_producer(bootstrap, options),
                )
                started = time.perf_counter()
                while await relay.publish_pending():
                    pass
                relay_s[name].append(time.perf_counter() - started)
                await relay.stop(flush_timeout_s=1)
                published += n
        chosen = RELAY_VARIANTS[0][0]
        for name, _, _ in RELAY_VARIANTS:
            results[f"relay: {name}"] = ratio(
                n / min(relay_s[name]),
                n / min(relay_s[chosen]),
                "events/s (baseline: the chosen settings)",
            )

        # every run of the consumer applies the same first events of the topic, into a
        # generation of its own
        count = min(published, 2 * n)
        apply_s: dict[int, list[float]] = {size: [] for size in APPLY_VARIANTS}
        for r in range(rounds):
            for size in APPLY_VARIANTS:
                generation = Generation(f"t{r}_{size}_", f"bench-tuning-{prefix}{r}-{size}")
                apply_s[size].append(
                    await apply_from_start(client, db, bootstrap, prefix, generation, count, size)
                )
        default = APPLY_VARIANTS[0]
        for size in APPLY_VARIANTS:
            results[f"apply: max_records {size}"] = ratio(
                count / min(apply_s[size]),
                count / min(apply_s[default]),
                f"events/s (baseline: max_records {default})",
            )
    finally:
        await client.drop_database(db.name)
        await client.close()
    return results


def _producer(bootstrap: str, options: dict[str, int]) -> Callable[[], Any]:
    return lambda: make_producer(bootstrap, client_id="bench-tuning", **options)
