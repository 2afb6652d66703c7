"""Is the Kafka broker reachable? A metadata request through a long-lived client, cached briefly.

Not part of readiness (the outbox keeps writes succeeding while the broker is away): the answer
is the gauge `sanjin_kafka_reachable`, refreshed when Prometheus scrapes `/metrics`, and the
monitoring profile alerts on it.
"""

from __future__ import annotations

import asyncio
import time

from aiokafka import AIOKafkaClient

from sanjin_shared.kafka import client_kwargs
from sanjin_shared.logging import get_logger
from sanjin_shared.metrics import KAFKA_REACHABLE
from sanjin_shared.settings import KafkaClientSettings, ServiceSettings

log = get_logger(__name__)


class KafkaProbe:
    def __init__(
        self,
        settings: KafkaClientSettings,
        *,
        service: str | None = None,
        cache_s: float = 1.0,
        timeout_s: float = 2.0,
    ) -> None:
        self._settings = settings
        self._service = service or (
            settings.service_name if isinstance(settings, ServiceSettings) else "sanjin"
        )
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

    async def observe(self) -> bool:
        """Probe (or take the cached answer) and set the gauge."""
        ok = await self.reachable()
        KAFKA_REACHABLE.labels(service=self._service).set(1 if ok else 0)
        return ok

    async def _check(self) -> bool:
        try:
            if self._client is None:
                client = AIOKafkaClient(
                    **client_kwargs(settings=self._settings),
                    client_id="readiness-probe",
                    request_timeout_ms=int(self._timeout_s * 1000),
                )
                self._client = client  # closed below when the bootstrap fails
                await asyncio.wait_for(client.bootstrap(), timeout=self._timeout_s)
                return True
            await asyncio.wait_for(self._client.fetch_all_metadata(), timeout=self._timeout_s)
            return True
        except Exception as exc:
            log.debug("kafka unreachable", error=repr(exc))
            await self.close()
            return False

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                await client.close()
            except Exception as exc:
                log.debug("kafka probe close failed", error=repr(exc))
