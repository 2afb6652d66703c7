"""Per-token rate limits, shared by every process of a service through MongoDB.

A fixed window per token: the counter `rate_limits/{token}|{window}` is incremented atomically
with one update per request (an insert on a window's first), so two processes (or twenty pods) count together. Past the limit the
request is answered 429 with `Retry-After` (the seconds to the next window). Counters expire by a
TTL index shortly after their window.

The token is named by its subject and role (and province), never by the token itself. If MongoDB
cannot answer within a short timeout the request is let through: a limit is a protection, and the
request's own writes will meet the same database anyway.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from sanjin_shared.logging import get_logger

COLLECTION = "rate_limits"
log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    retry_after_s: int


class RateLimiter:
    def __init__(
        self, db: AsyncDatabase[Any], *, per_window: int, window_s: int, timeout_s: float = 1.0
    ) -> None:
        self._col = db[COLLECTION]
        self.per_window = per_window
        self.window_s = window_s
        self._timeout_s = timeout_s

    @property
    def enabled(self) -> bool:
        return self.per_window > 0

    async def ensure_indexes(self) -> None:
        await self._col.create_indexes(
            [IndexModel([("expires_at", ASCENDING)], name="expiry", expireAfterSeconds=0)]
        )

    async def hit(self, key: str, now: datetime | None = None) -> Decision:
        now = now or datetime.now(UTC)
        window = math.floor(now.timestamp() / self.window_s)
        window_end = (window + 1) * self.window_s
        retry_after = max(1, math.ceil(window_end - now.timestamp()))
        try:
            count = await asyncio.wait_for(
                self._increment(f"{key}|{window}", window_end), self._timeout_s
            )
        except (TimeoutError, PyMongoError) as exc:
            log.warning("rate limit not checked: the counter is unavailable", error=repr(exc))
            return Decision(True, self.per_window, self.per_window, 0)
        return Decision(
            allowed=count <= self.per_window,
            limit=self.per_window,
            remaining=max(0, self.per_window - count),
            retry_after_s=retry_after,
        )

    async def _increment(self, counter: str, window_end: float) -> int:
        """Increment the window's counter, creating it on the window's first request.

        Not an upsert: an upsert that races another one to create the document can report no
        document although it counted (seen with SecantusDB), and a retry would count twice. An
        increment of an existing counter, or an insert that fails on a duplicate key, is never
        ambiguous.
        """
        expires = datetime.fromtimestamp(window_end, UTC) + timedelta(seconds=self.window_s)
        for _ in range(3):
            doc = await self._col.find_one_and_update(
                {"_id": counter}, {"$inc": {"count": 1}}, return_document=ReturnDocument.AFTER
            )
            if doc is not None:
                return int(doc["count"])
            try:
                await self._col.insert_one({"_id": counter, "count": 1, "expires_at": expires})
                return 1
            except DuplicateKeyError:  # another request created it first: increment that one
                continue
        raise PyMongoError("the counter could not be created")
