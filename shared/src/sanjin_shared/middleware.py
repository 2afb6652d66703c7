"""Pure-ASGI middleware: correlation id, access log line, request metrics."""

from __future__ import annotations

import time
import uuid
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sanjin_shared import metrics
from sanjin_shared.logging import get_logger

CORRELATION_HEADER = "x-correlation-id"
_MAX_ID_LENGTH = 200
log = get_logger("sanjin.access")


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    return getattr(route, "path", None) or "unmatched"


class RequestContextMiddleware:
    """Binds `correlation_id` for the request, echoes it back, logs and measures the request."""

    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(CORRELATION_HEADER.encode(), b"").decode("latin-1").strip()
        correlation_id = incoming[:_MAX_ID_LENGTH] if incoming else str(uuid.uuid4())
        scope.setdefault("state", {})["correlation_id"] = correlation_id
        structlog.contextvars.bind_contextvars(correlation_id=correlation_id)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (CORRELATION_HEADER.encode(), correlation_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            path = scope.get("path", "")
            route = _route_template(scope)
            method = scope.get("method", "")
            if path not in ("/metrics", "/healthz", "/readyz"):
                fields: dict[str, Any] = {
                    "method": method,
                    "path": path,
                    "status": status,
                    "latency_ms": round(elapsed * 1000, 2),
                }
                log.info("request", **fields)
            metrics.HTTP_REQUESTS.labels(self.service, method, route, str(status)).inc()
            metrics.HTTP_LATENCY.labels(self.service, method, route).observe(elapsed)
            structlog.contextvars.unbind_contextvars("correlation_id")
