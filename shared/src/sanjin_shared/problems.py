"""RFC 9457 problem details for every error a service answers.

Services raise `Problem` (or one of its named subclasses) from any layer above the domain; the
handlers installed by the app factory turn it, FastAPI's validation errors, HTTP errors and
unexpected exceptions into `application/problem+json`. No stack trace ever leaves the process.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from sanjin_shared.errors import ConcurrentModification, InvalidTransition, RuleViolation
from sanjin_shared.logging import get_logger

PROBLEM_JSON = "application/problem+json"
_TYPE_PREFIX = "urn:sanjin:problem:"

log = get_logger(__name__)

# the one problem type of a write that lost a race with another (errors.ConcurrentModification)
CONCURRENT_MODIFICATION = "concurrent-modification"


class Problem(Exception):
    """An error with a status, a stable type slug, a human-readable detail and extra members."""

    status: int = 400
    slug: str = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        slug: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status
        if slug is not None:
            self.slug = slug
        self.title = title or HTTPStatus(self.status).phrase
        self.headers = headers or {}
        self.extensions = extensions


class Unauthorized(Problem):
    status, slug = 401, "unauthorized"

    def __init__(self, detail: str = "a valid bearer token is required") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="sanjin"'})


class Forbidden(Problem):
    status, slug = 403, "forbidden"


class NotFound(Problem):
    status, slug = 404, "not-found"


class Conflict(Problem):
    status, slug = 409, "conflict"


class TooManyRequests(Problem):
    status, slug = 429, "too-many-requests"

    def __init__(self, limit: int, window_s: int, retry_after_s: int) -> None:
        super().__init__(
            f"more than {limit} requests in {window_s} s with this token; retry after"
            f" {retry_after_s} s",
            headers={"Retry-After": str(retry_after_s)},
            limit=limit,
            window_s=window_s,
        )


class Unprocessable(Problem):
    """A request that is well-formed but breaks a rule; name the field in `errors` if there is one."""

    status, slug = 422, "validation-error"

    def __init__(self, detail: str, *, field: str | None = None, **extensions: Any) -> None:
        if field is not None:
            extensions.setdefault("errors", [{"field": field, "message": detail}])
        super().__init__(detail, **extensions)


def problem_type(slug: str) -> str:
    return _TYPE_PREFIX + slug


def problem_response(
    status: int,
    slug: str,
    detail: str,
    *,
    title: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": problem_type(slug),
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extensions)
    return Response(
        content=orjson.dumps(body, default=str),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _field_name(loc: tuple[Any, ...]) -> str:
    # ("body", "items", 3, "participants") -> "items[3].participants"; the location stays apart.
    parts = [p for p in loc[1:]] if loc and loc[0] in ("body", "query", "path", "header") else loc
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or (str(loc[0]) if loc else "")


def validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "field": _field_name(tuple(e.get("loc", ()))),
            "in": str(e["loc"][0]) if e.get("loc") else "body",
            "message": e.get("msg", "invalid"),
            "type": e.get("type", "invalid"),
        }
        for e in errors
    ]


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        return problem_response(
            exc.status,
            exc.slug,
            exc.detail,
            title=exc.title,
            instance=request.url.path,
            headers=exc.headers,
            **exc.extensions,
        )

    @app.exception_handler(RuleViolation)
    async def _rule(request: Request, exc: RuleViolation) -> Response:
        return problem_response(
            422,
            "rule-violation",
            exc.message,
            instance=request.url.path,
            errors=[{"field": exc.field, "in": "body", "message": exc.message, "type": "rule"}],
        )

    @app.exception_handler(InvalidTransition)
    async def _transition(request: Request, exc: InvalidTransition) -> Response:
        return problem_response(409, "invalid-state", exc.message, instance=request.url.path)

    @app.exception_handler(ConcurrentModification)
    async def _concurrent(request: Request, exc: ConcurrentModification) -> Response:
        return problem_response(
            409,
            CONCURRENT_MODIFICATION,
            f"{exc.what} was changed by another request; read it again and retry",
            instance=request.url.path,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = validation_errors(list(exc.errors()))
        fields = ", ".join(sorted({e["field"] for e in errors})) or "the request"
        return problem_response(
            422,
            "validation-error",
            f"invalid request: check {fields}",
            instance=request.url.path,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        slug = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "-")
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        return problem_response(
            exc.status_code,
            slug,
            detail,
            instance=request.url.path,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error", path=request.url.path)
        return problem_response(
            500,
            "internal-error",
            "the server could not complete the request; it has been logged",
            instance=request.url.path,
        )


# -- in the OpenAPI --------------------------------------------------------------------------------

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; 422 adds `errors`, one per bad field.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "examples": ["urn:sanjin:problem:validation-error"]},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": ["string", "null"]},
                    "in": {"type": "string"},
                    "message": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
    "additionalProperties": True,
}
_COMMON_ERRORS = {
    "400": "The body is not acceptable JSON (for example nested too deeply)",
    "401": "No token, or one that is expired, for another audience or badly signed",
    "403": "The token does not give the right to this",
    "413": "The request body is too large",
    "422": "The request breaks a rule; `errors` names each bad field",
    "429": "Too many requests with this token; see Retry-After",
}


def document_problems(openapi: dict[str, Any]) -> dict[str, Any]:
    """Every error an operation can answer, as `application/problem+json` with one schema,
    instead of FastAPI's default validation-error shape, which these services never send. The
    common errors belong to the operations that take a token (their `security`, declared by
    auth.verified_principal); the public ones (health, metrics, the dashboard page) answer none."""
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    content = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in openapi.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            if operation.get("security"):
                for code, description in _COMMON_ERRORS.items():
                    responses.setdefault(code, {"description": description})
                if "{" in path:
                    responses.setdefault("404", {"description": "No such record for this token"})
                if method in ("post", "put", "patch"):
                    responses.setdefault(
                        "409",
                        {"description": "The record's state or an earlier request forbids it"},
                    )
            if path == "/readyz":
                responses.setdefault("503", {"description": "A dependency is unreachable"})
            for code, response in responses.items():
                if code[0] in "45":
                    response["content"] = content
    return openapi
