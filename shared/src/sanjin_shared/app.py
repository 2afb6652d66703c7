"""The FastAPI app factory every service uses.

The lifespan owns the process's resources as one typed object, `Platform`: the MongoDB client and
database, the token verifier, the outbox relay and any background tasks (the aggregator's
consumer). Routers reach it through the `PlatformDep` dependency, never through globals.

Every app gets `/healthz` (alive), `/readyz` (MongoDB reachable: what a request needs),
`/metrics` (Prometheus, with the broker's reachability), `/v1/audit` (the audit trail, for hq), the request middleware (correlation id,
access log, body and JSON-depth limits), per-token rate limits and problem+json errors.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from sanjin_shared.audit import Actor, AuditLog, audit_router
from sanjin_shared.auth import BEARER, TokenVerifier
from sanjin_shared.forwarded import ForwardedPrefixMiddleware
from sanjin_shared.health import KafkaProbe
from sanjin_shared.limits import RequestLimitsMiddleware
from sanjin_shared.logging import configure_logging, get_logger
from sanjin_shared.middleware import RequestContextMiddleware
from sanjin_shared.mongo import UnitOfWork, make_client
from sanjin_shared.outbox import OutboxRelay, ensure_outbox_indexes
from sanjin_shared.problems import document_problems, install_problem_handlers, problem_response
from sanjin_shared.ratelimit import RateLimiter
from sanjin_shared.settings import SHUTDOWN_STEPS_S, ServiceSettings

if TYPE_CHECKING:
    from sanjin_shared.campaigns import CampaignReader

log = get_logger(__name__)

E = TypeVar("E")


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
    extension: object | None = None  # a service's own runtime state (see `extension_of`)
    campaigns: CampaignReader | None = None  # an intake service's copy of the campaigns

    def extension_of(self, kind: type[E]) -> E:
        """The service's own runtime state, of the type it set at startup (the aggregator's live
        read models); a process without it is a programming error."""
        if not isinstance(self.extension, kind):
            raise RuntimeError(f"this process has no {kind.__name__}")
        return self.extension

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
    platform: Platform = request.state.platform
    return platform


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
    verifier = TokenVerifier(settings)  # refuses token settings its environment forbids

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        mongo = make_client(
            settings.mongodb_uri,
            app_name=settings.service_name,
            max_pool_size=settings.mongodb_max_pool_size,
        )
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
            verifier=verifier,
            relay=relay,
            kafka=KafkaProbe(settings),
            limiter=RateLimiter(
                db,
                per_window=settings.rate_limit_per_window,
                window_s=settings.rate_limit_window_s,
            ),
        )
        until = asyncio.get_running_loop().time() + settings.startup_timeout_s
        await _retry_until_ready(lambda: ensure_outbox_indexes(db), "outbox indexes", until)
        await _retry_until_ready(platform.limiter.ensure_indexes, "rate limit indexes", until)
        await _retry_until_ready(AuditLog(db).ensure_indexes, "audit indexes", until)
        for hook in on_startup:
            await _retry_until_ready(functools.partial(hook, platform), hook.__name__, until)
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
            steps = SHUTDOWN_STEPS_S
            await _bounded(
                relay.stop(flush_timeout_s=left()), left() + steps["relay producer"], "outbox relay"
            )
            for task in platform.tasks:
                task.cancel()
            tasks = asyncio.gather(*platform.tasks, return_exceptions=True)
            await _bounded(tasks, steps["tasks"], "tasks")
            await _bounded(platform.kafka.close(), steps["kafka probe"], "kafka probe")
            await _bounded(platform.verifier.close(), steps["token verifier"], "token verifier")
            await _bounded(mongo.close(), steps["mongodb client"], "mongodb client")
            log.info("service stopped")

    app = FastAPI(
        title=title,
        description=description,
        version="1.0.0",
        lifespan=lifespan,
        docs_url=None,  # served by _api_docs from the vendored Swagger UI, never a CDN
        redoc_url=None,
    )
    install_problem_handlers(app)
    _document_openapi(app, settings)
    app.add_middleware(
        RequestLimitsMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_batch_body_bytes=settings.max_batch_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        max_json_depth=settings.max_json_depth,
    )
    app.add_middleware(RequestContextMiddleware, service=settings.service_name)
    app.add_middleware(ForwardedPrefixMiddleware)  # outermost: the gateway's prefix
    app.include_router(_operations_router())
    _api_docs(app, settings)
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


def _document_openapi(app: FastAPI, settings: ServiceSettings) -> None:
    """The OpenAPI lists every operation's problem+json answers (see problems.py) and how each
    one signs in (see _security)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _security(document_problems(generate()), settings)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


OPENID_CONNECT = "openIdConnect"


def _security(openapi: dict[str, Any], settings: ServiceSettings) -> dict[str, Any]:
    """Operations that take the bearer token (auth.BEARER) declare it (FastAPI does, from the
    dependency); the others say they are public (`security: []`) instead of saying nothing. When
    an identity provider is configured (SANJIN_JWT_ISSUER), a sign-in there is an alternative
    in every protected operation's `security`, so a client may use either."""
    bearer = BEARER.scheme_name
    oidc = bool(settings.jwt_issuer)
    if settings.jwt_issuer:
        schemes = openapi.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes[OPENID_CONNECT] = {
            "type": "openIdConnect",
            "openIdConnectUrl": settings.jwt_issuer.rstrip("/")
            + "/.well-known/openid-configuration",
            "description": "Sign in at the identity provider (Authorization Code with PKCE).",
        }
    for operations in openapi.get("paths", {}).values():
        for operation in operations.values():
            security = operation.setdefault("security", [])
            if oidc and any(bearer in requirement for requirement in security):
                security.append({OPENID_CONNECT: []})
    return openapi


SWAGGER_UI = Path(__file__).resolve().parent / "static" / "swagger-ui"
DOCS = "/docs"


def _api_docs(app: FastAPI, settings: ServiceSettings) -> None:
    """`/docs`: Swagger UI from the files vendored in static/swagger-ui (no CDN: the page works
    on an offline network). Behind the gateway every URL carries the forwarded prefix (the
    request's root_path). Once an issuer is configured, Authorize can also sign in there with
    the public browser client (Authorization Code with PKCE)."""
    app.mount(f"{DOCS}/assets", StaticFiles(directory=SWAGGER_UI), name="swagger-ui")
    init_oauth = (
        {
            "clientId": settings.oidc_client_id,
            "usePkceWithAuthorizationCodeGrant": True,
            "scopes": "openid",
        }
        if settings.jwt_issuer
        else None
    )

    @app.get(DOCS, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=root + (app.openapi_url or "/openapi.json"),
            title=f"{app.title}: API",
            swagger_js_url=f"{root}{DOCS}/assets/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS}/assets/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS}/assets/favicon-32x32.png",
            oauth2_redirect_url=f"{root}{DOCS}/oauth2-redirect",
            init_oauth=init_oauth,
            # the default validator badge asks validator.swagger.io about the document
            swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": True},
        )

    @app.get(f"{DOCS}/oauth2-redirect", include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()


async def _retry_until_ready(action: Callable[[], Awaitable[Any]], what: str, until: float) -> None:
    """Start-up must survive a database that comes up a little later than the service: the step
    is tried again until the loop time `until` (settings.startup_timeout_s after the start), then
    the process fails. The startup probes allow longer (a test reads both)."""
    delay = 0.2
    loop = asyncio.get_running_loop()
    while True:
        try:
            await action()
            return
        except Exception as exc:
            if loop.time() + delay >= until:
                raise
            log.warning("start-up step failed, retrying", step=what, error=repr(exc))
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


def _operations_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", operation_id="health-get", summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz", operation_id="readiness-get", summary="The pod can serve: MongoDB is reachable"
    )
    async def readyz(platform: PlatformDep) -> Any:
        # Only what a request needs. Kafka is not: writes go to the outbox and are published
        # when the broker is back, so a broker outage must not take the pods out of their
        # Service; its state is the metric sanjin_kafka_reachable (and an alert).
        try:
            await asyncio.wait_for(platform.mongo.admin.command("ping"), timeout=2)
        except Exception as exc:
            log.debug("readiness: mongodb unreachable", error=repr(exc))
            checks = {"mongodb": False}
            return problem_response(
                503, "not-ready", "not ready: mongodb unreachable", checks=checks
            )
        return {"status": "ready", "checks": {"mongodb": True}}

    @router.get(
        "/metrics",
        operation_id="metrics-get",
        summary="Prometheus metrics",
        response_class=PlainTextResponse,
    )
    async def prometheus_metrics(platform: PlatformDep) -> PlainTextResponse:
        await platform.kafka.observe()  # sanjin_kafka_reachable, probed when scraped
        return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
