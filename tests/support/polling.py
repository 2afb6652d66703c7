"""Poll with a deadline instead of sleeping."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]],
    *,
    until: Callable[[T], bool] = bool,
    timeout_s: float = 30.0,
    interval_s: float = 0.1,
    what: str = "condition",
) -> T:
    """Call `probe` until `until(result)` holds; fail with the last result at the deadline."""
    deadline = time.monotonic() + timeout_s
    last: T | None = None
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            last = await probe()
            if until(last):
                return last
        except Exception as exc:  # a server still starting, a transient error
            last_error = exc
        await asyncio.sleep(interval_s)
    raise AssertionError(
        f"{what} not reached within {timeout_s}s; last result {last!r}, last error {last_error!r}"
    )
