"""Is the Kafka broker reachable? A metadata request through a long-lived client, cached briefly."""

from __future__ import annotations

import asyncio
import time

from aiokafka import AIOKafkaClient

from sanjin_shared.logging import get_logger

log = get_logger(__name__)


class KafkaProbe:
    def __init__(self, bootstrap: str, *, cache_s: float = 1.0, timeout_s: float = 2.0) -> None:
        self._bootstrap = bootstrap
        self._cache_s = cache_s
        self._timeout_s = timeout_s
        self._client: AIOKafkaClient | None = None
        self._last: tuple[float, bool] = (0.0, False)
        self._lock = asyncio.Lock()

    async def reachable(self) -> bool:
        checked_at, ok = self._last
        if time.monotonic() - checked_at < self._cache_s:
            return ok
        async with self._lock:
            ok = await self._check()
            self._last = (time.monotonic(), ok)
            return ok

    async def _check(self) -> bool:
        try:
            if self._client is None:
                client = AIOKafkaClient(
                    bootstrap_servers=self._bootstrap,
                    client_id="readiness-probe",
                    request_timeout_ms=int(self._timeout_s * 1000),
                )
                await asyncio.wait_for(client.bootstrap(), timeout=self._timeout_s)
                self._client = client
                return True
            await asyncio.wait_for(self._client.fetch_all_metadata(), timeout=self._timeout_s)
            return True
        except Exception as exc:
            log.debug("readiness: kafka unreachable", error=repr(exc))
            await self.close()
            return False

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                await client.close()
            except Exception as exc:
                log.debug("kafka probe close failed", error=repr(exc))
