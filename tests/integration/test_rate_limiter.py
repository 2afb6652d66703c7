"""The rate limiter's counter against the real database: concurrent first requests of a window
race to create the counter, and every one of them must still be counted exactly once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from pymongo import AsyncMongoClient

from sanjin_shared.ratelimit import RateLimiter
from tests.conftest import World


async def test_concurrent_first_hits_of_a_window_are_each_counted_once(world: World) -> None:
    client: AsyncMongoClient = AsyncMongoClient(world.infra.mongodb_uri, tz_aware=True)
    db = client[f"{world.name}_rate_{uuid.uuid4().hex[:6]}"]
    limiter = RateLimiter(db, per_window=30, window_s=60, timeout_s=10)
    now = datetime.now(UTC)
    try:
        for round_ in range(20):  # a fresh counter each round: the upserts race to create it
            key = f"sub-{round_}"
            decisions = await asyncio.gather(*(limiter.hit(key, now) for _ in range(40)))
            remaining = sorted(d.remaining for d in decisions)
            # each hit saw its own count: 30 allowed with 29..0 remaining, 10 refused
            assert remaining == [0] * 11 + list(range(1, 30)), (round_, remaining)
            assert sum(d.allowed for d in decisions) == 30, round_
    finally:
        await client.drop_database(db.name)
        await client.close()
