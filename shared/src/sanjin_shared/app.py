"""The FastAPI app factory every service uses.

The lifespan owns the process's resources as one typed object, `Platform`: the MongoDB client and
database, the token verifier, the outbox relay and any background tasks (the aggregator's
consumer). Routers reach it through the `PlatformDep` dependency, never through globals.

Every app gets `/healthz` (alive), `/readyz` (MongoDB and Kafka reachable), `/metrics`
(Prometheus), `/v1/audit` (the audit trail, for hq), the request middleware (correlation id,
access log, body and JSON-depth limits), per-token rate limits and problem+json errors.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_shared.audit import Actor, AuditLog, audit_router
from sanjin_shared.auth import TokenVerifier
from sanjin_shared.forwarded import ForwardedPrefixMiddleware
from sanjin_shared.health import KafkaProbe
from sanjin_shared.limits import RequestLimitsMiddleware
from sanjin_shared.logging import configure_logging, get_logger
from sanjin_shared.middleware import RequestContextMiddleware
from sanjin_shared.mongo import UnitOfWork, make_client
from sanjin_shared.outbox import OutboxRelay, ensure_outbox_indexes
from sanjin_shared.problems import document_problems, install_problem_handlers, problem_response
from sanjin_shared.ratelimit import RateLimiter
from sanjin_shared.settings import ServiceSettings

log = get_logger(__name__)


@dataclass
class Platform:
    """What a service process owns for its lifetime (FastAPI lifespan state)."""

    settings: ServiceSettings
    mongo: AsyncMongoClient[Any]
    db: AsyncDatabase[Any]
    verifier: TokenVerifier
    relay: OutboxRelay
    kafka: KafkaProbe
    limiter: RateLimiter
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)

    def unit_of_work(self, actor: Actor | None = None) -> UnitOfWork:
        """A unit of work on behalf of `actor` (a request's `ctx.actor`); without one, the
        service's own background work."""
        return UnitOfWork(
            self.mongo,
            self.db,
            actor=actor or Actor.system(self.settings.service_name),
            on_commit=self.relay.notify,
        )


async def get_platform(request: Request) -> Platform:
    return request.state.platform


PlatformDep = Annotated[Platform, Depends(get_platform)]

Hook = Callable[[Platform], Awaitable[None]]


def create_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str = "",
    routers: Sequence[APIRouter] = (),
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
) -> FastAPI:
    """Build a service's app. `on_startup` hooks create indexes and start background tasks."""
    configure_logging(settings.service_name, settings.log_level)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        mongo = make_client(settings.mongodb_uri, app_name=settings.service_name)
        db = mongo[settings.database_name]
        relay = OutboxRelay(
            db,
            bootstrap=settings.kafka_bootstrap,
            topic_prefix=settings.topic_prefix,
            service=settings.service_name,
            batch_size=settings.outbox_batch_size,
            poll_interval_s=settings.outbox_poll_interval_s,
            lease_s=settings.outbox_lease_s,
        )
        platform = Platform(
            settings=settings,
            mongo=mongo,
            db=db,
            verifier=TokenVerifier(settings),
            relay=relay,
            kafka=KafkaProbe(settings.kafka_bootstrap),
            limiter=RateLimiter(
                db,
                per_window=settings.rate_limit_per_window,
                window_s=settings.rate_limit_window_s,
            ),
        )
        await _retry_until_ready(lambda: ensure_outbox_indexes(db), "outbox indexes")
        await _retry_until_ready(platform.limiter.ensure_indexes, "rate limit indexes")
        await _retry_until_ready(AuditLog(db).ensure_indexes, "audit indexes")
        for hook in on_startup:
            await _retry_until_ready(lambda hook=hook: hook(platform), hook.__name__)
        platform.tasks.append(asyncio.create_task(relay.run(), name="outbox-relay"))
        log.info("service started", environment=settings.environment.value)
        try:
            yield {"platform": platform}
        finally:
            log.info("service stopping")
            # Every step is bounded: with MongoDB or Kafka gone the process still exits within
            # about the grace period; what could not be flushed stays in the outbox.
            deadline = asyncio.get_running_loop().time() + settings.shutdown_grace_s

            def left() -> float:
                return max(0.5, deadline - asyncio.get_running_loop().time())

            for hook in on_shutdown:
                await _bounded(hook(platform), left(), hook.__name__)
            await _bounded(relay.stop(flush_timeout_s=left()), left() + 3, "outbox relay")
            for task in platform.tasks:
                task.cancel()
            await _bounded(asyncio.gather(*platform.tasks, return_exceptions=True), 3, "tasks")
            await _bounded(platform.kafka.close(), 2, "kafka probe")
            await _bounded(mongo.close(), 2, "mongodb client")
            log.info("service stopped")

    app = FastAPI(
        title=title,
        description=description,
        version="1.0.0",
        lifespan=lifespan,
    )
    install_problem_handlers(app)
    _document_problems(app)
    app.add_middleware(
        RequestLimitsMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_batch_body_bytes=settings.max_batch_body_bytes,
        max_json_depth=settings.max_json_depth,
    )
    app.add_middleware(RequestContextMiddleware, service=settings.service_name)
    app.add_middleware(ForwardedPrefixMiddleware)  # outermost: the gateway's prefix
    app.include_router(_operations_router())
    app.include_router(audit_router())
    for router in routers:
        app.include_router(router)
    return app


async def _bounded(step: Awaitable[Any], timeout_s: float, what: str) -> None:
    try:
        await asyncio.wait_for(step, timeout=timeout_s)
    except TimeoutError:
        log.warning("shutdown step did not finish in time", step=what, timeout_s=timeout_s)
    except Exception as exc:
        log.warning("shutdown step failed", step=what, error=repr(exc))


def _document_problems(app: FastAPI) -> None:
    """The OpenAPI lists every operation's problem+json answers (see problems.py)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


async def _retry_until_ready(action: Callable[[], Awaitable[Any]], what: str) -> None:
    """Start-up must survive a database that comes up a little later than the service."""
    delay = 0.2
    for attempt in range(1, 31):
        try:
            await action()
            return
        except Exception as exc:
            if attempt == 30:
                raise
            log.warning("start-up step failed, retrying", step=what, error=repr(exc))
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


def _operations_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="MongoDB and Kafka are reachable")
    async def readyz(platform: PlatformDep) -> Any:
        checks = {"mongodb": False, "kafka": False}
        try:
            await asyncio.wait_for(platform.mongo.admin.command("ping"), timeout=2)
            checks["mongodb"] = True
        except Exception as exc:
            log.debug("readiness: mongodb unreachable", error=repr(exc))
        checks["kafka"] = await platform.kafka.reachable()
        if all(checks.values()):
            return {"status": "ready", "checks": checks}
        down = ", ".join(k for k, ok in checks.items() if not ok)
        return problem_response(503, "not-ready", f"not ready: {down} unreachable", checks=checks)

    @router.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse)
    async def prometheus_metrics(platform: PlatformDep) -> PlainTextResponse:
        return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
